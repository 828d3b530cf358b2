package dev.reactivedfu.cli.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.UpdateSummary;

import java.io.PrintWriter;

/**
 * One JSON object per line per event, for programs. Field names are snake_case and stable; the last line of every
 * run is {@code {"event": "summary", "result": "ok"|"failed"|"interrupted", "bytes_sent", "bytes_resent", "retries",
 * "duration_ms", "error"}}.
 */
public final class JsonLinesRenderer implements EventRenderer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private UpdateSummary lastSummary;

    public JsonLinesRenderer(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvent(DfuEvent event) {
        ObjectNode n = JSON.createObjectNode();
        if (event instanceof DfuEvent.Connected c) {
            n.put("event", "connected").put("port", c.port()).put("attempt", c.attempt()).put("mtu", c.mtu())
                    .put("write_size", c.writeSize()).put("prn", c.prn()).put("window", c.window());
        } else if (event instanceof DfuEvent.DeviceInfo d) {
            n.put("event", "device_info");
            if (d.protocolVersion().isPresent()) {
                n.put("protocol_version", d.protocolVersion().getAsInt());
            } else {
                n.putNull("protocol_version");
            }
            if (d.hardware().isPresent()) {
                DfuResponse.HardwareVersion h = d.hardware().get();
                n.putObject("hardware").put("part", String.format("%X", h.part())).put("variant", h.variant())
                        .put("rom_size", h.romSize()).put("ram_size", h.ramSize())
                        .put("rom_page_size", h.romPageSize());
            } else {
                n.putNull("hardware");
            }
            var fw = n.putArray("firmware");
            for (DfuResponse.FirmwareVersion f : d.firmware()) {
                fw.addObject().put("type", f.type()).put("version", f.version()).put("address", f.address())
                        .put("length", f.length());
            }
        } else if (event instanceof DfuEvent.DeviceSilent d) {
            n.put("event", "device_silent").put("port", d.port()).put("action", d.action())
                    .put("pause_ms", d.pause().toMillis());
        } else if (event instanceof DfuEvent.ImageStarted s) {
            n.put("event", "image_started").put("image", s.image()).put("image_count", s.imageCount())
                    .put("kind", s.kind().manifestKey()).put("init_packet_size", s.initPacketSize())
                    .put("firmware_size", s.firmwareSize());
        } else if (event instanceof DfuEvent.ObjectCreated c) {
            n.put("event", "object_created").put("kind", c.kind().manifestKey())
                    .put("type", PlainRenderer.typeName(c.type())).put("index", c.index()).put("offset", c.offset())
                    .put("size", c.size());
        } else if (event instanceof DfuEvent.ObjectResumed r) {
            n.put("event", "object_resumed").put("kind", r.kind().manifestKey())
                    .put("type", PlainRenderer.typeName(r.type())).put("index", r.index()).put("offset", r.offset())
                    .put("reason", r.reason());
        } else if (event instanceof DfuEvent.ObjectRetried r) {
            n.put("event", "object_retried").put("kind", r.kind().manifestKey())
                    .put("type", PlainRenderer.typeName(r.type())).put("index", r.index())
                    .put("reason", r.reason().tag()).put("reconnect", r.reconnect()).put("attempt", r.attempt());
            error(n, r.cause());
        } else if (event instanceof DfuEvent.ObjectExecuted x) {
            n.put("event", "object_executed").put("kind", x.kind().manifestKey())
                    .put("type", PlainRenderer.typeName(x.type())).put("index", x.index()).put("offset", x.offset());
        } else if (event instanceof DfuEvent.Progress p) {
            n.put("event", "progress").put("kind", p.kind().manifestKey()).put("bytes", p.bytes())
                    .put("total", p.total()).put("percent", Math.round(p.percent() * 10) / 10.0)
                    .put("bytes_per_second", Math.round(p.bytesPerSecond()));
        } else if (event instanceof DfuEvent.CrcVerified c) {
            n.put("event", "crc_verified").put("kind", c.kind().manifestKey())
                    .put("type", PlainRenderer.typeName(c.type())).put("offset", c.offset())
                    .put("crc", String.format("%08x", c.crc()));
        } else if (event instanceof DfuEvent.ImageDone d) {
            n.put("event", "image_done").put("image", d.image()).put("kind", d.kind().manifestKey())
                    .put("duration_ms", d.duration().toMillis());
        } else if (event instanceof DfuEvent.UpdateDone u) {
            lastSummary = u.summary();
            print(summary("ok", u.summary(), null));
            return;
        } else if (event instanceof DfuEvent.Failed f) {
            lastSummary = f.summary();
            print(summary("failed", f.summary(), f.cause()));
            return;
        } else {
            return;
        }
        print(n);
    }

    @Override
    public void onInterrupted(String resumeHint) {
        ObjectNode n = summary("interrupted", lastSummary, null);
        if (lastSummary == null) {
            // a cancelled update reports no summary: the counts are unknown, not zero
            n.putNull("bytes_sent").putNull("bytes_resent").putNull("retries").putNull("duration_ms");
        }
        n.put("resume", resumeHint);
        print(n);
    }

    /** The summary line; {@code summary} may be null when nothing was counted yet. */
    static ObjectNode summary(String result, UpdateSummary summary, DfuException cause) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", "summary").put("result", result);
        n.put("bytes_sent", summary == null ? 0 : summary.bytesSent());
        n.put("bytes_resent", summary == null ? 0 : summary.bytesResent());
        n.put("retries", summary == null ? 0 : summary.retries());
        n.put("duration_ms", summary == null ? 0 : summary.durationMillis());
        if (summary != null) {
            n.put("images", summary.images());
        }
        if (cause == null) {
            n.putNull("error");
        } else {
            error(n, cause);
        }
        return n;
    }

    /** The summary line of a run that failed before anything was sent (an invalid package or key). */
    public static String failedBeforeStart(DfuException cause) {
        return summary("failed", null, cause).toString();
    }

    private static void error(ObjectNode n, DfuException cause) {
        n.putObject("error").put("type", cause.getClass().getSimpleName()).put("message", cause.getMessage())
                .put("advice", cause.advice());
    }

    private void print(ObjectNode n) {
        out.println(n.toString());
        out.flush();
    }
}
