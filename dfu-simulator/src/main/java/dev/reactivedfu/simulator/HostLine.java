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

    /** Bytes written at once, and where their first END is ({@code -1}: none), so a wake needs no byte scan. */
    private record Chunk(byte[] bytes, long readyAt, int firstEnd) {
        /** The index of the first END at or after {@code from}, or {@code -1}. */
        int endFrom(int from) {
            if (firstEnd < 0 || firstEnd >= from) {
                return firstEnd;
            }
            for (int i = from; i < bytes.length; i++) {
                if ((bytes[i] & 0xFF) == Slip.END) {
                    return i;
                }
            }
            return -1;
        }
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
            int firstEnd = -1;
            for (int i = 0; i < bytes.length; i++) {
                if ((bytes[i] & 0xFF) == Slip.END) {
                    firstEnd = i;
                    break;
                }
            }
            chunks.add(new Chunk(bytes.clone(), sendTime + latencyNanos, firstEnd));
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
        return nextEndArrival(Long.MIN_VALUE);
    }

    /** {@link #nextEndArrival()} when no further byte may start before {@code notBefore} (the line is held till then). */
    long nextEndArrival(long notBefore) {
        if (inFlight() && inFlightByte == Slip.END) {
            return inFlightArrival;
        }
        long end = Math.max(inFlight() ? inFlightArrival : freeAt, notBefore);
        int from = index;
        for (Chunk c : chunks) {
            // a chunk's bytes follow each other once its first one has started: readyAt counts once per chunk
            int e = c.endFrom(from);
            int last = e < 0 ? c.bytes().length - 1 : e;
            end = Math.max(end, c.readyAt()) + (last - from + 1) * byteNanos;
            if (e >= 0) {
                return end;
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
