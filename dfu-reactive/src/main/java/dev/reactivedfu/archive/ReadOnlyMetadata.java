package dev.reactivedfu.archive;

/**
 * An image's {@code info_read_only_metadata} in {@code manifest.json}, which nrfutil writes for a combined
 * SoftDevice and bootloader image: the sizes of its two parts. Informational; the package reader checks that it
 * agrees with the init packet's {@code sd_size} and {@code bl_size}.
 *
 * @param sdSize SoftDevice part in bytes
 * @param blSize bootloader part in bytes
 */
public record ReadOnlyMetadata(long sdSize, long blSize) {

    public ReadOnlyMetadata {
        if (sdSize < 0 || blSize < 0) {
            throw new IllegalArgumentException("sizes must not be negative: sd_size " + sdSize + ", bl_size " + blSize);
        }
    }
}
