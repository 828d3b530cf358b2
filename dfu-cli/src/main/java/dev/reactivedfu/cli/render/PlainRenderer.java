package dev.reactivedfu.cli.render;

import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.UpdateSummary;

import java.io.PrintWriter;
import java.util.Locale;

/** Plain lines for logs and pipes: one per notable event, progress every 10 %. */
public class PlainRenderer implements EventRenderer {

    protected final PrintWriter out;
    private int lastDecile = -1;

    public PlainRenderer(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvent(DfuEvent event) {
        String line = describe(event);
        if (line != null) {
            println(line);
        }
    }

    @Override
    public void onInterrupted(String resumeHint) {
        println("interrupted between frames; the board keeps its verified progress. To resume, run: " + resumeHint);
    }

    protected void println(String line) {
        out.println(line);
        out.flush();
    }

    /** The line for an event, or {@code null} for events this renderer does not show. */
    protected String describe(DfuEvent event) {
        if (event instanceof DfuEvent.Connected c) {
            return String.format(Locale.ROOT, "connected to %s (MTU %d, %d bytes per write, PRN %d)",
                    c.port(), c.mtu(), c.writeSize(), c.prn());
        }
        if (event instanceof DfuEvent.DeviceInfo d) {
            StringBuilder sb = new StringBuilder("device:");
            d.protocolVersion().ifPresent(v -> sb.append(" protocol ").append(v));
            d.hardware().ifPresent(h -> sb.append(String.format(Locale.ROOT, ", part %X, %d KiB flash",
                    h.part(), h.romSize() / 1024)));
            return sb.length() == "device:".length() ? null : sb.toString();
        }
        if (event instanceof DfuEvent.DeviceSilent d) {
            return d.pause().isZero()
                    ? String.format(Locale.ROOT, "%s does not answer pings: %s", d.port(), d.action())
                    : String.format(Locale.ROOT, "%s does not answer pings: %s (%s)", d.port(), d.action(),
                    Formats.duration(d.pause()));
        }
        if (event instanceof DfuEvent.ImageStarted s) {
            lastDecile = -1;
            return String.format(Locale.ROOT, "image %d/%d: %s, %s firmware, %d-byte init packet",
                    s.image() + 1, s.imageCount(), kindName(s.kind().manifestKey()), Formats.bytes(s.firmwareSize()),
                    s.initPacketSize());
        }
        if (event instanceof DfuEvent.ObjectResumed r) {
            return String.format(Locale.ROOT, "resuming %s object %d at offset %d (%s)",
                    typeName(r.type()), r.index(), r.offset(), r.reason());
        }
        if (event instanceof DfuEvent.ObjectRetried r) {
            return String.format(Locale.ROOT, "retry %d (%s%s) at %s object %d: %s", r.attempt(),
                    r.reason().tag(), r.reconnect() ? ", reconnecting" : "", typeName(r.type()), r.index(),
                    r.cause().getMessage());
        }
        if (event instanceof DfuEvent.Progress p) {
            int decile = (int) (p.percent() / 10);
            if (decile != lastDecile) {
                lastDecile = decile;
                return String.format(Locale.ROOT, "  %3.0f%%  %s of %s  %s", p.percent(), Formats.bytes(p.bytes()),
                        Formats.bytes(p.total()), Formats.rate(p.bytesPerSecond()));
            }
            return null;
        }
        if (event instanceof DfuEvent.ImageDone d) {
            return String.format(Locale.ROOT, "image %d done: %s in %s", d.image() + 1,
                    kindName(d.kind().manifestKey()), Formats.duration(d.duration()));
        }
        if (event instanceof DfuEvent.UpdateDone u) {
            return "update done: " + summary(u.summary());
        }
        if (event instanceof DfuEvent.Failed f) {
            return "update failed: " + f.cause().getMessage() + " (" + f.cause().advice() + "); "
                    + summary(f.summary());
        }
        return null;
    }

    static String summary(UpdateSummary s) {
        return String.format(Locale.ROOT, "%d image(s), %s sent (%s re-sent), %d retries, %s, %s",
                s.images(), Formats.bytes(s.bytesSent()), Formats.bytes(s.bytesResent()), s.retries(),
                Formats.duration(s.duration()), Formats.rate(s.throughput()));
    }

    static String kindName(String manifestKey) {
        return manifestKey.replace('_', '+');
    }

    static String typeName(ObjectType type) {
        return switch (type) {
            case COMMAND -> "command";
            case DATA -> "data";
        };
    }
}
