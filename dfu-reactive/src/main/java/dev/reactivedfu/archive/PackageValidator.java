package dev.reactivedfu.archive;

import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException.Fault;

import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Validation of a package's images before any device is touched ({@link ImageValidation}, per image): the init
 * packet's type matches the manifest's kind; its hash is SHA-256 (the only type the bootloader accepts) and equals the
 * SHA-256 of the {@code .bin}, stored byte-reversed; its sizes match the {@code .bin} ({@code app_size} for an
 * application, {@code sd_size} for a SoftDevice, {@code bl_size} for a bootloader, {@code sd_size + bl_size} for both,
 * and the manifest's {@code info_read_only_metadata} where given); with a public key, the ECDSA P-256 signature over
 * the serialized {@code InitCommand} verifies (an unsigned package then fails as {@link Fault#UNSIGNED}).
 */
public final class PackageValidator {

    private PackageValidator() {
    }

    /**
     * Checks every image of {@code dfuPackage}; signatures against {@code key}, or not at all when it is
     * {@code null}.
     */
    public static PackageValidation validate(DfuPackage dfuPackage, ECPublicKey key) {
        List<ImageValidation> validations = new ArrayList<>();
        for (FirmwareImage image : dfuPackage.images()) {
            validations.add(validate(image, key));
        }
        return new PackageValidation(dfuPackage, validations, key != null);
    }

    private static ImageValidation validate(FirmwareImage image, ECPublicKey key) {
        List<ImageValidation.Problem> problems = new ArrayList<>();
        InitPacket init = image.init();
        byte[] firmware = image.firmware();
        String kindName = image.kind().manifestKey();

        if (!typeMatches(image.kind(), init.type())) {
            problems.add(new ImageValidation.Problem(Fault.MANIFEST, image.datFile() + ": the manifest lists it as "
                    + kindName + " but its init packet's type is " + init.type()));
        }

        boolean hashTypeSupported = init.hashType() == DfuCc.HashType.SHA256;
        boolean hashValid = false;
        if (!hashTypeSupported) {
            problems.add(new ImageValidation.Problem(Fault.UNSUPPORTED_HASH, image.datFile()
                    + ": hash type " + init.hashType() + " is not supported (the bootloader checks SHA256)"));
        } else {
            byte[] expected = Sha256.initPacketHash(firmware);
            hashValid = MessageDigest.isEqual(expected, init.hash());
            if (!hashValid) {
                problems.add(new ImageValidation.Problem(Fault.HASH_MISMATCH, image.binFile()
                        + ": SHA-256 of the firmware is " + HexFormat.of().formatHex(expected)
                        + " (byte-reversed, as stored) but the init packet " + image.datFile() + " says "
                        + HexFormat.of().formatHex(init.hash())));
            }
        }

        String sizeProblem = sizeProblem(image, firmware.length);
        if (sizeProblem != null) {
            problems.add(new ImageValidation.Problem(Fault.SIZE_MISMATCH, sizeProblem));
        }

        SignatureCheck signature;
        if (!init.isSigned()) {
            signature = SignatureCheck.UNSIGNED;
            if (key != null) {
                problems.add(new ImageValidation.Problem(Fault.UNSIGNED, image.datFile()
                        + ": the init packet is not signed, but a key was given to check it against"));
            }
        } else if (key == null) {
            signature = SignatureCheck.NOT_CHECKED;
        } else if (init.verifySignature(key)) {
            signature = SignatureCheck.VALID;
        } else {
            signature = SignatureCheck.INVALID;
            problems.add(new ImageValidation.Problem(Fault.SIGNATURE_INVALID, image.datFile() + ": the "
                    + init.signatureType().map(Enum::name).orElse("") + " signature does not verify with the key"));
        }
        return new ImageValidation(image, hashTypeSupported, hashValid, sizeProblem == null, signature, problems);
    }

    private static boolean typeMatches(ImageKind kind, DfuCc.FwType type) {
        return switch (kind) {
            case APPLICATION -> type == DfuCc.FwType.APPLICATION || type == DfuCc.FwType.EXTERNAL_APPLICATION;
            case SOFTDEVICE -> type == DfuCc.FwType.SOFTDEVICE;
            case BOOTLOADER -> type == DfuCc.FwType.BOOTLOADER;
            case SOFTDEVICE_BOOTLOADER -> type == DfuCc.FwType.SOFTDEVICE_BOOTLOADER;
        };
    }

    /** What is wrong with the init packet's sizes for this image, or {@code null} when they match. */
    private static String sizeProblem(FirmwareImage image, long length) {
        InitPacket init = image.init();
        long sd = Integer.toUnsignedLong(init.sdSize());
        long bl = Integer.toUnsignedLong(init.blSize());
        long app = Integer.toUnsignedLong(init.appSize());
        String where = image.datFile() + ": ";
        switch (image.kind()) {
            case APPLICATION:
                return app == length ? null
                        : where + "app_size " + app + " does not match " + image.binFile() + " of " + length + " bytes";
            case SOFTDEVICE:
                return sd == length ? null
                        : where + "sd_size " + sd + " does not match " + image.binFile() + " of " + length + " bytes";
            case BOOTLOADER:
                return bl == length ? null
                        : where + "bl_size " + bl + " does not match " + image.binFile() + " of " + length + " bytes";
            case SOFTDEVICE_BOOTLOADER: {
                if (sd + bl != length) {
                    return where + "sd_size " + sd + " + bl_size " + bl + " = " + (sd + bl) + " does not match "
                            + image.binFile() + " of " + length + " bytes";
                }
                Optional<ReadOnlyMetadata> meta = image.metadata();
                if (meta.isPresent() && (meta.get().sdSize() != sd || meta.get().blSize() != bl)) {
                    return where + "sd_size " + sd + " and bl_size " + bl + " differ from the manifest's "
                            + "info_read_only_metadata (sd_size " + meta.get().sdSize() + ", bl_size "
                            + meta.get().blSize() + ")";
                }
                return null;
            }
            default:
                throw new AssertionError(image.kind());
        }
    }
}
