package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;
import dev.reactivedfu.protocol.Slip;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ExchangeTest {

    private final TestConnection connection = new TestConnection();

    /** Runs {@code work} on an exchange created inside the (virtual-time) supplier. */
    private <T> Flux<T> withExchange(Function<Exchange, Mono<T>> work) {
        DfuOptions options = DfuOptions.defaults();
        Exchange exchange = new Exchange(connection, "test", options, Schedulers.parallel());
        return exchange.attach(work.apply(exchange).flux());
    }

    @Test
    void an_answer_is_matched_by_opcode_and_other_frames_are_dropped() {
        DfuResponse.Select select = new DfuResponse.Select(4096, 0, 0);

        StepVerifier.create(withExchange(x -> x.request(new DfuRequest.Select(ObjectType.DATA))))
                .then(() -> connection.inbound.next(
                        new DfuResponse.Crc(320, 0x1234),        // a late PRN notification
                        new DfuResponse.Ack(OpCode.CREATE),      // a late answer to an earlier request
                        select))
                .expectNext(select)
                .verifyComplete();
        assertThat(connection.sent).containsExactly(new DfuRequest.Select(ObjectType.DATA));
    }

    @Test
    void an_unanswered_create_times_out_after_the_create_timeout_of_two_seconds() {
        StepVerifier.withVirtualTime(() -> withExchange(x -> x.request(new DfuRequest.Create(ObjectType.DATA, 4096))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(DfuTimeoutException.class, t -> {
                    assertThat(t.opCode()).isEqualTo(OpCode.CREATE);
                    assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(2));
                }))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void an_unanswered_execute_waits_ten_seconds_since_it_validates_and_hashes() {
        StepVerifier.withVirtualTime(() -> withExchange(x -> x.request(new DfuRequest.Execute())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(9999))
                .thenAwait(Duration.ofMillis(1))
                .expectError(DfuTimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void an_unanswered_crc_request_times_out_after_one_second() {
        StepVerifier.withVirtualTime(() -> withExchange(x -> x.request(new DfuRequest.CrcGet())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectError(DfuTimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void an_error_answer_becomes_a_remote_error_naming_opcode_result_and_extended_code() {
        StepVerifier.create(withExchange(x -> x.request(new DfuRequest.Execute())))
                .then(() -> connection.inbound.next(
                        new DfuResponse.Error(OpCode.EXECUTE, ExtendedError.HW_VERSION_FAILURE)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(RemoteErrorException.class, r -> {
                    assertThat(r.opCode()).isEqualTo(OpCode.EXECUTE);
                    assertThat(r.result()).isEqualTo(ResultCode.EXTENDED_ERROR);
                    assertThat(r.extended()).contains(ExtendedError.HW_VERSION_FAILURE);
                }))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void a_garbled_answer_is_a_protocol_violation_showing_the_bytes() {
        StepVerifier.create(withExchange(x -> x.request(new DfuRequest.MtuGet())))
                .then(() -> connection.inbound.next(new DfuInbound.Malformed(new byte[]{0x60, 0x07}, "truncated")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ProtocolViolationException.class)
                        .hasMessageContaining("60 07"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void a_ping_counts_only_when_its_own_id_is_echoed() {
        StepVerifier.withVirtualTime(() -> withExchange(x -> x.ping(42)))
                .expectSubscription()
                .then(() -> connection.inbound.next(
                        new DfuResponse.Ping(41),                                        // a late echo
                        new DfuInbound.Malformed(new byte[]{0x09, 0x2A}, "no response"), // line noise
                        new DfuResponse.Error(OpCode.PING, ResultCode.INVALID_PARAMETER)))
                .expectNoEvent(Duration.ofMillis(200))
                .then(() -> connection.inbound.next(new DfuResponse.Ping(42)))
                .expectNext(true)
                .verifyComplete();
    }

    @Test
    void an_unanswered_ping_is_false_after_the_ping_timeout() {
        StepVerifier.withVirtualTime(() -> withExchange(x -> x.ping(7)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(249))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(false)
                .verifyComplete();
    }

    @Test
    void a_lost_connection_fails_the_waiting_request_with_transport_closed() {
        StepVerifier.create(withExchange(x -> x.request(new DfuRequest.CrcGet())))
                .then(() -> connection.inbound.error(new TransportClosedException("test", "unplugged", null)))
                .expectError(TransportClosedException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void an_answer_that_arrived_before_the_connection_was_lost_is_still_delivered() {
        DfuResponse.Ack ack = new DfuResponse.Ack(OpCode.EXECUTE);
        // the device answers its final EXECUTE and resets at once: both before the send completes
        TestConnection c = new TestConnection() {
            @Override
            public Mono<Void> send(DfuRequest request) {
                return Mono.fromRunnable(() -> {
                    inbound.next(ack);
                    inbound.error(new TransportClosedException("test", "device reset", null));
                });
            }
        };
        Exchange exchange = new Exchange(c, "test", DfuOptions.defaults(), Schedulers.parallel());

        StepVerifier.create(exchange.attach(exchange.request(new DfuRequest.Execute()).flux()))
                .expectNext(ack)
                .verifyComplete();
    }

    @Test
    void a_connection_that_closes_while_idle_fails_the_next_wait_at_once() {
        StepVerifier.create(withExchange(x -> Mono.fromRunnable(connection.inbound::complete)
                        .then(x.listen(f -> true).next())))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportClosedException.class)
                        .hasMessageContaining("closed"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void set_prn_is_sent_only_when_the_device_does_not_already_have_the_interval() {
        StepVerifier.create(withExchange(x -> x.ensurePrn(3)
                        .then(x.ensurePrn(3))
                        .then(x.ensurePrn(0))
                        .then(Mono.fromCallable(x::devicePrn))))
                .then(() -> connection.inbound.next(new DfuResponse.Ack(OpCode.SET_PRN)))
                .then(() -> connection.inbound.next(new DfuResponse.Ack(OpCode.SET_PRN)))
                .expectNext(0)
                .verifyComplete();
        assertThat(connection.sent).containsExactly(new DfuRequest.SetPrn(3), new DfuRequest.SetPrn(0));
    }

    @Test
    void work_that_completes_releases_the_inbound_stream() {
        StepVerifier.create(withExchange(x -> Mono.just("done")))
                .expectNext("done")
                .verifyComplete();
        connection.inbound.assertCancelled();
    }

    @Test
    void a_writes_bytes_on_the_wire_are_its_slip_frame_escapes_included() {
        // 0xC0 (END) and 0xDB (ESC) each take two bytes on the wire; the opcode and the closing END one each
        byte[] data = {0x01, (byte) 0xC0, 0x02, (byte) 0xDB, (byte) 0xDB, 0x03};
        DfuRequest.Write write = new DfuRequest.Write(data);

        assertThat(Exchange.wireBytes(write)).isEqualTo(1 + data.length + 3 + 1)
                .isEqualTo(Slip.encodedLength(DfuCodec.encodeRequest(write)));
        assertThat(Exchange.wireBytes(new DfuRequest.CrcGet()))
                .isEqualTo(Slip.encodedLength(DfuCodec.encodeRequest(new DfuRequest.CrcGet())));
    }
}
