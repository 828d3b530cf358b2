package dev.reactivedfu.cli.render;

import java.time.Duration;
import java.util.Locale;

/** Number formats shared by the human renderers. */
final class Formats {

    private Formats() {
    }

    /** 24576 → "24.0 KiB". */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", n / (1024.0 * 1024.0));
    }

    /** Bytes per second as "11.2 KiB/s". */
    static String rate(double bytesPerSecond) {
        return bytes(Math.round(bytesPerSecond)) + "/s";
    }

    /** "1:05" or "12.3 s". */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
