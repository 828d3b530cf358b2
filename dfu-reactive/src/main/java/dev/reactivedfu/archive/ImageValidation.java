package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;

import java.util.List;
import java.util.Objects;

/**
 * The checks made on one image of a package before any device is touched.
 *
 * @param image             the image checked
 * @param hashTypeSupported whether the init packet's hash is SHA-256, the only type the bootloader accepts
 * @param hashValid         whether the SHA-256 of the firmware equals the init packet's hash (stored byte-reversed);
 *                          {@code false} when the hash type is not supported
 * @param sizesValid        whether the init packet's sizes match the firmware ({@code app_size} for an application,
 *                          {@code sd_size}, {@code bl_size}, their sum for a SoftDevice and bootloader) and the
 *                          manifest's {@code info_read_only_metadata}, where given
 * @param signature         the signature check
 * @param problems          every failed check, in the order they were made; empty when the image is valid
 */
public record ImageValidation(FirmwareImage image, boolean hashTypeSupported, boolean hashValid, boolean sizesValid,
                              SignatureCheck signature, List<Problem> problems) {

    public ImageValidation {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(signature, "signature");
        problems = List.copyOf(problems);
    }

    /** The image's kind. */
    public ImageKind kind() {
        return image.kind();
    }

    /** Whether every check passed. */
    public boolean isValid() {
        return problems.isEmpty();
    }

    /**
     * One failed check.
     *
     * @param fault  its {@link PackageException} fault
     * @param detail what is wrong, naming the entry of the package
     */
    public record Problem(PackageException.Fault fault, String detail) {
        public Problem {
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
