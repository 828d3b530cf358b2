package dev.reactivedfu.station.records;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rows a report shows: all filters optional, combined with AND; rows come oldest first.
 *
 * @param since  attempts started at or after this instant
 * @param socket attempts on this socket
 * @param result attempts that ended so
 */
public record RecordQuery(Optional<Instant> since, Optional<String> socket, Optional<AttemptResult> result) {

    public RecordQuery {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(result, "result");
    }

    /** Every row. */
    public static RecordQuery all() {
        return new RecordQuery(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Rows started at or after {@code since}. */
    public static RecordQuery since(Instant since) {
        return new RecordQuery(Optional.of(since), Optional.empty(), Optional.empty());
    }
}
