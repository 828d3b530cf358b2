package dev.reactivedfu.cli.render;

import dev.reactivedfu.station.SocketState;
import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.StationEvent;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.transfer.DfuEvent;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The station's live view on a terminal: one row per socket (name, port, state, progress bar, rate, ETA, retries,
 * last result) and a summary line (passed, failed, running, boards per hour, mean time per board), redrawn in place
 * five times a second with JLine's {@link Display} (only changed cells are rewritten: no flicker). Colours unless
 * {@code NO_COLOR} is set (no-color.org); on narrow terminals columns are dropped, port and ETA first, then the bar.
 */
public final class StationTerminalView implements StationView {

    private static final int FRAMES_PER_SECOND = 5;

    private final Terminal terminal;
    private final Display display;
    private final boolean color;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final ScheduledExecutorService redraws;
    private StationEvent.Summary summary = new StationEvent.Summary(0, 0, 0, 0, 0);
    private boolean closed;

    /** A socket's row. Guarded by the view's lock. */
    private static final class Row {
        final String socket;
        final String port;
        SocketState state = SocketState.IDLE;
        long bytes;
        long total;
        double rate;
        int retries;
        String last = "";
        AttemptResult lastResult;

        Row(String socket, String port) {
            this.socket = socket;
            this.port = port;
        }
    }

