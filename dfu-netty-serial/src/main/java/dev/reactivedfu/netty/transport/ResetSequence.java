package dev.reactivedfu.netty.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A reset played on a serial port's control lines, for boards wired so that DTR or RTS drives nRESET (or a
 * bootloader-entry pin). Each step sets one line and holds for a while; the last step leaves the lines at rest.
 * Nothing is played unless a sequence is configured: most nRF boards (and every USB CDC bootloader) have no such
 * wiring, and toggling lines on them does nothing or, worse, something else.
 *
 * @param steps the steps, in order; at least one
 */
public record ResetSequence(List<Step> steps) {

    /** A control line of the port. */
    public enum Line { DTR, RTS }

    /**
     * One step: drive {@code line} to {@code asserted} and keep it there for {@code hold}.
     *
     * @param line     the line
     * @param asserted {@code true} asserts the line (on the wire, an asserted RS-232 line is the low TTL level
     *                 on most USB adapters)
     * @param hold     how long before the next step (zero allowed)
     */
    public record Step(Line line, boolean asserted, Duration hold) {
        public Step {
            Objects.requireNonNull(line, "line");
            Objects.requireNonNull(hold, "hold");
            if (hold.isNegative()) {
                throw new IllegalArgumentException("hold must not be negative, was " + hold);
            }
        }
    }

    public ResetSequence {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a reset sequence needs at least one step");
        }
    }

    /** A sequence of the given steps. */
    public static ResetSequence of(Step... steps) {
        return new ResetSequence(List.of(steps));
    }

    /**
     * One pulse: {@code line} goes to {@code activeAsserted} for {@code width}, then back, and the board is given
     * {@code settle} to boot before anything else happens.
     */
    public static ResetSequence pulse(Line line, boolean activeAsserted, Duration width, Duration settle) {
        return of(new Step(line, activeAsserted, width), new Step(line, !activeAsserted, settle));
    }

    /** Total time the sequence takes. */
    public Duration duration() {
        return steps.stream().map(Step::hold).reduce(Duration.ZERO, Duration::plus);
    }
}
