package dev.reactivedfu.transfer;

import java.time.Duration;
import java.util.Objects;

/**
 * What an update did, as counted on the host; exact, so the CLI can print it as JSON.
 *
 * @param device          the transport's name
 * @param images          images completed (final EXECUTE answered with success)
 * @param bytesSent       object bytes (init packets and firmware) carried by every WRITE sent, re-sends included
 * @param bytesResent     the part of {@code bytesSent} that went again to an image range the device already held:
 *                        sent earlier in this update, or reported by the device with a verified CRC when a
 *                        connection started
 * @param retries         retries of every kind (each is one {@link DfuEvent.ObjectRetried} event)
 * @param objectsExecuted objects (command and data) the device executed on this update's request
 * @param duration        from subscription to the end, on the update's scheduler clock
 */
public record UpdateSummary(String device, int images, long bytesSent, long bytesResent, int retries,
                            int objectsExecuted, Duration duration) {

    public UpdateSummary {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(duration, "duration");
        if (bytesResent > bytesSent) {
            throw new IllegalArgumentException("re-sent bytes " + bytesResent + " exceed sent bytes " + bytesSent);
        }
    }

    /** Duration in whole milliseconds. */
    public long durationMillis() {
        return duration.toMillis();
    }

    /** Bytes sent per second over the whole update; 0 when no time passed. */
    public double throughput() {
        double seconds = duration.toNanos() / 1e9;
        return seconds > 0 ? bytesSent / seconds : 0;
    }
}
