package dev.reactivedfu.cli.render;

import dev.reactivedfu.transfer.DfuEvent;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A live progress line for terminals (image, object, bytes, rate, ETA), redrawn in place with carriage returns;
 * everything else as {@link PlainRenderer} lines above it.
 */
public final class TerminalRenderer extends PlainRenderer {

    private static final int BAR = 30;

    private boolean lineOpen;
    private String image = "";
    private int object;

    public TerminalRenderer(PrintWriter out) {
        super(out);
    }

    @Override
    public void onEvent(DfuEvent event) {
        if (event instanceof DfuEvent.ImageStarted s) {
            image = String.format(Locale.ROOT, "%d/%d %s", s.image() + 1, s.imageCount(),
                    kindName(s.kind().manifestKey()));
        } else if (event instanceof DfuEvent.ObjectCreated c) {
            object = c.index();
        }
        if (event instanceof DfuEvent.Progress p) {
            drawBar(p);
            return;
        }
        super.onEvent(event);
    }

    @Override
    protected void println(String line) {
        if (lineOpen) {
            out.print("\r\033[2K");
            lineOpen = false;
        }
        super.println(line);
    }

    private void drawBar(DfuEvent.Progress p) {
        int filled = (int) Math.round(p.percent() / 100 * BAR);
        String bar = "#".repeat(Math.max(0, Math.min(BAR, filled))) + "-".repeat(Math.max(0, BAR - filled));
        String eta = p.bytesPerSecond() > 0
                ? Formats.duration(java.time.Duration.ofMillis(
                        (long) ((p.total() - p.bytes()) / p.bytesPerSecond() * 1000)))
                : "?";
        out.print(String.format(Locale.ROOT, "\r\033[2K%s [%s] %3.0f%%  object %d  %s/%s  %s  ETA %s",
                image, bar, p.percent(), object, Formats.bytes(p.bytes()), Formats.bytes(p.total()),
                Formats.rate(p.bytesPerSecond()), eta));
        out.flush();
        lineOpen = true;
    }
}