    StationTerminalView(Terminal terminal, boolean color) {
        this.terminal = terminal;
        this.color = color;
        this.display = new Display(terminal, false);
        this.redraws = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dfu-station-view");
            t.setDaemon(true);
            return t;
        });
        redraws.scheduleAtFixedRate(this::redraw, 0, 1000 / FRAMES_PER_SECOND, TimeUnit.MILLISECONDS);
    }

    /** The view on the process's terminal; colours unless NO_COLOR is set. */
    static StationTerminalView open(PrintWriter fallback) {
        try {
            Terminal t = TerminalBuilder.builder().system(true).build();
            String noColor = System.getenv("NO_COLOR");
            return new StationTerminalView(t, noColor == null || noColor.isEmpty());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal for the live view: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void onEvent(StationEvent event) {
        if (event instanceof StationEvent.SocketStateChanged s) {
            Row r = row(s.socket(), s.port());
            r.state = s.state();
            if (s.state() == SocketState.UPDATING) {
                r.bytes = 0;
                r.total = 0;
                r.rate = 0;
                r.retries = 0;
            }
        } else if (event instanceof StationEvent.Engine e) {
            Row r = row(e.socket(), e.port());
            if (e.event() instanceof DfuEvent.Progress p) {
                r.bytes = p.bytes();
                r.total = p.total();
                r.rate = p.bytesPerSecond();
            } else if (e.event() instanceof DfuEvent.ObjectRetried) {
                r.retries++;
            }
        } else if (event instanceof StationEvent.BoardDone d) {
            Row r = row(d.socket(), d.port());
            r.lastResult = d.result();
            r.retries = d.retries();
            r.last = d.result() == AttemptResult.PASSED
                    ? String.format(Locale.ROOT, "passed %.1fs", d.duration().toMillis() / 1000.0)
                    : d.result().tag() + ": " + d.errorType().orElse(d.error().orElse(""));
        } else if (event instanceof StationEvent.Summary s) {
            summary = s;
        }
    }

    private Row row(String socket, String port) {
        return rows.computeIfAbsent(socket, s -> new Row(s, port));
    }

    /** Draws the current frame; runs on the redraw thread. */
    synchronized void redraw() {
        if (closed) {
            return;
        }
        try {
            int width = terminal.getWidth() > 0 ? terminal.getWidth() : 80;
            int height = terminal.getHeight() > 0 ? terminal.getHeight() : 24;
            display.resize(height, width);
            display.update(frame(width), -1);
            terminal.flush();
        } catch (RuntimeException e) {
            // a terminal that went away: nothing to draw on
        }
    }

    /** The frame's lines for a terminal {@code width} columns wide. */
    synchronized List<AttributedString> frame(int width) {
        boolean wide = width >= 100;
        boolean medium = width >= 60;
        int nameWidth = Math.max(6, rows.keySet().stream().mapToInt(String::length).max().orElse(6));
        int portWidth = Math.min(24, Math.max(4, rows.values().stream().mapToInt(r -> r.port.length()).max().orElse(4)));
        List<AttributedString> lines = new ArrayList<>();
        AttributedStringBuilder h = new AttributedStringBuilder();
        h.style(style(AttributedStyle.DEFAULT.bold()));
        h.append(pad("socket", nameWidth)).append(' ');
        if (wide) {
            h.append(pad("port", portWidth)).append(' ');
        }
        h.append(pad("state", 17)).append(' ');
        if (medium) {
            h.append(pad("progress", 22)).append(' ');
        }
        h.append(pad("done", 5)).append(' ');
        if (medium) {
            h.append(pad("rate", 11)).append(' ');
        }
        if (wide) {
            h.append(pad("eta", 6)).append(' ').append(pad("retries", 7)).append(' ');
        }
        h.append("last");
        lines.add(clip(h.toAttributedString(), width));
        for (Row r : rows.values()) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.append(pad(r.socket, nameWidth)).append(' ');
            if (wide) {
                b.append(pad(tail(r.port, portWidth), portWidth)).append(' ');
            }
            b.style(style(stateStyle(r.state))).append(pad(r.state.tag().replace('_', ' '), 17))
                    .style(style(AttributedStyle.DEFAULT)).append(' ');
            double fraction = r.total > 0 ? Math.min(1.0, (double) r.bytes / r.total) : 0;
            boolean updating = r.state == SocketState.UPDATING;
            if (medium) {
                int filled = (int) Math.round(fraction * 20);
                b.append('[').append(updating ? "#".repeat(filled) + "-".repeat(20 - filled) : " ".repeat(20))
                        .append("] ");
            }
            b.append(pad(updating ? Math.round(fraction * 100) + "%" : "", 5)).append(' ');
            if (medium) {
                b.append(pad(updating && r.rate > 0 ? Formats.rate(r.rate) : "", 11)).append(' ');
            }
            if (wide) {
                String eta = updating && r.rate > 0 && r.total > r.bytes
                        ? Formats.duration(Duration.ofMillis((long) ((r.total - r.bytes) / r.rate * 1000))) : "";
                b.append(pad(eta, 6)).append(' ').append(pad(updating || r.lastResult != null
                        ? String.valueOf(r.retries) : "", 7)).append(' ');
            }
            AttributedStyle lastStyle = r.lastResult == AttemptResult.PASSED
                    ? AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)
                    : r.lastResult == null ? AttributedStyle.DEFAULT
                    : AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
            b.style(style(lastStyle)).append(r.last).style(style(AttributedStyle.DEFAULT));
            lines.add(clip(b.toAttributedString(), width));
        }
        lines.add(clip(new AttributedStringBuilder().style(style(AttributedStyle.DEFAULT.bold()))
                .append(StationFormats.summary(summary)).toAttributedString(), width));
        return lines;
    }

    private AttributedStyle style(AttributedStyle s) {
        return color ? s : AttributedStyle.DEFAULT;
    }

    private static AttributedStyle stateStyle(SocketState s) {
        return switch (s) {
            case IDLE, WAITING_FOR_LEAVE -> AttributedStyle.DEFAULT.faint();
            case PROBING, UPDATING -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
            case PASSED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case FAILED, INTERRUPTED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
        };
    }

    private static AttributedString clip(AttributedString s, int width) {
        return s.columnLength() <= width - 1 ? s : s.columnSubSequence(0, Math.max(1, width - 1));
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String tail(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }

    @Override
    public void onStopped(List<Station.InProgress> inProgress) {
        redraw();
        println("stopped by Ctrl-C; " + (inProgress.isEmpty() ? "no update was in progress"
                : inProgress.size() + " update(s) were in progress and resume when run again:"));
        for (Station.InProgress p : inProgress) {
            println(String.format("  %s %s: %d/%d bytes%s", p.socket(), p.port(), p.bytes(), p.total(),
                    p.board().map(b -> " (board " + b + ")").orElse("")));
        }
    }

    @Override
    public void onFinished(Station.StationOutcome outcome) {
        redraw();
        println(StationFormats.outcome(outcome));
    }

    private synchronized void println(String line) {
        if (!closedDisplay) {
            closedDisplay = true;
            redraws.shutdown();
            terminal.writer().println();
        }
        terminal.writer().println(line);
        terminal.flush();
    }

    private boolean closedDisplay;

    @Override
    public void close() {
        redraws.shutdownNow();
        synchronized (this) {
            if (!closed) {
                if (!closedDisplay) {
                    redraw();
                    terminal.writer().println();
                }
                closed = true;
                terminal.flush();
                try {
                    terminal.close();
                } catch (IOException e) {
                    // closing: nothing to do
                }
            }
        }
    }
}
