package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.Slip;

import java.util.ArrayDeque;

/**
 * The host-to-device half of the serial line, in model time (issue 8, "The simulator must keep model time"): the
 * bytes the host wrote, in the order it wrote them, each taking {@code 10 / baud} s on the wire after the host handed
 * it over (its send time plus the adapter's latency) and after the byte before it. Bytes written at once still
 * arrive one by one at the line rate, and a short frame queued behind a long one can never overtake it.
 *
 * <p>The device decides when each byte starts ({@link #start(long)}), so that RTS/CTS flow control can hold the
 * line; without flow control a byte starts as soon as it may. Not thread-safe: {@link SimulatedDevice} guards it.
 */
final class HostLine {

    /** No time: nothing queued, nothing in flight. */
    static final long NEVER = Long.MAX_VALUE;

    private record Chunk(byte[] bytes, long readyAt) {
    }

    private final long byteNanos;
    private final long latencyNanos;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private int index;
    private long freeAt = Long.MIN_VALUE;
    private long inFlightArrival = NEVER;
    private int inFlightByte;
    private long estimatedFreeAt = Long.MIN_VALUE;

    /**
     * A line where a byte takes {@code byteNanos} (0 without timing) and the host's adapter adds
     * {@code latencyNanos} before the bytes reach the wire.
     */
    HostLine(long byteNanos, long latencyNanos) {
        this.byteNanos = byteNanos;
        this.latencyNanos = latencyNanos;
    }

    /**
     * Queues {@code bytes} written by the host at model time {@code sendTime} (copied).
     *
     * @return when they will have left the host if the device never holds the line
     */
    long write(byte[] bytes, long sendTime) {
        if (bytes.length > 0) {
            chunks.add(new Chunk(bytes.clone(), sendTime + latencyNanos));
        }
        long start = Math.max(sendTime, estimatedFreeAt);
        estimatedFreeAt = start + bytes.length * byteNanos;
        return estimatedFreeAt;
    }

    /** Whether a byte is on the wire. */
    boolean inFlight() {
        return inFlightArrival != NEVER;
    }

    /** When the byte on the wire arrives ({@link #NEVER} when none is). */
    long inFlightArrival() {
        return inFlightArrival;
    }

    /** The earliest time the next queued byte may start ({@link #NEVER} when nothing is queued or one is on the wire). */
    long nextStart() {
        if (inFlight() || chunks.isEmpty()) {
            return NEVER;
        }
        return Math.max(freeAt, chunks.peek().readyAt());
    }

    /** Puts the next queued byte on the wire at {@code start} (at least {@link #nextStart()}). */
    void start(long start) {
        Chunk head = chunks.peek();
        inFlightByte = head.bytes()[index++] & 0xFF;
        if (index == head.bytes().length) {
            chunks.poll();
            index = 0;
        }
        inFlightArrival = start + byteNanos;
        freeAt = inFlightArrival;
    }

    /** Takes the byte that arrived (the one on the wire). */
    int take() {
        inFlightArrival = NEVER;
        return inFlightByte;
    }

    /**
     * When the next END byte would arrive if the line is not held: the next moment the device may complete a
     * packet ({@link #NEVER} when no END is queued). Used only to wake the device in time, never for a decision.
     */
    long nextEndArrival() {
        if (inFlight() && inFlightByte == Slip.END) {
            return inFlightArrival;
        }
        long end = inFlight() ? inFlightArrival : freeAt;
        int from = index;
        for (Chunk c : chunks) {
            for (int i = from; i < c.bytes().length; i++) {
                end = Math.max(end, c.readyAt()) + byteNanos;
                if ((c.bytes()[i] & 0xFF) == Slip.END) {
                    return end;
                }
            }
            from = 0;
        }
        return NEVER;
    }

    /** When the next byte would arrive if the line is not held ({@link #NEVER} when none is queued). */
    long nextArrival() {
        if (inFlight()) {
            return inFlightArrival;
        }
        long s = nextStart();
        return s == NEVER ? NEVER : s + byteNanos;
    }
}
