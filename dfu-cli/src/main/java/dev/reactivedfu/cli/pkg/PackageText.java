package dev.reactivedfu.cli.pkg;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageValidation;
import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.PackageValidation;
import dev.reactivedfu.archive.SignatureCheck;
import dev.reactivedfu.archive.proto.DfuCc;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** The human report of {@code dfu pkg display}: a summary line, then one block per image in send order. */
public final class PackageText {

    private static final String FIELD = "  %-16s %s%n";

    private PackageText() {
    }

    /** Renders the report; ends with a newline. */
    public static String report(PackageValidation validation) {
        DfuPackage pkg = validation.dfuPackage();
        StringBuilder sb = new StringBuilder();
        int count = pkg.images().size();
        sb.append(String.format("%s: %s, %d image%s (%s), %d firmware bytes%n", pkg.source(),
                validation.isValid() ? "valid" : "INVALID", count, count == 1 ? "" : "s",
                pkg.images().stream().map(i -> i.kind().manifestKey()).collect(Collectors.joining(", ")),
                pkg.totalFirmwareBytes()));
        for (ImageValidation v : validation.images()) {
            sb.append(System.lineSeparator());
            image(sb, v, validation.keyGiven());
        }
        return sb.toString();
    }

    private static void image(StringBuilder sb, ImageValidation v, boolean keyGiven) {
        FirmwareImage image = v.image();
        InitPacket init = image.init();
        sb.append(image.kind().manifestKey()).append(System.lineSeparator());
        field(sb, "bin_file", image.binFile() + " (" + image.firmwareSize() + " bytes)");
        field(sb, "dat_file", image.datFile() + " (" + image.initPacketSize() + " bytes)");
        field(sb, "type", init.type().name());
        field(sb, "fw_version", Integer.toUnsignedString(init.fwVersion()));
        field(sb, "hw_version", Integer.toUnsignedString(init.hwVersion()));
        field(sb, "sd_req", sdReq(init.sdReq()));
        field(sb, "sd_size", Integer.toUnsignedString(init.sdSize()));
        field(sb, "bl_size", Integer.toUnsignedString(init.blSize()));
        field(sb, "app_size", Integer.toUnsignedString(init.appSize()));
        image.metadata().ifPresent(m -> field(sb, "manifest sizes",
                "sd_size " + m.sdSize() + ", bl_size " + m.blSize() + " (info_read_only_metadata)"));
        field(sb, "hash_type", init.hashType().name());
        field(sb, "hash", HexFormat.of().formatHex(init.hash()) + " (as stored: SHA-256 byte-reversed)");
        field(sb, "hash_valid", v.hashTypeSupported()
                ? (v.hashValid() ? "yes, matches " + image.binFile() : "NO, " + image.binFile() + " does not match")
                : "NO, hash type " + init.hashType() + " is not supported");
        field(sb, "sizes_valid", v.sizesValid() ? "yes" : "NO");
        field(sb, "boot_validation", bootValidation(init.bootValidations()));
        field(sb, "is_debug", String.valueOf(init.isDebug()));
        field(sb, "signature_type", init.signatureType().map(Enum::name).orElse("none (unsigned)"));
        field(sb, "signature_valid", signature(v.signature(), keyGiven));
        for (ImageValidation.Problem p : v.problems()) {
            field(sb, "problem", p.fault() + ": " + p.detail());
        }
    }

    private static String signature(SignatureCheck check, boolean keyGiven) {
        return switch (check) {
            case VALID -> "yes, verified with the key";
            case INVALID -> "NO, not signed by the key";
            case NOT_CHECKED -> "not checked (pass --key PUBLIC_KEY)";
            case UNSIGNED -> keyGiven ? "NO, unsigned" : "n/a (unsigned)";
        };
    }

    private static String sdReq(List<Integer> ids) {
        if (ids.isEmpty()) {
            return "none";
        }
        return ids.stream().map(id -> String.format("0x%02X", id)).collect(Collectors.joining(", "));
    }

    private static String bootValidation(List<DfuCc.BootValidation> list) {
        if (list.isEmpty()) {
            return "none";
        }
        return list.stream()
                .map(b -> b.getType().name() + (b.getBytes().isEmpty() ? ""
                        : " " + HexFormat.of().formatHex(b.getBytes().toByteArray())))
                .collect(Collectors.joining(", "));
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(String.format(FIELD, name, value));
    }
}
