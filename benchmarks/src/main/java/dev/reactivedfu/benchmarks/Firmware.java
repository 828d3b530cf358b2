package dev.reactivedfu.benchmarks;

import java.util.Random;

/** Seeded random firmware: the same bytes on every run, so figures compare across runs and machines. */
final class Firmware {

    /** 1 MiB. */
    static final int SIZE = 1 << 20;
    /** The seed of {@link #random()}. */
    static final long SEED = 0x5EED_DF0L;

    private Firmware() {
    }

    /** {@link #SIZE} bytes from {@code new Random(SEED)}: about 1 in 128 bytes is END or ESC, as in real images. */
    static byte[] random() {
        byte[] image = new byte[SIZE];
        new Random(SEED).nextBytes(image);
        return image;
    }
}
