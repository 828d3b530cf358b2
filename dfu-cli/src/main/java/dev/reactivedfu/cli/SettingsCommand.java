package dev.reactivedfu.cli;

import dev.reactivedfu.archive.hex.FirmwareFiles;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.archive.settings.BootValidationType;
import dev.reactivedfu.archive.settings.BootloaderSettings;
import dev.reactivedfu.archive.settings.Family;
import dev.reactivedfu.archive.settings.SettingsGenerator;
import dev.reactivedfu.archive.settings.SettingsRequest;
import dev.reactivedfu.error.PackageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code dfu settings}: bootloader settings pages. Subcommands: {@code generate}. */
@Command(name = "settings",
        mixinStandardHelpOptions = true,
        description = "Bootloader settings pages, as nrfutil settings makes them.",
        subcommands = {SettingsCommand.Generate.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class SettingsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code dfu settings generate OUT.hex --family F --bootloader-version N --bl-settings-version 1|2 ...}: nrfutil's
     * options and output; the file is written whole or not at all.
     */
    @Command(name = "generate",
            mixinStandardHelpOptions = true,
            description = {"Generate the bootloader settings page (and its backup) as an Intel HEX file to program "
                    + "beside the bootloader and the application, so that the board boots the application at once.",
                    "Same options and the same hex records as nrfutil settings generate. Integers may be decimal, "
                            + "0x hex or 0-prefixed octal."},
            footerHeading = "%nExit codes:%n",
            footer = {ExitCodes.HELP})
    static final class Generate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "OUT.hex", description = "The settings hex file to write.")
        Path hexFile;

        @Option(names = "--family", paramLabel = "FAMILY",
                description = "nRF IC family: NRF51, NRF52, NRF52QFAB, NRF52810 or NRF52840 (gives the address).")
        String family;

        @Option(names = "--application", paramLabel = "FILE",
                description = "The application in flash (.hex, or .bin); needs --application-version(-string).")
        Path application;

        @Option(names = "--application-version", paramLabel = "N", description = "The application version.")
        String applicationVersion;

        @Option(names = "--application-version-string", paramLabel = "M.m.p",
                description = "The application version as major.minor.patch (2.7.31 is 20731).")
        String applicationVersionString;

        @Option(names = "--bootloader-version", paramLabel = "N", description = "The bootloader version.")
        String bootloaderVersion;

        @Option(names = "--bl-settings-version", paramLabel = "1|2",
                description = "Settings version: 1 for SDK 12.0 to 15.2, 2 for SDK 15.3 and later.")
        String settingsVersion;

        @Option(names = "--start-address", paramLabel = "ADDR",
                description = "Settings page address instead of the family's.")
        String startAddress;

        @Option(names = "--no-backup", description = "Do not write the backup page.")
        boolean noBackup;

        @Option(names = "--backup-address", paramLabel = "ADDR",
                description = "Backup page address instead of one page (0x1000) below the settings.")
        String backupAddress;

        @Option(names = "--app-boot-validation", paramLabel = "TYPE",
                description = "NO_VALIDATION, VALIDATE_GENERATED_CRC, VALIDATE_GENERATED_SHA256 or "
                        + "VALIDATE_ECDSA_P256_SHA256 (settings version 2).")
        String appBootValidation;

        @Option(names = "--sd-boot-validation", paramLabel = "TYPE",
                description = "As --app-boot-validation, for the SoftDevice (needs --softdevice).")
        String sdBootValidation;

        @Option(names = "--softdevice", paramLabel = "FILE",
                description = "The SoftDevice in flash (.hex): gives the SoftDevice size (MBR not counted).")
        Path softDevice;

        @Option(names = "--key-file", paramLabel = "FILE",
                description = "Private key (PEM) for VALIDATE_ECDSA_P256_SHA256.")
        Path keyFile;

        @Override
        public Integer call() {
            SettingsRequest request;
            Family chosen;
            try {
                chosen = family();
                request = request(chosen);
            } catch (OptionException e) {
                return KeysCommand.fail(spec, ExitCodes.USAGE, e.getMessage());
            } catch (PackageException e) {
                return KeysCommand.fail(spec, e.fault() == PackageException.Fault.OPTION ? ExitCodes.USAGE
                        : ExitCodes.INVALID_PACKAGE, ExitCodes.describe(e));
            }
            BootloaderSettings settings;
            try {
                settings = SettingsGenerator.generate(request);
                settings.toHex().write(hexFile);
            } catch (PackageException e) {
                return KeysCommand.fail(spec, e.fault() == PackageException.Fault.OPTION ? ExitCodes.USAGE
                        : ExitCodes.INVALID_PACKAGE, ExitCodes.describe(e));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print("\nGenerated Bootloader DFU settings .hex file and stored it in: " + hexFile + "\n");
            out.print(settings.describe(hexFile.toString(), chosen.label()) + "\n");
            out.flush();
            return ExitCodes.OK;
        }

        private Family family() {
            if (family == null) {
                throw new OptionException("--family: required (NRF51, NRF52, NRF52QFAB, NRF52810 or NRF52840)");
            }
            try {
                return Family.valueOf(family.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new OptionException("--family " + family
                        + ": not NRF51, NRF52, NRF52QFAB, NRF52810 or NRF52840");
            }
        }

        private SettingsRequest request(Family f) {
            if (bootloaderVersion == null) {
                throw new OptionException("--bootloader-version: required");
            }
            if (settingsVersion == null) {
                throw new OptionException("--bl-settings-version: required (1 for SDK 12.0 to 15.2, 2 for 15.3 "
                        + "and later)");
            }
            if (applicationVersion != null && applicationVersionString != null) {
                throw new OptionException("--application-version-string: give it or --application-version, "
                        + "not both");
            }
            long appVersion = 0;
            if (applicationVersionString != null) {
                appVersion = versionString(applicationVersionString);
            } else if (applicationVersion != null) {
                appVersion = integer("--application-version", applicationVersion);
            } else if (application != null) {
                throw new OptionException("--application-version: required with --application "
                        + "(or --application-version-string)");
            }
            long blSettings = integer("--bl-settings-version", settingsVersion);
            if (blSettings != 1 && blSettings != 2) {
                throw new OptionException("--bl-settings-version " + settingsVersion
                        + ": not 1 (SDK 12.0 to 15.2) or 2 (SDK 15.3 and later)");
            }
            BootValidationType appValidation = validation("--app-boot-validation", appBootValidation);
            BootValidationType sdValidation = validation("--sd-boot-validation", sdBootValidation);
            Optional<byte[]> app = Optional.ofNullable(application).map(FirmwareFiles::image);
            Optional<byte[]> sd = Optional.ofNullable(softDevice).map(FirmwareFiles::softDevice);
            boolean ecdsa = appValidation == BootValidationType.VALIDATE_ECDSA_P256_SHA256
                    || sdValidation == BootValidationType.VALIDATE_ECDSA_P256_SHA256;
            Optional<SigningKey> key = ecdsa ? Optional.ofNullable(keyFile).map(SigningKey::read) : Optional.empty();
            return new SettingsRequest(f, (int) blSettings, app, appVersion,
                    integer("--bootloader-version", bootloaderVersion), sd, appValidation, sdValidation, key,
                    address("--start-address", startAddress), !noBackup, address("--backup-address", backupAddress));
        }

        private static BootValidationType validation(String option, String value) {
            if (value == null) {
                return BootValidationType.NO_VALIDATION;
            }
            try {
                return BootValidationType.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new OptionException(option + " " + value + ": not NO_VALIDATION, VALIDATE_GENERATED_CRC, "
                        + "VALIDATE_GENERATED_SHA256 or VALIDATE_ECDSA_P256_SHA256");
            }
        }

        private static OptionalLong address(String option, String value) {
            return value == null ? OptionalLong.empty() : OptionalLong.of(integer(option, value));
        }

        /** nrfutil's integers: {@code 0x} hex, a leading {@code 0} octal, else decimal; 32 bits unsigned. */
        static long integer(String option, String text) {
            String t = text.strip();
            long value;
            try {
                if (t.toLowerCase(Locale.ROOT).startsWith("0x")) {
                    value = Long.parseLong(t.substring(2), 16);
                } else if (t.length() > 1 && t.startsWith("0")) {
                    value = Long.parseLong(t.substring(1), 8);
                } else {
                    value = Long.parseLong(t, 10);
                }
            } catch (NumberFormatException e) {
                throw new OptionException(option + " " + text + ": not an integer (decimal, 0x hex or 0 octal)");
            }
            if (value < 0 || value > 0xFFFFFFFFL) {
                throw new OptionException(option + " " + text + ": out of range (0 to 0xFFFFFFFF)");
            }
            return value;
        }

        /** nrfutil's {@code major.minor.patch} → major × 10000 + minor × 100 + patch. */
        static long versionString(String text) {
            String[] parts = text.strip().split("\\.", -1);
            String bad = "--application-version-string " + text + ": not major.minor.patch (for example 2.7.31)";
            if (parts.length != 3) {
                throw new OptionException(bad);
            }
            long v = 0;
            long[] weights = {10000, 100, 1};
            for (int i = 0; i < 3; i++) {
                if (!parts[i].matches("\\d{1,5}")) {
                    throw new OptionException(bad);
                }
                v += Long.parseLong(parts[i]) * weights[i];
            }
            if (v > 0xFFFFFFFFL) {
                throw new OptionException(bad);
            }
            return v;
        }
    }

    /** A command-line value that cannot be used; its message names the option. */
    static final class OptionException extends RuntimeException {
        OptionException(String message) {
            super(message);
        }
    }
}
