package dev.reactivedfu.protocol;

import java.util.zip.CRC32;

/**
 * CRC-32 (IEEE) over an image from offset 0, as the device reports it: across objects, not per object.
 */
public final class ImageCrc {

    private ImageCrc() {
    }

    /** CRC-32 of {@code image[0, length)}. */
    public static long upTo(byte[] image, long length) {
        if (length < 0 || length > image.length) {
            throw new IllegalArgumentException("offset " + length + " outside the image of " + image.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(image, 0, (int) length);
        return crc.getValue();
    }
}
