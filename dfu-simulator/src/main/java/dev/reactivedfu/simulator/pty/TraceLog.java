package dev.reactivedfu.simulator.pty;

import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.simulator.FrameTrace;

import java.io.PrintWriter;
import java.util.HexFormat;

/**
 * A {@link FrameTrace} that writes one line per frame: time since the device started (its scheduler's clock),
 * direction, the bytes in hex, and the frame decoded; device events as lines starting with {@code #}.
 *
 * <pre>
 *     0.012345 IN  06 02                    Select[type=DATA]
 *     0.012345 OUT 60 06 01 00 10 00 00 …   Select[maxSize=4096, offset=0, crc=0]
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
