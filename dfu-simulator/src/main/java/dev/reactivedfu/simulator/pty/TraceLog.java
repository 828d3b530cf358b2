package dev.reactivedfu.simulator.pty;

import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.simulator.FrameTrace;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A {@link FrameTrace} that writes one line per frame: its model time in seconds since {@code originNanos} (a
 * request when its last byte arrived, an answer when it went on the wire: see {@code SimulatedDevice}, "Time"),
 * direction, the bytes in hex, the frame decoded, and in parentheses what became of it when it was not the normal
 * (dropped because every RX buffer was held, and by what; lost because the transmitter was busy; a replay); device
 * events as lines starting with {@code #}. Made with the wall clock at model time 0, the log opens with that anchor
 * as an event at time 0, so that a line's wall-clock time is the anchor plus its seconds (how the start-up benchmark
 * finds when a host's first byte arrived).
 *
 * <pre>
 *     0.000000 #   clock: model time 0 is 2026-12-02T00:24:46.123456Z (unix 1796171086.123456 s)
 *     0.015194 IN  04                       Execute[]
 *     0.015455 IN  09 02                    Ping[id=2]  (dropped: all 1 RX buffers held, the CPU is halted by flash for 189.748 ms more)
 *     0.205258 OUT 60 04 01                 Ack[opCode=EXECUTE(0x04)]
 * </pre>
 */
public final class TraceLog implements FrameTrace {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    private final PrintWriter out;
    private final long origin;

    /** Writes to {@code out}; times are relative to {@code originNanos} on the device's clock. */
    public TraceLog(PrintWriter out, long originNanos) {
        this.out = out;
        this.origin = originNanos;
    }

    /**
     * Writes to {@code out}, times relative to {@code originNanos} on the device's clock, starting with the line
     * {@code clock: model time 0 is <wallClockAtOrigin> (unix <seconds> s)} at time 0.
     */
    public TraceLog(PrintWriter out, long originNanos, Instant wallClockAtOrigin) {
        this(out, originNanos);
        event(originNanos, "clock: model time 0 is " + wallClockAtOrigin + " (unix "
                + String.format(Locale.ROOT, "%d.%06d", wallClockAtOrigin.getEpochSecond(),
                wallClockAtOrigin.getNano() / 1000) + " s)");
    }

    @Override
    public void frame(Direction direction, long nanos, byte[] message, String note) {
        String decoded;
        try {
            decoded = direction == Direction.IN ? DfuCodec.decodeRequest(message).toString()
                    : DfuCodec.decodeResponse(message).toString();
        } catch (ProtocolViolationException e) {
            decoded = "undecodable: " + e.getMessage();
        }
        String hex = HEX.formatHex(message, 0, Math.min(message.length, 24)) + (message.length > 24 ? " …" : "");
        out.printf("%12.6f %-3s %-74s %s%s%n", (nanos - origin) / 1e9, direction, hex, decoded,
                note.isEmpty() ? "" : "  (" + note + ")");
        out.flush();
    }

    @Override
    public void event(long nanos, String what) {
        out.printf("%12.6f #   %s%n", (nanos - origin) / 1e9, what);
        out.flush();
    }
}
