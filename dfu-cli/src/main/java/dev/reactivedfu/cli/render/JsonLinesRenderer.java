package dev.reactivedfu.cli.render;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.station.StationJson;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.UpdateSummary;

import java.io.PrintWriter;

/**
 * One JSON object per line per event, for programs. Field names are snake_case and stable; the last line of every
 * run is {@code {"event": "summary", "result": "ok"|"failed"|"interrupted", "bytes_sent", "bytes_resent", "retries",
 * "duration_ms", "error"}}.
 */
public final class JsonLinesRenderer implements EventRenderer {

    private final PrintWriter out;
    private UpdateSummary lastSummary;

    public JsonLinesRenderer(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvent(DfuEvent event) {
        if (event instanceof DfuEvent.UpdateDone u) {
            lastSummary = u.summary();
        } else if (event instanceof DfuEvent.Failed f) {
            lastSummary = f.summary();
        }
        StationJson.engine(event).ifPresent(this::print);
    }

    @Override
    public void onInterrupted(String resumeHint) {
        ObjectNode n = StationJson.summary("interrupted", lastSummary, null);
        if (lastSummary == null) {
            // a cancelled update reports no summary: the counts are unknown, not zero
            n.putNull("bytes_sent").putNull("bytes_resent").putNull("retries").putNull("duration_ms");
        }
        n.put("resume", resumeHint);
        print(n);
    }

    /** The summary line of a run that failed before anything was sent (an invalid package or key). */
    public static String failedBeforeStart(DfuException cause) {
        return StationJson.summary("failed", null, cause).toString();
    }

    private void print(ObjectNode n) {
        out.println(n.toString());
        out.flush();
    }
}
