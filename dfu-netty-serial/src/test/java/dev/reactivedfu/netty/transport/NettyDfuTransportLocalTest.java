package dev.reactivedfu.netty.transport;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.DfuConnection;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The transport over a local channel to a peer scripted in the test. */
class NettyDfuTransportLocalTest {

    private static final Duration GUARD = Duration.ofSeconds(5);

    private static EventLoopGroup group;

    private final ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.bootloader());
    private Channel server;
    private NettyDfuTransport transport;

    @BeforeAll
    static void startLoop() {
        group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void serve() {
        LocalAddress address = new LocalAddress("dfu-test-" + UUID.randomUUID());
        server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(peer.initializer()).bind(address).syncUninterruptibly().channel();
        transport = NettyDfuTransport.local(address, group);
    }

    @AfterEach
    void stopServer() {
        Channel child = peer.channel.get();
        if (child != null) {
            child.close().syncUninterruptibly();
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }

    private static long crc32(int... bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (int b : bytes) {
            crc.update(b);
        }
        return crc.getValue();
    }

    private DfuConnection open() {
        serve();
        DfuConnection c = transport.open().block(GUARD);
        assertThat(c).isNotNull();
        return c;
    }

    @Test
    void a_ping_is_framed_on_the_wire_and_its_answer_arrives_decoded() {
        DfuConnection c = open();

        StepVerifier.create(c.inbound())
                .then(() -> c.send(new DfuRequest.Ping(0xC0)).block(GUARD))
                .expectNext(new DfuResponse.Ping(0xC0))
                .then(() -> c.close().block(GUARD))
                .expectComplete()
                .verify(GUARD);
        assertThat(peer.received).containsExactly(new DfuRequest.Ping(0xC0));
    }

    @Test
    void the_transport_is_named_after_its_address() {
        serve();

        assertThat(transport.name()).startsWith("local:dfu-test-");
    }

    @Test
    void requests_arrive_in_order_and_streamed_writes_get_no_answer() {
        DfuConnection c = open();

        StepVerifier.create(c.inbound())
                .then(() -> c.send(new DfuRequest.Create(ObjectType.DATA, 4096))
                        .then(c.send(new DfuRequest.Write(new byte[] {1, 2, 3})))
                        .then(c.send(new DfuRequest.Write(new byte[] {4, 5})))
                        .then(c.send(new DfuRequest.CrcGet()))
                        .block(GUARD))
                .expectNext(new DfuResponse.Ack(OpCode.CREATE))
                .expectNext(new DfuResponse.Crc(5, crc32(1, 2, 3, 4, 5))) // the peer got all five bytes
                .then(() -> c.close().block(GUARD))
                .verifyComplete();
        assertThat(peer.received).containsExactly(
                new DfuRequest.Create(ObjectType.DATA, 4096),
                new DfuRequest.Write(new byte[] {1, 2, 3}),
                new DfuRequest.Write(new byte[] {4, 5}),
                new DfuRequest.CrcGet());
    }

    @Test
    void frames_sent_before_anyone_subscribed_are_delivered_to_the_subscriber() {
        DfuConnection c = open();
        c.send(new DfuRequest.Ping(1)).block(GUARD);
        c.send(new DfuRequest.Ping(2)).block(GUARD);

        StepVerifier.create(c.inbound())
                .expectNext(new DfuResponse.Ping(1), new DfuResponse.Ping(2))
                .then(() -> c.close().block(GUARD))
                .verifyComplete();
    }

    @Test
    void a_malformed_frame_arrives_as_malformed_and_the_connection_goes_on() {
        DfuConnection c = open();
        StepVerifier.create(c.inbound())
                .then(() -> peer.send(
                        new byte[] {0x60, 0x07, 0x01},             // MTU answer without its two bytes
                        new byte[] {0x60, 0x09, 0x01, 0x05}))       // PING 5
                .assertNext(in -> assertThat(in).isInstanceOf(DfuInbound.Malformed.class))
                .expectNext(new DfuResponse.Ping(5))
                .then(() -> c.close().block(GUARD))
                .verifyComplete();
    }

    @Test
    void inbound_is_paced_by_demand_and_reading_stops_while_the_subscriber_is_behind() {
        DfuConnection c = open();
        Channel ch = ((NettyDfuConnection) c).channel();
        byte[][] notifications = new byte[50][];
        for (int i = 0; i < notifications.length; i++) {
            notifications[i] = ScriptedPeer.crcNotification(64L * (i + 1), i);
        }

        StepVerifier.create(c.inbound(), 0)
                .expectSubscription()
                .then(() -> peer.send(notifications))
                .expectNoEvent(Duration.ofMillis(100))
                .then(() -> assertThat(ch.config().isAutoRead()).as("no demand: not reading").isFalse())
                .thenRequest(3)
                .expectNext(new DfuResponse.Crc(64, 0), new DfuResponse.Crc(128, 1), new DfuResponse.Crc(192, 2))
                .expectNoEvent(Duration.ofMillis(100))
                .then(() -> assertThat(ch.config().isAutoRead()).as("demand met: reading stopped").isFalse())
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(47)
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> assertThat(ch.config().isAutoRead()).as("unbounded demand: reading").isTrue())
                .then(() -> c.close().block(GUARD))
                .verifyComplete();
    }

    @Test
    void inbound_takes_a_single_subscriber() {
        DfuConnection c = open();
        c.inbound().subscribe();

        StepVerifier.create(c.inbound())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("single subscriber"))
                .verify(GUARD);
        c.close().block(GUARD);
    }

    @Test
    void close_completes_inbound_and_later_sends_fail_at_once() {
        DfuConnection c = open();

        StepVerifier.create(c.inbound())
                .then(() -> c.close().block(GUARD))
                .verifyComplete();
        StepVerifier.create(c.send(new DfuRequest.Ping(1)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportClosedException.class)
                        .hasMessageContaining("closed"))
                .verify(GUARD);
        StepVerifier.create(c.close()).verifyComplete(); // idempotent
    }

    @Test
    void the_other_end_closing_errors_inbound_with_transport_closed() {
        DfuConnection c = open();

        StepVerifier.create(c.inbound())
                .then(() -> peer.channel.get().close())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportClosedException.class)
                        .hasMessageContaining("closed by the other end"))
                .verify(GUARD);
        StepVerifier.create(c.send(new DfuRequest.Ping(1)))
                .expectError(TransportClosedException.class)
                .verify(GUARD);
    }

    @Test
    void opening_an_address_nobody_serves_fails_with_transport_closed() {
        NettyDfuTransport nobody = NettyDfuTransport.local(new LocalAddress("nobody-" + UUID.randomUUID()), group);

        StepVerifier.create(nobody.open())
                .expectError(TransportClosedException.class)
                .verify(GUARD);
    }

    @Test
    void each_open_is_a_new_connection() {
        serve();
        DfuConnection first = transport.open().block(GUARD);
        DfuConnection second = transport.open().block(GUARD);

        assertThat(first).isNotSameAs(second);
        StepVerifier.create(second.inbound())
                .then(() -> second.send(new DfuRequest.Ping(9)).block(GUARD))
                .expectNext(new DfuResponse.Ping(9))
                .then(() -> second.close().block(GUARD))
                .verifyComplete();
        first.close().block(GUARD);
    }

    @Test
    void without_reset_wiring_pulse_reset_is_unsupported() {
        DfuConnection c = open();

        StepVerifier.create(c.pulseReset()).expectError(UnsupportedOperationException.class).verify(GUARD);
        c.close().block(GUARD);
    }

    @Test
    void pipeline_handlers_are_named_in_the_documented_order() {
        DfuConnection c = open();
        List<String> names = ((NettyDfuConnection) c).channel().pipeline().names();

        assertThat(names).containsSubsequence(DfuPipeline.SLIP_DECODER, DfuPipeline.SLIP_ENCODER,
                DfuPipeline.FRAME_TRACE, DfuPipeline.DFU_DECODER, DfuPipeline.DFU_ENCODER, DfuPipeline.INBOUND_BRIDGE);
        c.close().block(GUARD);
    }
}
