package dev.reactivedfu.simulator;

import java.time.Duration;

/**
 * Flash operations one request caused: page erases and 32-bit word writes. The device turns them into busy time with
 * {@link SimulatorConfig.FlashTiming}.
 *
 * @param pagesErased  page erases
 * @param wordsWritten word writes
 */
public record FlashWork(long pagesErased, long wordsWritten) {

    /** No flash work. */
    public static final FlashWork NONE = new FlashWork(0, 0);

    /** Whether there was no flash work. */
    public boolean isNone() {
        return pagesErased == 0 && wordsWritten == 0;
    }

    /** How long the CPU is held by this work. */
    public Duration duration(SimulatorConfig.FlashTiming timing) {
        return timing.of(pagesErased, wordsWritten);
    }

    /** The sum of two amounts of work. */
    public FlashWork plus(FlashWork other) {
        return new FlashWork(pagesErased + other.pagesErased, wordsWritten + other.wordsWritten);
    }
}
