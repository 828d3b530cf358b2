package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.ImageCrc;
import dev.reactivedfu.protocol.ObjectLayout;

import java.util.zip.CRC32;

/**
 * The bytes of one object type of an image (the init packet, or the firmware) with their CRC-32 precomputed once
 * at every {@value #GRANULE}-byte boundary, so that any offset the device reports can be checked against the local
 * image cheaply (DESIGN.md: the CRC runs from offset 0 across objects). Writes are multiples of 64 bytes on UART
 * and 1024 on USB CDC, so their boundaries hit the table exactly; other offsets continue from the nearest entry.
 */
final class LocalImage {

    /** Table step: the UART write size, a divisor of every MTU-derived write size in use. */
    static final int GRANULE = 64;


    private final byte[] bytes;
    private final long[] prefix;

    LocalImage(byte[] bytes) {
        this.bytes = bytes.clone();
        this.prefix = new long[bytes.length / GRANULE + 1];
        CRC32 crc = new CRC32();
        prefix[0] = 0;
        for (int i = 1; i < prefix.length; i++) {
            crc.update(this.bytes, (i - 1) * GRANULE, GRANULE);
            prefix[i] = crc.getValue();
        }
    }

    /** Number of bytes. */
    long size() {
        return bytes.length;
    }

    /** CRC-32 of {@code bytes[0, offset)}; {@code offset} must lie within {@code [0, size]}. */
    long crcAt(long offset) {
        if (offset < 0 || offset > bytes.length) {
            throw new IllegalArgumentException("offset " + offset + " outside " + bytes.length + " bytes");
        }
        int k = (int) (offset / GRANULE);
        long crc = prefix[k];
        int from = k * GRANULE;
        int to = (int) offset;
        if (from == to) {
            return crc;
        }
        return ImageCrc.extend(crc, bytes, from, to - from);
    }

    /** Whether the device's {@code (offset, crc)} matches this image: the offset lies within it and the CRC agrees. */
    boolean matches(long offset, long crc) {
        return offset >= 0 && offset <= bytes.length && crcAt(offset) == crc;
    }

    /** A copy of {@code bytes[from, from + length)}. */
    byte[] slice(long from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(bytes, (int) from, out, 0, length);
        return out;
    }

    /** The object layout for objects of at most {@code maxObjectSize} bytes. */
    ObjectLayout layout(long maxObjectSize) {
        return new ObjectLayout(bytes.length, maxObjectSize);
    }
}
