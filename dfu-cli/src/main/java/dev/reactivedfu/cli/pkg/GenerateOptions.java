package dev.reactivedfu.cli.pkg;

import dev.reactivedfu.archive.DfuPackageWriter;
import dev.reactivedfu.archive.proto.DfuCc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The option rules of nrfutil 6.1.7's {@code pkg generate}, applied to the command line's strings before any file is
 * read: each refusal is an {@link IllegalArgumentException} whose message is one line naming the option.
 *
 * <p>In nrfutil's order: a bootloader with an application needs a SoftDevice too; a version without its image is
 * refused; {@code --debug-mode} defaults the versions and {@code --hw-version} to 0xFFFFFFFF and {@code --sd-req} to
 * 0xFFFE; then {@code --hw-version} and {@code --sd-req} are required, an application needs
 * {@code --application-version} or {@code --application-version-string} (the string wins when both are given), a
 * bootloader {@code --bootloader-version}, a SoftDevice with an application {@code --sd-id}. Integers are decimal or
 * {@code 0x} hex; {@code --sd-req} and {@code --sd-id} are comma lists of such ids, where nrfutil asks for hex;
 * {@code none} means not given; a version string is {@code major.minor.patch}, worth
 * {@code major * 10000 + minor * 100 + patch}.
 */
public final class GenerateOptions {

    private static final Pattern VERSION_STRING = Pattern.compile("(\\d{1,5})\\.(\\d{1,2})\\.(\\d{1,2})");

    /** nrfutil's names of boot validation types. */
    public static final List<String> VALIDATIONS = List.of("NO_VALIDATION", "VALIDATE_GENERATED_CRC",
            "VALIDATE_GENERATED_SHA256", "VALIDATE_ECDSA_P256_SHA256");

    /**
     * What the options resolve to, files not read yet.
     *
     * @param applicationVersion the application's fw_version
     * @param bootloaderVersion  the bootloader's fw_version
     * @param hwVersion          hw_version
     * @param sdReq              --sd-req
     * @param sdId               --sd-id
     * @param sdBootValidation   --sd-boot-validation
     * @param appBootValidation  --app-boot-validation
     * @param warnings           what nrfutil warns about (printed, not refused)
     */
    public record Resolved(Optional<Long> applicationVersion, Optional<Long> bootloaderVersion, long hwVersion,
                           List<Integer> sdReq, List<Integer> sdId, DfuCc.ValidationType sdBootValidation,
                           DfuCc.ValidationType appBootValidation, List<String> warnings) {
    }

    private GenerateOptions() {
    }

