package dev.reactivedfu.transfer;

import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.OpCode;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Credit accounting of one object's writes: what is on the wire after each notification the test releases. */
class ObjectStreamerTest {

    private static final int CHUNK = 64;

    private final byte[] bytes = random(12 * CHUNK);
    private final LocalImage image = new LocalImage(bytes);
    private final TestConnection connection = new TestConnection();
    private final List<DfuRequest> writes = connection.sent;
    private final TestPublisher<DfuInbound> inbound = connection.inbound;
    private final List<DfuEvent> events = new ArrayList<>();

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(3).nextBytes(b);
        return b;
    }

    private final ObjectStreamer.Tracker tracker = new ObjectStreamer.Tracker() {
        @Override
        public DfuEvent sent(long offset, int length) {
            return null;
        }

        @Override
        public DfuEvent verified(long offset, long crc) {
            return new DfuEvent.CrcVerified(null, null, offset, crc);
        }
    };

    private Flux<DfuEvent> stream(int prn, int window) {
        Exchange exchange = new Exchange(connection, "test", DfuOptions.defaults(), Schedulers.parallel());
        return exchange.attach(ObjectStreamer.stream(exchange, image, 0, bytes.length, CHUNK, prn, prn * window,
                Duration.ofSeconds(1), tracker)).doOnNext(events::add);
    }

    /** The notification a device sends after receiving {@code writes} whole writes. */
    private DfuResponse.Crc notificationAfter(int writes) {
        long offset = (long) writes * CHUNK;
        return new DfuResponse.Crc(offset, image.crcAt(offset));
    }

    @Test
    void with_prn_2_and_window_2_at_most_4_writes_are_unacknowledged() {
        StepVerifier.create(stream(2, 2))
                .then(() -> assertThat(writes).hasSize(4))
                .then(() -> inbound.next(notificationAfter(2)))
                .expectNextCount(1)
                .then(() -> assertThat(writes).hasSize(6))
                .then(() -> inbound.next(notificationAfter(4)))
                .expectNextCount(1)
                .then(() -> assertThat(writes).hasSize(8))
                .then(() -> inbound.next(notificationAfter(6), notificationAfter(8)))
                .expectNextCount(2)
                .then(() -> assertThat(writes).hasSize(12))
                .then(() -> inbound.next(notificationAfter(10), notificationAfter(12)))
                .expectNextCount(2)
                .verifyComplete();
        assertThat(concatenated()).isEqualTo(bytes);
    }

    @Test
    void with_prn_3_and_window_1_writes_go_out_three_at_a_time() {
        StepVerifier.create(stream(3, 1))
                .then(() -> assertThat(writes).hasSize(3))
                .then(() -> inbound.next(notificationAfter(3)))
                .expectNextCount(1)
                .then(() -> assertThat(writes).hasSize(6))
                .then(() -> inbound.next(notificationAfter(6)))
                .expectNextCount(1)
                .then(() -> assertThat(writes).hasSize(9))
                .then(() -> inbound.next(notificationAfter(9)))
                .expectNextCount(1)
                .then(() -> assertThat(writes).hasSize(12))
                .then(() -> inbound.next(notificationAfter(12)))
                .expectNextCount(1)
                .verifyComplete();
    }

    @Test
    void the_writes_after_the_last_notification_do_not_wait_for_one() {
        // 12 writes, PRN 5: notifications after 5 and 10; writes 11 and 12 are answered by the caller's CRC request
        StepVerifier.create(stream(5, 1))
                .then(() -> assertThat(writes).hasSize(5))
                .then(() -> inbound.next(notificationAfter(5)))
                .expectNextCount(1)
                .then(() -> inbound.next(notificationAfter(10)))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(writes).hasSize(12);
    }

    @Test
    void with_prn_0_every_write_waits_for_the_previous_send_to_complete() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        TestConnection slowPort = new TestConnection(LinkFacts.UNKNOWN, request -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return Mono.delay(Duration.ofMillis(5), Schedulers.parallel())
                    .doOnTerminate(inFlight::decrementAndGet)
                    .then();
        });

        StepVerifier.withVirtualTime(() -> {
                    Exchange exchange = new Exchange(slowPort, "test", DfuOptions.defaults(), Schedulers.parallel());
                    return exchange.attach(ObjectStreamer.stream(exchange, image, 0, bytes.length, CHUNK, 0, 1,
                            Duration.ofSeconds(1), tracker));
                })
                .expectSubscription()
                .thenAwait(Duration.ofMillis(12 * 5))
                .verifyComplete();
        assertThat(maxInFlight).hasValue(1);
        assertThat(concatenated(slowPort.sent)).isEqualTo(bytes);
    }

    @Test
    void a_notification_with_a_wrong_crc_means_lost_writes() {
        StepVerifier.create(stream(3, 1))
                .then(() -> inbound.next(new DfuResponse.Crc(3 * CHUNK, image.crcAt(3 * CHUNK) ^ 1)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(CrcMismatchException.class,
                        c -> assertThat(c.offset()).isEqualTo(3 * CHUNK)))
                .verify(Duration.ofSeconds(5));
        assertThat(writes).hasSize(3);
    }

    @Test
    void a_notification_at_an_offset_short_of_the_writes_sent_means_lost_writes() {
        // one write of the first three was lost: the device notifies after our fourth write, at 3 × 64
        StepVerifier.create(stream(3, 2))
                .then(() -> inbound.next(notificationAfter(2)))
                .expectError(CrcMismatchException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void a_garbled_notification_is_a_protocol_violation() {
        StepVerifier.create(stream(3, 1))
                .then(() -> inbound.next(new DfuInbound.Malformed(new byte[]{0x60, 0x03, 0x01}, "truncated")))
                .expectError(ProtocolViolationException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void a_missing_notification_times_out_one_write_timeout_after_its_writes_were_sent() {
        StepVerifier.withVirtualTime(() -> stream(3, 1))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DfuTimeoutException.class,
                        t -> assertThat(t.opCode()).isEqualTo(OpCode.WRITE)))
                .verify(Duration.ofSeconds(5));
        assertThat(writes).hasSize(3);
    }

    @Test
    void the_timeout_for_a_later_notification_runs_from_its_last_write() {
        StepVerifier.withVirtualTime(() -> stream(3, 1))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(900))
                .then(() -> inbound.next(notificationAfter(3)))
                .expectNextCount(1)
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectError(DfuTimeoutException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(writes).hasSize(6);
    }

    @Test
    void cancelling_stops_between_writes() {
        StepVerifier.create(stream(3, 1))
                .then(() -> inbound.next(notificationAfter(3)))
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        inbound.next(notificationAfter(6));
        assertThat(writes).hasSize(6);
        inbound.assertCancelled();
    }

    private byte[] concatenated() {
        return concatenated(writes);
    }

    private static byte[] concatenated(List<DfuRequest> writes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        writes.forEach(w -> out.writeBytes(((DfuRequest.Write) w).data()));
        return out.toByteArray();
    }

    @Test
    void writes_are_handed_to_the_port_before_the_previous_send_completed_and_stay_in_order() {
        // a port that takes the bytes but completes no send (RTS/CTS holding the host back)
        List<Sinks.Empty<Void>> pending = new ArrayList<>();
        TestConnection held = new TestConnection(LinkFacts.UNKNOWN, request -> {
            Sinks.Empty<Void> done = Sinks.empty();
            pending.add(done);
            return done.asMono();
        });
        List<DfuRequest> handed = held.sent;
        Exchange exchange = new Exchange(held, "test", DfuOptions.defaults(), Schedulers.parallel());

        StepVerifier.withVirtualTime(() -> exchange.attach(ObjectStreamer.stream(exchange, image, 0, bytes.length,
                        CHUNK, 12, 12, Duration.ofSeconds(1), tracker)))
                .expectSubscription()
                // no send completed, yet the whole credit is with the port, in the image's order
                .then(() -> assertThat(handed).extracting(w -> ((DfuRequest.Write) w).length()).hasSize(12))
                .then(() -> {
                    for (int i = 0; i < handed.size(); i++) {
                        assertThat(((DfuRequest.Write) handed.get(i)).data()).isEqualTo(java.util.Arrays.copyOfRange(bytes, i * CHUNK,
                                (i + 1) * CHUNK));
                    }
                })
                // held for ten WRITE timeouts: no watchdog runs while the port has not let the writes go
                .expectNoEvent(Duration.ofSeconds(10))
                .then(() -> pending.forEach(Sinks.Empty::tryEmitEmpty))
                .then(() -> held.inbound.next(notificationAfter(12)))
                .expectNextMatches(e -> e instanceof DfuEvent.CrcVerified v && v.offset() == 12 * CHUNK)
                .verifyComplete();
    }
}
