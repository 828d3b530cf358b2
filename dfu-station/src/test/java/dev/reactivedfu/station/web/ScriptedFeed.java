package dev.reactivedfu.station.web;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A feed whose events the test emits itself, counting its live subscribers (one per connected event stream). */
class ScriptedFeed implements StationFeed {

    private final Sinks.Many<String> sink = Sinks.many().multicast().directBestEffort();
    final AtomicInteger subscribers = new AtomicInteger();
    final List<String> snapshot = new CopyOnWriteArrayList<>();
    volatile Function<Optional<Instant>, Mono<String>> boards = since -> Mono.just("[]");

    synchronized void emit(String json) {
        sink.tryEmitNext(json);
    }

    @Override
    public Flux<String> events() {
        return sink.asFlux()
                .doOnSubscribe(s -> subscribers.incrementAndGet())
                .doFinally(s -> subscribers.decrementAndGet());
    }

    @Override
    public List<String> snapshot() {
        return List.copyOf(snapshot);
    }

    @Override
    public Mono<String> boards(Optional<Instant> since) {
        return boards.apply(since);
    }
}
