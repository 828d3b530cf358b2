package dev.reactivedfu.cli.render;

import dev.reactivedfu.station.SocketState;
import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.StationEvent;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.transfer.DfuEvent;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain lines for logs (output not a terminal): socket state changes, progress every quarter, each board's end
 * with its error and advice, and the summary after each board.
 */
public final class StationPlainView implements StationView {

    private final PrintWriter out;
    private final Map<String, Integer> quarter = new HashMap<>();
    private boolean boardEnded;

    public StationPlainView(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvent(StationEvent event) {
        if (event instanceof StationEvent.SocketStateChanged s) {
            if (s.state() == SocketState.PASSED || s.state() == SocketState.FAILED
                    || s.state() == SocketState.INTERRUPTED) {
                return; // board_done says more
            }
            if (s.state() == SocketState.UPDATING) {
                quarter.put(s.socket(), 0);
            }
            print(String.format("%s %s: %s%s", s.socket(), s.port(), s.state().tag().replace('_', ' '),
                    s.board().map(b -> " (board " + b + ")").orElse("")));
        } else if (event instanceof StationEvent.Engine e && e.event() instanceof DfuEvent.Progress p) {
            int q = (int) Math.min(4, p.percent() / 25);
            if (q > quarter.getOrDefault(e.socket(), 0) && q < 4) {
                quarter.put(e.socket(), q);
                print(String.format(Locale.ROOT, "%s: %s %d%% (%d/%d bytes, %.1f KiB/s)", e.socket(),
                        p.kind().manifestKey(), q * 25, p.bytes(), p.total(), p.bytesPerSecond() / 1024));
            }
        } else if (event instanceof StationEvent.Engine e && e.event() instanceof DfuEvent.ObjectRetried r) {
            print(String.format("%s: retry %d (%s): %s", e.socket(), r.attempt(), r.reason().tag(),
                    r.cause().getMessage()));
        } else if (event instanceof StationEvent.BoardDone d) {
            if (d.result() == AttemptResult.PASSED) {
                print(String.format(Locale.ROOT, "%s: passed in %.1f s (%d bytes sent, %d retries)", d.socket(),
                        d.duration().toMillis() / 1000.0, d.bytesSent(), d.retries()));
            } else {
                print(String.format("%s: %s: %s (%s)", d.socket(), d.result().tag(), d.error().orElse("?"),
                        d.advice().orElse("")));
            }
        } else if (event instanceof StationEvent.Summary s && boardEnded) {
            print(StationFormats.summary(s)); // the summary right after a board's end; the ticker's are not printed
        }
        boardEnded = event instanceof StationEvent.BoardDone;
    }

    @Override
    public void onStopped(List<Station.InProgress> inProgress) {
        print("stopped by Ctrl-C; " + (inProgress.isEmpty() ? "no update was in progress"
                : inProgress.size() + " update(s) were in progress and resume when run again:"));
        for (Station.InProgress p : inProgress) {
            print(String.format("  %s %s: %d/%d bytes%s", p.socket(), p.port(), p.bytes(), p.total(),
                    p.board().map(b -> " (board " + b + ")").orElse("")));
        }
    }

    @Override
    public void onFinished(Station.StationOutcome outcome) {
        print(StationFormats.outcome(outcome));
    }

    @Override
    public void close() {
        out.flush();
    }

    private void print(String line) {
        out.println(line);
        out.flush();
    }
}
