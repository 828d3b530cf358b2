package dev.reactivedfu.cli.render;

import dev.reactivedfu.transfer.DfuEvent;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A live progress line for terminals (image, object, bytes, rate, ETA), redrawn in place with JLine's {@link Display}
 * (fitted to the terminal's width); everything else as {@link PlainRenderer} lines above it.
 */
public final class TerminalRenderer extends PlainRenderer {

    private static final int BAR = 30;

    private final Terminal terminal;
    private final Display display;
    private boolean lineOpen;
    private String image = "";
    private int object;

    public TerminalRenderer(PrintWriter out) {
        super(out);
        Terminal t;
        try {
            t = TerminalBuilder.builder().system(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal for the progress line: " + e.getMessage(), e);
        }
        this.terminal = t;
        this.display = new Display(t, false);
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
            // the progress line goes away; the printed line takes its place and the bar comes back below it
            display.update(List.of(), 0);
            terminal.flush();
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
        String text = String.format(Locale.ROOT, "%s [%s] %3.0f%%  object %d  %s/%s  %s  ETA %s",
                image, bar, p.percent(), object, Formats.bytes(p.bytes()), Formats.bytes(p.total()),
                Formats.rate(p.bytesPerSecond()), eta);
        int width = terminal.getWidth() > 0 ? terminal.getWidth() : 80;
        AttributedString line = new AttributedString(text);
        if (line.columnLength() >= width) {
            line = line.columnSubSequence(0, width - 1);
        }
        out.flush();
        display.resize(terminal.getHeight() > 0 ? terminal.getHeight() : 24, width);
        display.update(List.of(line), -1);
        terminal.flush();
        lineOpen = true;
    }
}
