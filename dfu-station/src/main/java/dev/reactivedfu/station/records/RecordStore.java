package dev.reactivedfu.station.records;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code board_record} table over JDBC: one code path for SQLite ({@code jdbc:sqlite:FILE}, the default
 * {@code station.db}) and PostgreSQL ({@code jdbc:postgresql://host/db?user=...}). {@link #open(String)} migrates the
 * schema with Flyway (scripts in {@code db/station}) before anything else.
 *
 * <p>Blocking, as JDBC is: callers on reactive paths run it on {@code Schedulers.boundedElastic()}. Thread-safe: one
 * connection, every method holds this object's lock; every write is its own auto-committed statement, so a station
 * killed at any moment leaves whole rows.
 */
public final class RecordStore implements AutoCloseable {

    /** Where Flyway finds the migrations. */
    public static final String MIGRATIONS = "classpath:db/station";

    private static final String COLUMNS = "id, station, socket, port, adapter_serial, board, started_at, ended_at, "
            + "package_file, package_sha256, hardware_before, firmware_before, result, error_type, error, advice, "
            + "bytes_sent, bytes_resent, retries, duration_ms, resumes";

    private final String url;
    private final Connection connection;

    private RecordStore(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /** The JDBC URL of the default store: {@code station.db} in the working directory. */
    public static String defaultUrl() {
        return "jdbc:sqlite:station.db";
    }

    /**
     * Opens the store at {@code jdbcUrl}, creating or migrating its schema first.
     *
     * @throws RecordStoreException when the URL is not a SQLite or PostgreSQL one, the database cannot be reached, or
     *                              the migration fails
     */
    public static RecordStore open(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new RecordStoreException("unsupported records database URL '" + jdbcUrl + "'",
                    "use jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DB?user=U&password=P", null);
        }
        try {
            Flyway.configure(RecordStore.class.getClassLoader())
                    .dataSource(jdbcUrl, null, null)
                    .locations(MIGRATIONS)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new RecordStoreException("cannot migrate the records database " + redact(jdbcUrl) + ": "
                    + firstLine(e.getMessage()), "check the URL, that the database is reachable and writable", e);
        }
        try {
            Connection c = DriverManager.getConnection(jdbcUrl);
            c.setAutoCommit(true);
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                // a write-ahead log: one sync per row write instead of a rollback journal's several, still durable
                // on power loss (synchronous FULL), and a report may read while the station writes
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA journal_mode=WAL");
                    st.execute("PRAGMA synchronous=FULL");
                    st.execute("PRAGMA busy_timeout=5000");
                }
            }
            return new RecordStore(jdbcUrl, c);
        } catch (SQLException e) {
            throw new RecordStoreException("cannot open the records database " + redact(jdbcUrl) + ": "
                    + e.getMessage(), "check the URL, that the database is reachable and writable", e);
        }
    }

    /** The URL this store was opened with, without its password. */
    public String url() {
        return redact(url);
    }

    /** Inserts the row of an attempt that starts. */
    public synchronized void insert(BoardRecord r) {
        String sql = "INSERT INTO board_record (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setString(1, r.id());
            st.setString(2, r.station());
            st.setString(3, r.socket());
            st.setString(4, r.port());
            setOptional(st, 5, r.adapterSerial());
            setOptional(st, 6, r.board());
            st.setString(7, r.startedAt().toString());
            setOptional(st, 8, r.endedAt().map(Instant::toString));
            st.setString(9, r.packageFile());
            st.setString(10, r.packageSha256());
            setOptional(st, 11, r.hardwareBefore());
            setOptional(st, 12, r.firmwareBefore());
            st.setString(13, r.result().tag());
            setOptional(st, 14, r.errorType());
            setOptional(st, 15, r.error().map(RecordStore::clip));
            setOptional(st, 16, r.advice().map(RecordStore::clip));
            st.setLong(17, r.bytesSent());
            st.setLong(18, r.bytesResent());
            st.setInt(19, r.retries());
            if (r.durationMs().isPresent()) {
                st.setLong(20, r.durationMs().get());
            } else {
                st.setNull(20, Types.BIGINT);
            }
            setOptional(st, 21, r.resumes());
            st.executeUpdate();
        } catch (SQLException e) {
            throw writeFailed(e);
        }
    }

    /** Writes the end of an attempt (result, error, counts, versions) into its row. */
    public synchronized void complete(BoardRecord r) {
        String sql = "UPDATE board_record SET ended_at = ?, hardware_before = ?, firmware_before = ?, result = ?, "
                + "error_type = ?, error = ?, advice = ?, bytes_sent = ?, bytes_resent = ?, retries = ?, "
                + "duration_ms = ? WHERE id = ?";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            setOptional(st, 1, r.endedAt().map(Instant::toString));
            setOptional(st, 2, r.hardwareBefore());
            setOptional(st, 3, r.firmwareBefore());
            st.setString(4, r.result().tag());
            setOptional(st, 5, r.errorType());
            setOptional(st, 6, r.error().map(RecordStore::clip));
            setOptional(st, 7, r.advice().map(RecordStore::clip));
            st.setLong(8, r.bytesSent());
            st.setLong(9, r.bytesResent());
            st.setInt(10, r.retries());
            if (r.durationMs().isPresent()) {
                st.setLong(11, r.durationMs().get());
            } else {
                st.setNull(11, Types.BIGINT);
            }
            st.setString(12, r.id());
            if (st.executeUpdate() != 1) {
                throw new RecordStoreException("no record " + r.id() + " to complete",
                        "the row was deleted while the station ran; check the database", null);
            }
        } catch (SQLException e) {
            throw writeFailed(e);
        }
    }

    /**
     * Marks the rows of {@code station} still {@code running} (the station died mid-update: SIGKILL, power loss) as
     * {@code interrupted}, ended at {@code now}, and returns them as they are now.
     */
    public synchronized List<BoardRecord> markInterrupted(String station, Instant now) {
        List<BoardRecord> running = find("station = ? AND result = ?", List.of(station, AttemptResult.RUNNING.tag()));
        String sql = "UPDATE board_record SET result = ?, ended_at = ?, error = ?, advice = ? WHERE id = ?";
        List<BoardRecord> marked = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (BoardRecord r : running) {
                st.setString(1, AttemptResult.INTERRUPTED.tag());
                st.setString(2, now.toString());
                st.setString(3, "the station stopped during this update");
                st.setString(4, "the board keeps its verified progress; the next attempt on its socket resumes it");
                st.setString(5, r.id());
                st.executeUpdate();
                marked.add(r.completed(now, AttemptResult.INTERRUPTED, r.hardwareBefore(), r.firmwareBefore(),
                        Optional.empty(), Optional.of("the station stopped during this update"),
                        Optional.of("the board keeps its verified progress; the next attempt on its socket resumes it"),
                        r.bytesSent(), r.bytesResent(), r.retries()));
            }
        } catch (SQLException e) {
            throw writeFailed(e);
        }
        return marked;
    }

    /** The rows {@code query} selects, oldest first. */
    public synchronized List<BoardRecord> find(RecordQuery query) {
        StringBuilder where = new StringBuilder("1 = 1");
        List<String> args = new ArrayList<>();
        query.since().ifPresent(s -> {
            where.append(" AND started_at >= ?");
            args.add(s.toString());
        });
        query.socket().ifPresent(s -> {
            where.append(" AND socket = ?");
            args.add(s);
        });
        query.result().ifPresent(r -> {
            where.append(" AND result = ?");
            args.add(r.tag());
        });
        return find(where.toString(), args);
    }

    private List<BoardRecord> find(String where, List<String> args) {
        String sql = "SELECT " + COLUMNS + " FROM board_record WHERE " + where + " ORDER BY started_at, id";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                st.setString(i + 1, args.get(i));
            }
            List<BoardRecord> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new RecordStoreException("cannot read the records database " + url() + ": " + e.getMessage(),
                    "check that the database is reachable", e);
        }
    }

    private static BoardRecord row(ResultSet rs) throws SQLException {
        long duration = rs.getLong("duration_ms");
        Optional<Long> durationMs = rs.wasNull() ? Optional.empty() : Optional.of(duration);
        return new BoardRecord(rs.getString("id"), rs.getString("station"), rs.getString("socket"),
                rs.getString("port"), opt(rs, "adapter_serial"), opt(rs, "board"),
                Instant.parse(rs.getString("started_at")), opt(rs, "ended_at").map(Instant::parse),
                rs.getString("package_file"), rs.getString("package_sha256"), opt(rs, "hardware_before"),
                opt(rs, "firmware_before"), AttemptResult.ofTag(rs.getString("result")), opt(rs, "error_type"),
                opt(rs, "error"), opt(rs, "advice"), rs.getLong("bytes_sent"), rs.getLong("bytes_resent"),
                rs.getInt("retries"), durationMs, opt(rs, "resumes"));
    }

    private static Optional<String> opt(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static void setOptional(PreparedStatement st, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            st.setString(index, value.get());
        } else {
            st.setNull(index, Types.VARCHAR);
        }
    }

    private static String clip(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }

    private RecordStoreException writeFailed(SQLException e) {
        return new RecordStoreException("cannot write the records database " + url() + ": " + e.getMessage(),
                "check that the database is reachable and writable (disk space, permissions)", e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The URL with any password parameter replaced by {@code ***}. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to lose
        }
    }
}
