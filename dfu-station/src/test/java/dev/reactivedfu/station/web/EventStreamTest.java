package dev.reactivedfu.station.web;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One client's event stream on virtual time: heartbeats, progress coalescing, a slow client's bounded backlog. */
class EventStreamTest {

    private static final String IDLE = "{\"event\":\"socket_state\",\"socket\":\"s1\",\"state\":\"idle\"}";
    private static final Duration BEAT = Duration.ofSeconds(15);
    private static final Duration TICK = Duration.ofMillis(200);

    private final ScriptedFeed feed = new ScriptedFeed();
    private final Sinks.One<Boolean> closing = Sinks.one();

    EventStreamTest() {
        feed.snapshot.add(IDLE);
    }

    private EventStream stream(int backlog) {
        return new EventStream(feed, backlog, BEAT, TICK, VirtualTimeScheduler.get(), closing.asMono());
    }

    private static String progress(long bytes) {
        return "{\"event\":\"progress\",\"socket\":\"s1\",\"bytes\":" + bytes + "}";
    }

    @Test
    void a_quiet_stream_sends_a_heartbeat_every_interval_after_the_snapshot() {
        StepVerifier.withVirtualTime(() -> stream(64).frames())
                .expectNext(EventStream.RETRY, EventStream.frame(IDLE))
                .expectNoEvent(BEAT.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(EventStream.HEARTBEAT)
                .expectNoEvent(BEAT.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(EventStream.HEARTBEAT)
                .then(() -> closing.tryEmitValue(true))
                .verifyComplete();
        assertThat(feed.subscribers).hasValue(0);
    }

    @Test
    void progress_comes_at_most_once_a_tick_per_socket_and_the_latest_wins() {
        StepVerifier.withVirtualTime(() -> stream(64).frames())
                .expectNext(EventStream.RETRY, EventStream.frame(IDLE))
                .then(() -> {
                    for (int i = 1; i <= 50; i++) {
                        feed.emit(progress(i * 64));
                    }
                })
                .expectNoEvent(TICK.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(EventStream.frame(progress(50 * 64)))
                .expectNoEvent(TICK) // nothing new: nothing sent
                .then(() -> closing.tryEmitValue(true))
                .verifyComplete();
    }

    @Test
    void a_client_that_falls_behind_its_backlog_has_its_stream_ended_and_releases_the_station() {
        AtomicInteger frames = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> stream(16).frames(), 0)
                .expectSubscription()
                .then(() -> {
                    for (int i = 0; i < 100; i++) { // board_done events are never coalesced
                        feed.emit("{\"event\":\"board_done\",\"socket\":\"s" + i + "\"}");
                    }
                })
                .thenRequest(Long.MAX_VALUE)
                .expectNext(EventStream.RETRY, EventStream.frame(IDLE))
                .thenConsumeWhile(f -> f.startsWith("data: {\"event\":\"board_done\""), f -> frames.incrementAndGet())
                .verifyComplete();
        // the backlog held the first 16; the stream then ended (the browser reconnects from a fresh snapshot)
        assertThat(frames).hasValue(16);
        assertThat(feed.subscribers).hasValue(0);
    }

    @Test
    void the_stream_replays_what_happened_while_the_snapshot_was_being_taken() {
        ScriptedFeed racing = new ScriptedFeed() {
            @Override
            public java.util.List<String> snapshot() {
                emit(progress(64)); // an event lands between the subscription and the snapshot
                emit("{\"event\":\"board_done\",\"socket\":\"s1\"}");
                return java.util.List.of(IDLE);
            }
        };
        StepVerifier.withVirtualTime(() -> new EventStream(racing, 64, BEAT, TICK, VirtualTimeScheduler.get(),
                        Mono.never()).frames())
                .expectNext(EventStream.RETRY, EventStream.frame(IDLE), EventStream.frame(progress(64)),
                        EventStream.frame("{\"event\":\"board_done\",\"socket\":\"s1\"}"))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void kind_reads_the_event_and_socket_of_any_field_order_and_leaves_non_json_alone() {
        assertThat(EventStream.kind("{\"socket\":\"s2\",\"x\":{\"event\":\"no\"},\"event\":\"progress\"}"))
                .containsExactly("progress", "s2");
        assertThat(EventStream.kind("{\"event\":\"station_summary\",\"passed\":1}"))
                .containsExactly("station_summary", null);
        assertThat(EventStream.kind("not json")).containsExactly(null, null);
    }
}
