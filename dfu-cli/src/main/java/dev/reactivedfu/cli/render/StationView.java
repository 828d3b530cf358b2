package dev.reactivedfu.cli.render;

import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.StationEvent;

import java.io.PrintWriter;
import java.util.List;

/**
 * Shows a station's events to a person or a program: {@link StationTerminalView} (rows per socket redrawn in place
 * with JLine), {@link StationPlainView} (plain lines when the output is not a terminal) and {@link StationJsonView}
 * (one JSON object per event, tagged by socket).
 */
public interface StationView extends AutoCloseable {

    /** Renders one event. Called from one thread at a time, in event order. */
    void onEvent(StationEvent event);

    /** The operator stopped the station (Ctrl-C): shows what was in progress. */
    void onStopped(List<Station.InProgress> inProgress);

    /** A {@code --once} run ended: which boards passed and which failed, and why. */
    void onFinished(Station.StationOutcome outcome);

    /** Restores the terminal; the view shows nothing more. */
    @Override
    void close();

    /** Picks the view for the options and the output. */
    static StationView choose(boolean json, boolean terminal, PrintWriter out) {
        if (json) {
            return new StationJsonView(out);
        }
        if (terminal) {
            return StationTerminalView.open(out);
        }
        return new StationPlainView(out);
    }
}
