package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.OpCode;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Timeouts that know the line (issue 10): a request's timeout counts from when its bytes can have left the port.
 * Bytes queued ahead of it at the baud rate and a device holding the host back with flow control (a send that has
 * not completed) are not silence, and a late answer is never taken for a lost one. On virtual time.
 */
class LineAwareTimeoutTest {

    /** A port with {@code line}'s facts whose sends complete after {@code hold} (RTS/CTS holding the host back). */
    private static TestConnection port(LinkFacts line, Duration hold) {
        return new TestConnection(line, request -> hold.isZero() ? Mono.empty()
                : Mono.delay(hold, Schedulers.parallel()).then());
    }

    /** 64 writes of 64 bytes none of which needs an escape: 66 bytes each on the wire. */
    private static Mono<Void> fourKib(Exchange x) {
        byte[] data = new byte[64];
        Arrays.fill(data, (byte) 0x11);
        return Flux.range(0, 64).concatMap(i -> x.write(new DfuRequest.Write(data))).then();
    }

    private static <T> Flux<T> on(TestConnection port, Function<Exchange, Mono<T>> work) {
        Exchange exchange = new Exchange(port, "test", DfuOptions.defaults(), Schedulers.parallel());
        return exchange.attach(work.apply(exchange).flux());
    }

    // 4 KiB of writes and the CRC GET behind them at 115200 baud: (64 x 66 + 2) bytes x 10 / 115200 s = 366.84 ms
    private static final Duration QUEUED = Duration.ofNanos(64 * (66 * 10_000_000_000L / 115_200)
            + 2 * 10_000_000_000L / 115_200);

    @Test
    void with_4_kib_queued_ahead_at_115200_baud_the_crc_timeout_starts_after_they_left() {
        TestConnection port = port(new LinkFacts(115_200, false, 0), Duration.ZERO);

        StepVerifier.withVirtualTime(() -> on(port, x -> fourKib(x).then(x.request(new DfuRequest.CrcGet()))))
                .expectSubscription()
                .expectNoEvent(QUEUED.plus(Duration.ofMillis(999)))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DfuTimeoutException.class,
                        t -> assertThat(t.opCode()).isEqualTo(OpCode.CRC_GET)))
                .verify(Duration.ofSeconds(5));
        assertThat(port.sent).hasSize(65);
    }

    @Test
    void an_answer_that_comes_after_the_timeout_but_before_the_queued_bytes_and_the_timeout_is_taken() {
        TestConnection port = port(new LinkFacts(115_200, false, 0), Duration.ZERO);
        DfuResponse.Crc crc = new DfuResponse.Crc(4096, 0x1234);

        StepVerifier.withVirtualTime(() -> on(port, x -> fourKib(x).then(x.request(new DfuRequest.CrcGet()))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1300))
                .then(() -> port.inbound.next(crc))
                .expectNext(crc)
                .verifyComplete();
    }

    @Test
    void without_a_baud_rate_nothing_is_queued_ahead_and_the_timeout_starts_when_the_send_completed() {
        TestConnection port = port(LinkFacts.UNKNOWN, Duration.ZERO);

        StepVerifier.withVirtualTime(() -> on(port, x -> fourKib(x).then(x.request(new DfuRequest.CrcGet()))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectError(DfuTimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void with_flow_control_holding_the_host_back_longer_than_the_timeout_no_timeout_fires() {
        TestConnection port = port(new LinkFacts(1_000_000, true, 0), Duration.ofSeconds(5));
        DfuResponse.Crc crc = new DfuResponse.Crc(0, 0);

        StepVerifier.withVirtualTime(() -> on(port, x -> x.request(new DfuRequest.CrcGet())))
                .expectSubscription()
                // five times the CRC timeout held back, then the answer 0.9 s after the bytes left
                .expectNoEvent(Duration.ofMillis(5_900))
                .then(() -> port.inbound.next(crc))
                .expectNext(crc)
                .verifyComplete();
    }

    @Test
    void with_flow_control_holding_the_host_back_the_timeout_still_fires_once_the_bytes_left_and_nothing_came() {
        TestConnection port = port(new LinkFacts(1_000_000, true, 0), Duration.ofSeconds(5));

        StepVerifier.withVirtualTime(() -> on(port, x -> x.request(new DfuRequest.CrcGet())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(5_999))
                .thenAwait(Duration.ofMillis(1))
                .expectError(DfuTimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }
}