    /** Applies the rules; the strings are the options as given ({@code null} when absent). */
    public static Resolved resolve(boolean application, boolean bootloader, boolean softdevice, boolean debug,
                                   String applicationVersion, String applicationVersionString,
                                   String bootloaderVersion, String hwVersion, String sdReq, String sdId,
                                   String sdBootValidation, String appBootValidation) {
        List<String> warnings = new ArrayList<>();
        if (!application && !bootloader && !softdevice) {
            throw new IllegalArgumentException("nothing to package: give --application, --bootloader or --softdevice");
        }
        if (bootloader && application && !softdevice) {
            throw new IllegalArgumentException("--bootloader with --application needs --softdevice too "
                    + "(nrfutil: invalid combination, use two packages instead)");
        }
        Optional<Long> appVersion;
        if (applicationVersionString != null) {
            appVersion = Optional.of(versionString(applicationVersionString));
            if (applicationVersion != null) {
                warnings.add("both --application-version-string and --application-version given: "
                        + "only the string is used");
            }
        } else {
            appVersion = uint32("--application-version", applicationVersion);
        }
        Optional<Long> blVersion = uint32("--bootloader-version", bootloaderVersion);
        Optional<Long> hw = uint32("--hw-version", hwVersion);
        Optional<String> req = noneToEmpty(sdReq);
        Optional<String> id = noneToEmpty(sdId);
        if (appVersion.isPresent() && !application) {
            throw new IllegalArgumentException((applicationVersionString != null ? "--application-version-string"
                    : "--application-version") + " given without --application");
        }
        if (blVersion.isPresent() && !bootloader) {
            throw new IllegalArgumentException("--bootloader-version given without --bootloader");
        }
        if (debug) {
            warnings.add("--debug-mode: the package skips version checks and only a debug bootloader accepts it");
            appVersion = appVersion.or(() -> Optional.of(DfuPackageWriter.NO_VERSION));
            blVersion = blVersion.or(() -> Optional.of(DfuPackageWriter.NO_VERSION));
            hw = hw.or(() -> Optional.of(DfuPackageWriter.NO_VERSION));
            req = req.or(() -> Optional.of("0xFFFE"));
        }
        if (hw.isEmpty()) {
            throw new IllegalArgumentException("--hw-version required (52 for nRF52)");
        }
        if (req.isEmpty()) {
            throw new IllegalArgumentException("--sd-req required (the SoftDevice ids the image runs on, e.g. 0xCA; "
                    + "0x00 for none)");
        }
        if (application && appVersion.isEmpty()) {
            throw new IllegalArgumentException(
                    "--application-version or --application-version-string required with --application");
        }
        if (bootloader && blVersion.isEmpty()) {
            throw new IllegalArgumentException("--bootloader-version required with --bootloader");
        }
        if (application && softdevice && id.isEmpty()) {
            throw new IllegalArgumentException("--sd-id required with --softdevice and --application "
                    + "(the new SoftDevice's id, which the application then requires)");
        }
        List<Integer> reqList = ids("--sd-req", req.get());
        List<Integer> idList = id.isPresent() ? ids("--sd-id", id.get()) : List.of();
        return new Resolved(appVersion, blVersion, hw.get(), reqList, idList,
                validation("--sd-boot-validation", sdBootValidation),
                validation("--app-boot-validation", appBootValidation), warnings);
    }

    private static Optional<String> noneToEmpty(String s) {
        return s == null || s.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(s.trim());
    }

    /** A uint32 option: decimal or 0x hex, or {@code none}. */
    static Optional<Long> uint32(String option, String value) {
        if (value == null || value.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        long v = number(option, value.trim());
        if (v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(option + " " + value + " does not fit 32 bits (at most 0xFFFFFFFF)");
        }
        return Optional.of(v);
    }

    private static long number(String option, String value) {
        try {
            long v = value.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseLong(value.substring(2), 16)
                    : Long.parseLong(value);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + value
                    + "' is not a number (decimal, or hex prefixed with 0x)");
        }
    }

    static long versionString(String s) {
        Matcher m = VERSION_STRING.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--application-version-string '" + s
                    + "' is not major.minor.patch (e.g. 2.7.31; minor and patch at most 99)");
        }
        return Long.parseLong(m.group(1)) * 10_000 + Long.parseLong(m.group(2)) * 100 + Long.parseLong(m.group(3));
    }

    static List<Integer> ids(String option, String list) {
        List<Integer> ids = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            String t = item.trim();
            long v;
            try {
                v = t.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseLong(t.substring(2), 16)
                        : Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("could not parse '" + t + "' in " + option
                        + ": give a comma list of SoftDevice ids, hex prefixed with 0x (e.g. 0xCA,0x0100)");
            }
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(option + " id " + t + " does not fit 32 bits");
            }
            ids.add((int) v);
        }
        return ids;
    }

    static DfuCc.ValidationType validation(String option, String name) {
        if (name == null) {
            return DfuCc.ValidationType.VALIDATE_GENERATED_CRC;
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "NO_VALIDATION" -> DfuCc.ValidationType.NO_VALIDATION;
            case "VALIDATE_GENERATED_CRC" -> DfuCc.ValidationType.VALIDATE_GENERATED_CRC;
            case "VALIDATE_GENERATED_SHA256" -> DfuCc.ValidationType.VALIDATE_SHA256;
            case "VALIDATE_ECDSA_P256_SHA256" -> DfuCc.ValidationType.VALIDATE_ECDSA_P256_SHA256;
            default -> throw new IllegalArgumentException(option + " '" + name + "' is not one of "
                    + String.join(", ", VALIDATIONS));
        };
    }
}
