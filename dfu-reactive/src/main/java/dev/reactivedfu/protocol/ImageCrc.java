package dev.reactivedfu.protocol;

import java.util.zip.CRC32;

/**
 * CRC-32 (IEEE) over an image from offset 0, as the device reports it: across objects, not per object.
 */
public final class ImageCrc {

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

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

    /**
     * Continues a CRC-32: the CRC of the bytes that gave {@code crc} followed by {@code data[offset, offset + length)},
     * as Nordic's {@code crc32_compute(data, len, &crc)} does ({@code crc} 0 starts afresh).
     */
    public static long extend(long crc, byte[] data, int offset, int length) {
        int c = ~(int) crc;
        for (int i = offset; i < offset + length; i++) {
            c = TABLE[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
        }
        return Integer.toUnsignedLong(~c);
    }
}
