package dev.reactivedfu.station;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.UpdateSummary;

import java.util.Optional;

/**
 * The JSON objects of {@code dfu station --json}, {@link Station#jsonEvents()} and the web page's event stream: snake
 * case, every object has {@code "event"}, every per-socket one {@code "socket"} and {@code "port"}.
 * <ul>
 *   <li>the engine's events exactly as {@code dfu flash --json} prints them (an update's end is its
 *       {@code summary} object), with {@code socket} and {@code port} added;</li>
 *   <li>{@code socket_state}: {@code state}, {@code board} (or null), {@code since} (ISO-8601);</li>
 *   <li>{@code board_done}: {@code result}, {@code error}, {@code error_type}, {@code advice} (null unless it
 *       failed), {@code duration_ms}, {@code bytes_sent}, {@code retries};</li>
 *   <li>{@code station_summary}: {@code passed}, {@code failed}, {@code running}, {@code boards_per_hour},
 *       {@code mean_seconds_per_board}.</li>
 * </ul>
 */
public final class StationJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StationJson() {
    }

    /** The event as one line of JSON; empty for an engine event {@code dfu flash --json} does not print. */
    public static Optional<String> toJson(StationEvent event) {
        return toNode(event).map(ObjectNode::toString);
    }

    /** The event as a JSON object; empty for an engine event {@code dfu flash --json} does not print. */
    public static Optional<ObjectNode> toNode(StationEvent event) {
        if (event instanceof StationEvent.Engine e) {
            return engine(e.event()).map(n -> tag(n, e.socket(), e.port()));
        }
        if (event instanceof StationEvent.SocketStateChanged s) {
            ObjectNode n = JSON.createObjectNode().put("event", "socket_state");
            tag(n, s.socket(), s.port());
            n.put("state", s.state().tag());
            putOptional(n, "board", s.board());
            n.put("since", s.since().toString());
            return Optional.of(n);
        }
        if (event instanceof StationEvent.BoardDone d) {
            ObjectNode n = JSON.createObjectNode().put("event", "board_done");
            tag(n, d.socket(), d.port());
            putOptional(n, "board", d.board());
            n.put("result", d.result().tag());
            putOptional(n, "error", d.error());
            putOptional(n, "error_type", d.errorType());
            putOptional(n, "advice", d.advice());
            n.put("duration_ms", d.duration().toMillis()).put("bytes_sent", d.bytesSent()).put("retries", d.retries());
            return Optional.of(n);
        }
        StationEvent.Summary s = (StationEvent.Summary) event;
        ObjectNode n = JSON.createObjectNode().put("event", "station_summary").put("passed", s.passed())
                .put("failed", s.failed()).put("running", s.running())
                .put("boards_per_hour", Math.round(s.boardsPerHour() * 10) / 10.0)
                .put("mean_seconds_per_board", Math.round(s.meanSecondsPerBoard() * 100) / 100.0);
        return Optional.of(n);
    }

    /** Puts {@code socket} and {@code port} right after {@code event}. */
    private static ObjectNode tag(ObjectNode engine, String socket, String port) {
        ObjectNode n = JSON.createObjectNode();
        n.set("event", engine.get("event"));
        n.put("socket", socket).put("port", port);
        engine.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("event") && !f.getKey().equals("port")) {
                n.set(f.getKey(), f.getValue());
            }
        });
        engine.removeAll();
        engine.setAll(n);
        return engine;
    }

    /**
     * An engine event as {@code dfu flash --json} prints it: dfu-cli's {@code JsonLinesRenderer} prints exactly these
     * objects, so the station's and a single board's JSON cannot drift apart.
     */
    public static Optional<ObjectNode> engine(DfuEvent event) {
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
            ArrayNode fw = n.putArray("firmware");
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
            n.put("event", "object_created").put("kind", c.kind().manifestKey()).put("type", typeName(c.type()))
                    .put("index", c.index()).put("offset", c.offset()).put("size", c.size());
        } else if (event instanceof DfuEvent.ObjectResumed r) {
            n.put("event", "object_resumed").put("kind", r.kind().manifestKey()).put("type", typeName(r.type()))
                    .put("index", r.index()).put("offset", r.offset()).put("reason", r.reason());
        } else if (event instanceof DfuEvent.ObjectRetried r) {
            n.put("event", "object_retried").put("kind", r.kind().manifestKey()).put("type", typeName(r.type()))
                    .put("index", r.index()).put("reason", r.reason().tag()).put("reconnect", r.reconnect())
                    .put("attempt", r.attempt());
            error(n, r.cause());
        } else if (event instanceof DfuEvent.ObjectExecuted x) {
            n.put("event", "object_executed").put("kind", x.kind().manifestKey()).put("type", typeName(x.type()))
                    .put("index", x.index()).put("offset", x.offset());
        } else if (event instanceof DfuEvent.Progress p) {
            n.put("event", "progress").put("kind", p.kind().manifestKey()).put("bytes", p.bytes())
                    .put("total", p.total()).put("percent", Math.round(p.percent() * 10) / 10.0)
                    .put("bytes_per_second", Math.round(p.bytesPerSecond()));
        } else if (event instanceof DfuEvent.CrcVerified c) {
            n.put("event", "crc_verified").put("kind", c.kind().manifestKey()).put("type", typeName(c.type()))
                    .put("offset", c.offset()).put("crc", String.format("%08x", c.crc()));
        } else if (event instanceof DfuEvent.ImageDone d) {
            n.put("event", "image_done").put("image", d.image()).put("kind", d.kind().manifestKey())
                    .put("duration_ms", d.duration().toMillis());
        } else if (event instanceof DfuEvent.UpdateDone u) {
            return Optional.of(summary("ok", u.summary(), null));
        } else if (event instanceof DfuEvent.Failed f) {
            return Optional.of(summary("failed", f.summary(), f.cause()));
        } else {
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /**
     * The {@code summary} object that ends every update's events; {@code summary} may be null when nothing was counted
     * yet (counts 0, no {@code images}), {@code cause} null on success.
     */
    public static ObjectNode summary(String result, UpdateSummary summary, DfuException cause) {
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

    private static void error(ObjectNode n, DfuException cause) {
        n.putObject("error").put("type", cause.getClass().getSimpleName()).put("message", cause.getMessage())
                .put("advice", cause.advice());
    }

    private static String typeName(ObjectType type) {
        return switch (type) {
            case COMMAND -> "command";
            case DATA -> "data";
        };
    }

    private static void putOptional(ObjectNode n, String field, Optional<String> value) {
        if (value.isPresent()) {
            n.put(field, value.get());
        } else {
            n.putNull(field);
        }
    }
}
