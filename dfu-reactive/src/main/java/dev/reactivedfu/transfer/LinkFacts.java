package dev.reactivedfu.transfer;

/**
 * What a connection's port knows about its line, for the engine's window and timeouts (DESIGN.md, "Credits and the
 * window"): the baud rate bytes drain at, whether RTS/CTS flow control lets the device hold the host back, and how
 * many bytes the port buffers before a send stays incomplete.
 *
 * <ul>
 *   <li>{@code baud}: with a baud rate, a request's timeout starts only once the bytes queued ahead of it can have
 *       left at {@code 10 / baud} s per byte; 0 for a line without one (an in-process or local transport: bytes
 *       leave at once).</li>
 *   <li>{@code flowControl}: with RTS/CTS the device holds the line while its flash is busy, so no write can be lost
 *       to a full RX buffer: the credit window starts at its ceiling and the ceiling is what the port can buffer.</li>
 *   <li>{@code outputBuffer}: bytes the port takes before a send is held back (the serial port's output buffer, the
 *       Netty channel's write-buffer high water mark); 0 when unknown.</li>
 * </ul>
 *
 * @param baud         bits per second, 0 for none
 * @param flowControl  whether RTS/CTS hardware flow control is on
 * @param outputBuffer bytes the port buffers, 0 when unknown
 */
public record LinkFacts(long baud, boolean flowControl, int outputBuffer) {

    /** Nothing known: no baud rate, no flow control, no buffer size (the engine's configured window rules). */
    public static final LinkFacts UNKNOWN = new LinkFacts(0, false, 0);

    /**
     * @throws IllegalArgumentException for a negative baud rate or buffer size
     */
    public LinkFacts {
        if (baud < 0) {
            throw new IllegalArgumentException("baud rate must not be negative, was " + baud);
        }
        if (outputBuffer < 0) {
            throw new IllegalArgumentException("output buffer must not be negative, was " + outputBuffer);
        }
    }

    /** Nanoseconds {@code bytes} take on the wire at the baud rate (0 without one). */
    public long wireNanos(long bytes) {
        return baud == 0 ? 0 : bytes * 10_000_000_000L / baud;
    }
}
