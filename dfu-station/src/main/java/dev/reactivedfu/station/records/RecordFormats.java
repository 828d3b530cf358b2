package dev.reactivedfu.station.records;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The forms {@code dfu station report} prints rows in: a table for people, CSV (RFC 4180) and a JSON array for
 * programs. Field names are the table's column names (snake_case) in every form; the web server's
 * {@code /api/boards} serves the same JSON.
 */
public final class RecordFormats {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The columns, in order, with how each is read from a row. */
    private static final List<Column> COLUMNS = List.of(
            new Column("id", BoardRecord::id),
            new Column("station", BoardRecord::station),
            new Column("socket", BoardRecord::socket),
            new Column("port", BoardRecord::port),
            new Column("adapter_serial", r -> r.adapterSerial().orElse(null)),
            new Column("board", r -> r.board().orElse(null)),
            new Column("started_at", r -> r.startedAt().toString()),
            new Column("ended_at", r -> r.endedAt().map(Instant::toString).orElse(null)),
            new Column("package_file", BoardRecord::packageFile),
            new Column("package_sha256", BoardRecord::packageSha256),
            new Column("hardware_before", r -> r.hardwareBefore().orElse(null)),
            new Column("firmware_before", r -> r.firmwareBefore().orElse(null)),
            new Column("result", r -> r.result().tag()),
            new Column("error_type", r -> r.errorType().orElse(null)),
            new Column("error", r -> r.error().orElse(null)),
            new Column("advice", r -> r.advice().orElse(null)),
            new Column("bytes_sent", r -> r.bytesSent()),
            new Column("bytes_resent", r -> r.bytesResent()),
            new Column("retries", r -> r.retries()),
            new Column("duration_ms", r -> r.durationMs().orElse(null)),
            new Column("resumes", r -> r.resumes().orElse(null)));

    /** The columns of the table form (the CSV and JSON forms have all). */
    private static final List<String> TABLE = List.of("started_at", "socket", "port", "board", "result",
            "duration_ms", "bytes_sent", "retries", "error_type");

    private record Column(String name, Function<BoardRecord, Object> value) {
    }

    private RecordFormats() {
    }

    /** The rows as a JSON array of objects. */
    public static String json(List<BoardRecord> rows) {
        ArrayNode array = JSON.createArrayNode();
        for (BoardRecord r : rows) {
            array.add(jsonObject(r));
        }
        return array.toString();
    }

    /** One row as a JSON object. */
    public static ObjectNode jsonObject(BoardRecord r) {
        ObjectNode n = JSON.createObjectNode();
        for (Column c : COLUMNS) {
            Object v = c.value().apply(r);
            if (v == null) {
                n.putNull(c.name());
            } else if (v instanceof Long l) {
                n.put(c.name(), l);
            } else if (v instanceof Integer i) {
                n.put(c.name(), i);
            } else {
                n.put(c.name(), v.toString());
            }
        }
        return n;
    }

    /** The rows as CSV with a header line; empty fields for absent values. */
    public static String csv(List<BoardRecord> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", COLUMNS.stream().map(Column::name).toList())).append("\r\n");
        for (BoardRecord r : rows) {
            for (int i = 0; i < COLUMNS.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Object v = COLUMNS.get(i).value().apply(r);
                sb.append(v == null ? "" : csvField(v.toString()));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    /** The rows as an aligned text table, with a last line counting them by result. */
    public static String table(List<BoardRecord> rows) {
        List<Column> cols = TABLE.stream().map(name -> COLUMNS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow())
                .toList();
        int[] width = new int[cols.size()];
        String[][] cells = new String[rows.size()][cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            width[c] = cols.get(c).name().length();
        }
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                Object v = cols.get(c).value().apply(rows.get(r));
                cells[r][c] = v == null ? "-" : v.toString();
                width[c] = Math.max(width[c], cells[r][c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cols.size(); c++) {
            pad(sb, cols.get(c).name(), width[c], c == cols.size() - 1);
        }
        sb.append('\n');
        for (String[] row : cells) {
            for (int c = 0; c < cols.size(); c++) {
                pad(sb, row[c], width[c], c == cols.size() - 1);
            }
            sb.append('\n');
        }
        long passed = rows.stream().filter(r -> r.result() == AttemptResult.PASSED).count();
        long failed = rows.stream().filter(r -> r.result() == AttemptResult.FAILED).count();
        long interrupted = rows.stream().filter(r -> r.result() == AttemptResult.INTERRUPTED).count();
        long running = rows.stream().filter(r -> r.result() == AttemptResult.RUNNING).count();
        sb.append(rows.size()).append(" attempt(s): ").append(passed).append(" passed, ").append(failed)
                .append(" failed, ").append(interrupted).append(" interrupted, ").append(running).append(" running\n");
        return sb.toString();
    }

    private static void pad(StringBuilder sb, String s, int width, boolean last) {
        sb.append(s);
        if (!last) {
            sb.append(" ".repeat(width - s.length() + 2));
        }
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
