package dev.reactivedfu.cli;

import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.BoardRecord;
import dev.reactivedfu.station.records.RecordFormats;
import dev.reactivedfu.station.records.RecordQuery;
import dev.reactivedfu.station.records.RecordStore;
import dev.reactivedfu.station.records.RecordStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code dfu station report}: the records of a station's attempts, as a table, CSV or JSON. */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = "Show the station's records: one row per update attempt (oldest first).",
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class StationReportCommand implements Callable<Integer> {

    /** The formats. */
    enum Format { TABLE, CSV, JSON }

    @Spec
    CommandSpec spec;

    @Option(names = "--db", paramLabel = "URL",
            description = "Records database (default jdbc:sqlite:station.db).")
    String db;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Attempts started since WHEN: an instant (2026-12-01T08:00:00Z), a date (2026-12-01, UTC), "
                    + "or a duration back from now (8h, 30m, 2d).")
    String since;

    @Option(names = "--socket", paramLabel = "NAME", description = "Attempts on this socket only.")
    String socket;

    @Option(names = "--result", paramLabel = "RESULT",
            description = "Attempts that ended so: passed, failed, interrupted or running.")
    String result;

    @Option(names = "--format", paramLabel = "table|csv|json", defaultValue = "table",
            description = "Output form (default: ${DEFAULT-VALUE}).")
    Format format;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RecordQuery query;
        try {
            query = new RecordQuery(Optional.ofNullable(since).map(this::parseSince), Optional.ofNullable(socket),
                    Optional.ofNullable(result).map(AttemptResult::ofTag));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (RecordStore store = RecordStore.open(db != null ? db : RecordStore.defaultUrl())) {
            List<BoardRecord> rows = store.find(query);
            out.print(switch (format) {
                case TABLE -> RecordFormats.table(rows);
                case CSV -> RecordFormats.csv(rows);
                case JSON -> RecordFormats.json(rows) + "\n";
            });
            out.flush();
            return ExitCodes.OK;
        } catch (RecordStoreException e) {
            err.println("error: " + e.getMessage() + " (" + e.advice() + ")");
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    Instant parseSince(String s) {
        String v = s.trim();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException ignored) {
            // not an instant: a date or a duration
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException ignored) {
            // not a date: a duration
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.matches("\\d+[smhd]")) {
            long n = Long.parseLong(lower.substring(0, lower.length() - 1));
            Duration d = switch (lower.charAt(lower.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(d);
        }
        throw new IllegalArgumentException("--since " + s + ": use an instant (2026-12-01T08:00:00Z), a date "
                + "(2026-12-01) or a duration such as 8h");
    }
}
