package dev.reactivedfu.cli.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.StationEvent;
import dev.reactivedfu.station.StationJson;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code dfu station --json}: one JSON object per line per event ({@link StationJson}); on Ctrl-C a
 * {@code station_stopped} object listing what was in progress; after {@code --once} a {@code station_done} object.
 */
public final class StationJsonView implements StationView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;

    public StationJsonView(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvent(StationEvent event) {
        StationJson.toJson(event).ifPresent(line -> {
            out.println(line);
            out.flush();
        });
    }

    @Override
    public void onStopped(List<Station.InProgress> inProgress) {
        ObjectNode n = JSON.createObjectNode().put("event", "station_stopped");
        ArrayNode a = n.putArray("in_progress");
        for (Station.InProgress p : inProgress) {
            ObjectNode o = a.addObject().put("socket", p.socket()).put("port", p.port());
            if (p.board().isPresent()) {
                o.put("board", p.board().get());
            } else {
                o.putNull("board");
            }
            o.put("bytes", p.bytes()).put("total", p.total());
        }
        out.println(n);
        out.flush();
    }

    @Override
    public void onFinished(Station.StationOutcome outcome) {
        ObjectNode n = JSON.createObjectNode().put("event", "station_done").put("all_passed", outcome.allPassed());
        ArrayNode failed = n.putArray("failed");
        outcome.boards().stream().filter(b -> b.result() != dev.reactivedfu.station.records.AttemptResult.PASSED)
                .forEach(b -> failed.addObject().put("socket", b.socket()).put("port", b.port())
                        .put("result", b.result().tag()).put("error", b.error().orElse(null))
                        .put("error_type", b.errorType().orElse(null)).put("advice", b.advice().orElse(null)));
        n.put("boards", outcome.boards().size());
        out.println(n);
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
