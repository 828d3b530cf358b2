package dev.reactivedfu.station.web;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the web server shows of a station: its events, its current state and its records, all as JSON text (the
 * objects {@code dfu station --json} prints). The station's main class offers exactly these three methods, so wiring
 * it is one line:
 *
 * <pre>{@code
 * StationFeed feed = StationFeed.of(station::jsonEvents, station::jsonSnapshot, station::boardsJson);
 * }</pre>
 *
 * <p>Every event is one JSON object with an {@code "event"} field; per-socket events also carry {@code "socket"} and
 * {@code "port"}. The page understands {@code socket_state}, {@code progress}, {@code board_done} and
 * {@code station_summary} and ignores the rest.
 */
public interface StationFeed {

    /**
     * Every station event as one JSON object. Hot: subscribers see what happens from their subscription on; it does
     * not complete while the station runs. Must not block its subscriber's thread.
     */
    Flux<String> events();

    /**
     * The current state as JSON event objects (one {@code socket_state} per socket and the last
     * {@code station_summary}), replayed to a client that connects mid-run before the live events. Cheap and
     * non-blocking: it is called on an event-loop thread.
     */
    List<String> snapshot();

    /**
     * The per-board records started at or after {@code since} (all when empty) as one JSON array. Lazy; blocking
     * work (JDBC) must run on its own scheduler, not on the caller's thread.
     */
    Mono<String> boards(Optional<Instant> since);

    /** Whether this feed comes from a station (false for {@link #none()}: the server then serves metrics only). */
    default boolean present() {
        return true;
    }

    /** A feed from the station's three methods. */
    static StationFeed of(Supplier<Flux<String>> events, Supplier<List<String>> snapshot,
                          Function<Optional<Instant>, Mono<String>> boards) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(boards, "boards");
        return new StationFeed() {
            @Override
            public Flux<String> events() {
                return events.get();
            }

            @Override
            public List<String> snapshot() {
                return snapshot.get();
            }

            @Override
            public Mono<String> boards(Optional<Instant> since) {
                return boards.apply(since);
            }
        };
    }

    /**
     * No station (as under {@code dfu flash --metrics}): the page, {@code /events} and {@code /api/boards} answer
     * 404 saying so; {@code /metrics} and {@code /healthz} work.
     */
    static StationFeed none() {
        return new StationFeed() {
            @Override
            public Flux<String> events() {
                return Flux.never();
            }

            @Override
            public List<String> snapshot() {
                return List.of();
            }

            @Override
            public Mono<String> boards(Optional<Instant> since) {
                return Mono.just("[]");
            }

            @Override
            public boolean present() {
                return false;
            }
        };
    }
}
