package dev.reactivedfu.simulator;

import java.time.Duration;

/**
 * A fault the simulated board injects at the host's request (all off by default; random ones are driven by
 * {@link SimulatorConfig#seed()} so that a run can be reproduced).
 */
public sealed interface Fault {

    /** The board resets once, when the data offset first reaches {@code offset} (after the write that got there). */
    record ResetAtOffset(long offset) implements Fault {
        public ResetAtOffset {
            if (offset <= 0) {
                throw new IllegalArgumentException("reset offset must be positive, was " + offset);
            }
        }
    }

    /** Each host-to-device byte is lost with probability {@code rate}. */
    record DropBytes(double rate) implements Fault {
        public DropBytes {
            checkRate(rate);
        }
    }

    /** Each host-to-device byte has one random bit flipped with probability {@code rate}. */
    record CorruptBytes(double rate) implements Fault {
        public CorruptBytes {
            checkRate(rate);
        }
    }

    /**
     * The board stops answering for {@code duration} once, when the data offset first reaches {@code atOffset}:
     * its CPU is held, bytes arriving meanwhile are lost (the UART overruns), and it then carries on where it was.
     */
    record Stall(Duration duration, long atOffset) implements Fault {
        public Stall {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("stall duration must be positive");
            }
            if (atOffset < 0) {
                throw new IllegalArgumentException("stall offset must not be negative");
            }
        }
    }

    /**
     * After every reset the data progress comes back from an older saved copy: the offset and CRC saved before the
     * last save (an earlier object), as when the settings page is lost and its lagging backup is used.
     */
    record StaleProgress() implements Fault {
    }

    private static void checkRate(double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("rate must be within 0..1, was " + rate);
        }
    }
}
