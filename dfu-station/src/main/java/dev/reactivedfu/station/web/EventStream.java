package dev.reactivedfu.station.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One client's {@code GET /events}: the station's snapshot, then its live events, as server-sent events (one
 * {@code data:} line holding one JSON object per event), with a comment line every heartbeat so that a vanished
 * client is noticed by a failing write even when the station is quiet.
 *
 * <p>The live events are subscribed before the snapshot is taken, so nothing that happens while the client connects
 * is lost (an event can appear both in the snapshot and right after it; every station event describes a state, so
 * showing it twice changes nothing). {@code progress} events, which the engine emits per write (hundreds a second
 * per board at 1 Mbaud), are coalesced per socket: a client gets the latest one of each socket at most once per
 * {@code progressInterval}, and always before any other event of that socket, so a tile never shows an old
 * progress after its result. Every other event is passed on, in order. A client that reads slower than the station
 * emits has its own bounded backlog of {@code maxBacklog} events; when that is full its stream ends, and the
 * browser's {@code EventSource} reconnects and starts again from a fresh snapshot. A slow client never holds the
 * station or other clients back.
 */
final class EventStream {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    private static final JsonFactory JSON = new JsonFactory();

    /** Sent first: how long a browser waits before it reconnects after the stream ended. */
    static final String RETRY = "retry: 2000\n\n";
    /** The heartbeat, a comment that {@code EventSource} ignores. */
    static final String HEARTBEAT = ": heartbeat\n\n";

    private final StationFeed feed;
    private final int maxBacklog;
    private final Duration heartbeat;
    private final Duration progressInterval;
    private final Scheduler scheduler;
    private final Mono<?> closing;

    /**
     * @param closing ends every stream when it emits (the server is closing)
     */
    EventStream(StationFeed feed, int maxBacklog, Duration heartbeat, Duration progressInterval, Scheduler scheduler,
                Mono<?> closing) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.maxBacklog = maxBacklog;
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
        this.progressInterval = Objects.requireNonNull(progressInterval, "progressInterval");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.closing = Objects.requireNonNull(closing, "closing");
    }

    /** The text of one client's stream, frame by frame. Lazy and cold: each subscription is a new client. */
    Flux<String> frames() {
        return Flux.defer(() -> {
            Client client = new Client();
            Disposable upstream = feed.events().subscribe(client::onEvent, client::onError, client::onComplete);
            Disposable ticker = Flux.interval(progressInterval, progressInterval, scheduler)
                    .subscribe(i -> client.flushProgress());
            List<String> snapshot;
            try {
                snapshot = List.copyOf(feed.snapshot());
            } catch (RuntimeException e) {
                upstream.dispose();
                ticker.dispose();
                throw e;
            }
            Sinks.One<Boolean> ended = Sinks.one();
            Flux<String> events = Flux.concat(Flux.fromIterable(snapshot), client.live.asFlux())
                    .map(EventStream::frame)
                    .doOnTerminate(() -> ended.tryEmitValue(true));
            Flux<String> beats = Flux.interval(heartbeat, heartbeat, scheduler)
                    .map(i -> HEARTBEAT)
                    .takeUntilOther(ended.asMono());
            return Flux.concat(Flux.just(RETRY), Flux.merge(events, beats))
                    .takeUntilOther(closing)
                    .doFinally(signal -> {
                        upstream.dispose();
                        ticker.dispose();
                    });
        });
    }

    /** One event as a server-sent event; a line break inside the text (never in compact JSON) starts a new data line. */
    static String frame(String json) {
        return "data: " + json.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\ndata: ") + "\n\n";
    }

    /** One client's live side: its bounded backlog and its pending progress per socket. */
    private final class Client {
        final Sinks.Many<String> live = Sinks.many().unicast().onBackpressureBuffer(Queues.<String>get(maxBacklog).get());
        /** Latest unsent progress event per socket; guarded by this. */
        private final Map<String, String> progress = new LinkedHashMap<>();
        private boolean done;

        synchronized void onEvent(String json) {
            String[] kind = kind(json);
            if ("progress".equals(kind[0]) && kind[1] != null) {
                progress.put(kind[1], json);
                return;
            }
            if (kind[1] != null) {
                String pending = progress.remove(kind[1]);
                if (pending != null) {
                    send(pending);
                }
            }
            send(json);
        }

        synchronized void flushProgress() {
            for (String p : progress.values()) {
                send(p);
            }
            progress.clear();
        }

        synchronized void onError(Throwable e) {
            done = true;
            live.tryEmitError(e);
        }

        synchronized void onComplete() {
            flushProgress();
            done = true;
            live.tryEmitComplete();
        }

        private void send(String json) {
            if (done) {
                return;
            }
            if (live.tryEmitNext(json).isFailure()) {
                log.debug("an event-stream client fell {} events behind; ending its stream", maxBacklog);
                done = true;
                live.tryEmitComplete();
            }
        }
    }

    /**
     * The {@code event} and {@code socket} fields of a top-level JSON object (either null when absent); reads no
     * further than it needs.
     */
    static String[] kind(String json) {
        String[] out = new String[2];
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING && name.equals("event")) {
                    out[0] = p.getText();
                } else if (v == JsonToken.VALUE_STRING && name.equals("socket")) {
                    out[1] = p.getText();
                } else {
                    p.skipChildren();
                }
                if (out[0] != null && out[1] != null) {
                    break;
                }
            }
        } catch (IOException e) {
            // not JSON: passed on as it is, never coalesced
        }
        return out;
    }
}
