package dev.reactivedfu.simulator;

/** CRC-32 (IEEE) that can be continued from a previous value, as Nordic's {@code crc32_compute(data, len, &crc)}. */
final class Crc32 {

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

    private Crc32() {
    }

    /** The CRC-32 of the bytes that gave {@code crc}, followed by {@code b[offset, offset + length)}. */
    static long update(long crc, byte[] b, int offset, int length) {
        int c = ~(int) crc;
        for (int i = offset; i < offset + length; i++) {
            c = TABLE[(c ^ b[i]) & 0xFF] ^ (c >>> 8);
        }
        return Integer.toUnsignedLong(~c);
    }
}
