package dev.reactivedfu.transfer;

import java.time.Duration;

/** The engine's one backoff formula: retries, ping rounds and reboot pings all wait {@link #delay}. */
final class Backoff {

    private Backoff() {
    }

    /**
     * The wait before attempt {@code n} (1-based): {@code min × 2^(n-1)}, at most {@code max}; zero when {@code min}
     * is zero.
     */
    static Duration delay(Duration min, Duration max, int n) {
        Duration d = min.multipliedBy(1L << Math.min(Math.max(0, n - 1), 30));
        return d.compareTo(max) > 0 || d.isNegative() ? max : d;
    }
}
