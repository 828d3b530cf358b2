package dev.reactivedfu.station;

import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.transfer.DfuEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a station reports as it runs ({@link Station#events()}); {@link StationJson} turns each into the JSON object
 * {@code dfu station --json} prints.
 */
public sealed interface StationEvent {

    /** An event of the engine updating the board in {@code socket}. */
    record Engine(String socket, String port, DfuEvent event) implements StationEvent {
        public Engine {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * A socket changed state.
     *
     * @param board the board in the socket, when one is there
     * @param since when it entered the state
     */
    record SocketStateChanged(String socket, String port, SocketState state, Optional<String> board, Instant since)
            implements StationEvent {
    }

    /**
     * An update attempt ended.
     *
     * @param error     the typed error's one-line message, for a failure
     * @param errorType the typed error's simple class name
     * @param advice    what to do about it
     */
    record BoardDone(String socket, String port, Optional<String> board, AttemptResult result,
                     Optional<String> error, Optional<String> errorType, Optional<String> advice, Duration duration,
                     long bytesSent, int retries) implements StationEvent {
    }

    /**
     * The station's counts so far, at least once a second while it runs.
     *
     * @param passed              boards that passed
     * @param failed              boards that failed
     * @param running             updates in progress
     * @param boardsPerHour       finished boards per hour since the station started
     * @param meanSecondsPerBoard mean duration of a finished update
     */
    record Summary(int passed, int failed, int running, double boardsPerHour, double meanSecondsPerBoard)
            implements StationEvent {
    }
}
