package dev.reactivedfu.station.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One client's {@code GET /events}: the station's snapshot, then its live events, as server-sent events (one
 * {@code data:} line holding one JSON object per event), with a comment line every heartbeat so that a vanished
 * client is noticed by a failing write even when the station is quiet.
 *
 * <p>The live events are subscribed before the snapshot is taken, so nothing that happens while the client connects
 * is lost (an event can appear both in the snapshot and right after it; every station event describes a state, so
 * showing it twice changes nothing). A client that reads slower than the station emits has its own bounded backlog
 * of {@link #maxBacklog} events; when that is full its stream ends, and the browser's {@code EventSource}
 * reconnects and starts again from a fresh snapshot. A slow client never holds the station or other clients back.
 */
final class EventStream {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    /** Sent first: how long a browser waits before it reconnects after the stream ended. */
    static final String RETRY = "retry: 2000\n\n";
    /** The heartbeat, a comment that {@code EventSource} ignores. */
    static final String HEARTBEAT = ": heartbeat\n\n";

    private final StationFeed feed;
    private final int maxBacklog;
    private final Duration heartbeat;
    private final Scheduler scheduler;

    EventStream(StationFeed feed, int maxBacklog, Duration heartbeat, Scheduler scheduler) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.maxBacklog = maxBacklog;
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** The text of one client's stream, frame by frame. Lazy and cold: each subscription is a new client. */
    Flux<String> frames() {
        return Flux.defer(() -> {
            Sinks.Many<String> live = Sinks.many().unicast()
                    .onBackpressureBuffer(Queues.<String>get(maxBacklog).get());
            Disposable upstream = feed.events().subscribe(
                    event -> {
                        if (live.tryEmitNext(event).isFailure()) {
                            log.debug("an event-stream client fell {} events behind; ending its stream", maxBacklog);
                            live.tryEmitComplete();
                        }
                    },
                    live::tryEmitError,
                    live::tryEmitComplete);
            List<String> snapshot;
            try {
                snapshot = List.copyOf(feed.snapshot());
            } catch (RuntimeException e) {
                upstream.dispose();
                throw e;
            }
            Sinks.One<Boolean> ended = Sinks.one();
            Flux<String> events = Flux.concat(Flux.fromIterable(snapshot), live.asFlux())
                    .map(EventStream::frame)
                    .doOnTerminate(() -> ended.tryEmitValue(true));
            Flux<String> beats = Flux.interval(heartbeat, heartbeat, scheduler)
                    .map(i -> HEARTBEAT)
                    .takeUntilOther(ended.asMono());
            return Flux.concat(Flux.just(RETRY), Flux.merge(events, beats))
                    .doFinally(signal -> upstream.dispose());
        });
    }

    /** One event as a server-sent event; a line break inside the text (never in compact JSON) starts a new data line. */
    static String frame(String json) {
        return "data: " + json.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\ndata: ") + "\n\n";
    }
}
