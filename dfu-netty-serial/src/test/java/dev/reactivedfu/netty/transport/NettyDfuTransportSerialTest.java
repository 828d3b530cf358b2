package dev.reactivedfu.netty.transport;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.netty.serial.SerialChannel;
import dev.reactivedfu.netty.serial.SerialChannelOption;
import dev.reactivedfu.netty.serial.SerialDeviceAddress;
import dev.reactivedfu.netty.serial.SerialPortException;
import dev.reactivedfu.netty.serial.SocatPty;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.transfer.DfuConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The transport over real pseudo-terminal pairs (socat), the device end scripted in the test. */
class NettyDfuTransportSerialTest {

    private static final Duration GUARD = Duration.ofSeconds(10);

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLoop() {
        group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Opens the device end of the pty with the scripted peer on it. */
    private static Channel device(String path, ScriptedPeer peer) {
        return new Bootstrap().group(group).channel(SerialChannel.class).handler(peer.initializer())
                .connect(new SerialDeviceAddress(path)).syncUninterruptibly().channel();
    }

    private NettyDfuTransport transport(String path) {
        return NettyDfuTransport.serial(SerialTransportOptions.of(path)
                .withSettings(SerialSettings.defaults().withBaudRate(1_000_000)), group, Schedulers.parallel());
    }

    @Test
    void requests_and_answers_cross_a_pty_pair() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "ping")) {
            ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.bootloader());
            Channel device = device(pty.b(), peer);
            NettyDfuTransport transport = transport(pty.a());
            DfuConnection c = transport.open().block(GUARD);

            assertThat(transport.name()).isEqualTo(pty.a());
            StepVerifier.create(c.inbound())
                    .then(() -> c.send(new DfuRequest.Ping(0xDB)).block(GUARD))
                    .expectNext(new DfuResponse.Ping(0xDB))
                    .then(() -> c.send(new DfuRequest.MtuGet()).block(GUARD))
                    .expectNext(new DfuResponse.Mtu(131))
                    .then(() -> c.close().block(GUARD))
                    .expectComplete()
                    .verify(GUARD);
            assertThat(peer.received).containsExactly(new DfuRequest.Ping(0xDB), new DfuRequest.MtuGet());
            device.close().syncUninterruptibly();
        }
    }

    @Test
    void killing_socat_errors_inbound_with_transport_closed_and_sends_then_fail_at_once() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "kill")) {
            Channel device = device(pty.b(), new ScriptedPeer(ScriptedPeer.bootloader()));
            DfuConnection c = transport(pty.a()).open().block(GUARD);

            StepVerifier.create(c.inbound())
                    .then(() -> c.send(new DfuRequest.Ping(1)).block(GUARD))
                    .expectNext(new DfuResponse.Ping(1))
                    .then(() -> {
                        try {
                            pty.kill();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(TransportClosedException.class).hasMessageContaining(pty.a());
                        assertThat(e.getCause()).isInstanceOf(SerialPortException.class)
                                .hasMessageContaining("end of stream");
                    })
                    .verify(Duration.ofSeconds(5));
            StepVerifier.create(c.send(new DfuRequest.Ping(2)))
                    .expectError(TransportClosedException.class)
                    .verify(Duration.ofSeconds(1));
            device.close().syncUninterruptibly();
        }
    }

    @Test
    void a_subscriber_that_falls_behind_holds_the_device_back() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "pace")) {
            ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.bootloader());
            Channel device = device(pty.b(), peer);
            DfuConnection c = transport(pty.a()).open().block(GUARD);
            int count = 12_000; // ~150 kB of notifications: several times what the ptys and socat buffer
            for (int i = 0; i < count; i++) {
                device.write(io.netty.buffer.Unpooled.wrappedBuffer(ScriptedPeer.crcNotification(i, i)));
            }

            ChannelFuture flood = device.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(
                    ScriptedPeer.crcNotification(count, count)));

            StepVerifier.create(c.inbound(), 0)
                    .expectSubscription()
                    .thenRequest(10)
                    .expectNextCount(10)
                    .then(() -> assertThat(flood.awaitUninterruptibly(500)).as("device held back").isFalse())
                    .thenRequest(Long.MAX_VALUE)
                    .expectNextCount(count - 10)
                    .expectNext(new DfuResponse.Crc(count, count))
                    .then(() -> assertThat(flood.awaitUninterruptibly(5000)).as("device released").isTrue())
                    .then(() -> c.close().block(GUARD))
                    .expectComplete()
                    .verify(Duration.ofSeconds(60));
            device.close().syncUninterruptibly();
        }
    }

    @Test
    void pulse_reset_drives_the_configured_line_for_the_configured_widths() throws Exception {
        try (SocatPty pty = SocatPty.start(dir, "reset")) {
            VirtualTimeScheduler time = VirtualTimeScheduler.create();
            NettyDfuTransport transport = NettyDfuTransport.serial(SerialTransportOptions.of(pty.a())
                    .withSettings(SerialSettings.defaults().withLines(false, false))
                    .withReset(ResetSequence.pulse(ResetSequence.Line.DTR, true,
                            Duration.ofMillis(50), Duration.ofMillis(200))), group, time);
            DfuConnection c = transport.open().block(GUARD);
            Channel ch = ((NettyDfuConnection) c).channel();

            StepVerifier.withVirtualTime(c::pulseReset, () -> time, Long.MAX_VALUE)
                    .expectSubscription()
                    .then(() -> assertThat(ch.config().getOption(SerialChannelOption.DTR)).isTrue())
                    .expectNoEvent(Duration.ofMillis(49))
                    .then(() -> assertThat(ch.config().getOption(SerialChannelOption.DTR)).isTrue())
                    .thenAwait(Duration.ofMillis(1))
                    .then(() -> assertThat(ch.config().getOption(SerialChannelOption.DTR)).isFalse())
                    .expectNoEvent(Duration.ofMillis(199))
                    .thenAwait(Duration.ofMillis(1))
                    .expectComplete()
                    .verify(GUARD);
            assertThat(ch.config().getOption(SerialChannelOption.RTS)).as("other line untouched").isFalse();
            c.close().block(GUARD);
        }
    }

    @Test
    void open_waits_for_a_port_that_appears_later() throws Exception {
        String late = dir.resolve("late-a").toString();
        NettyDfuTransport transport = NettyDfuTransport.serial(SerialTransportOptions.of(late)
                .withPortWait(Duration.ofSeconds(10), Duration.ofMillis(50)), group, Schedulers.parallel());

        CompletableFuture<DfuConnection> opened = transport.open().toFuture();
        assertThat(opened).isNotDone();
        try (SocatPty pty = SocatPty.start(dir, "late")) {
            DfuConnection c = opened.get(10, TimeUnit.SECONDS);
            assertThat(((NettyDfuConnection) c).channel().isActive()).isTrue();
            c.close().block(GUARD);
        }
    }

    @Test
    void open_gives_up_when_the_port_does_not_appear_within_the_wait() {
        String never = dir.resolve("never").toString();

        StepVerifier.withVirtualTime(() -> NettyDfuTransport.serial(SerialTransportOptions.of(never)
                        .withPortWait(Duration.ofSeconds(3), Duration.ofMillis(100)), group,
                        VirtualTimeScheduler.get()).open())
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(3))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportClosedException.class)
                        .hasMessageContaining(never).hasMessageContaining("did not appear within 3000 ms"))
                .verify(GUARD);
    }

    @Test
    void open_without_wait_fails_at_once_for_a_missing_port() {
        String missing = dir.resolve("missing").toString();

        StepVerifier.create(transport(missing).open())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportClosedException.class)
                        .hasMessageContaining(missing).hasCauseInstanceOf(SerialPortException.class))
                .verify(GUARD);
    }

    @Test
    void a_usb_serial_number_nobody_has_fails_to_open() {
        NettyDfuTransport t = NettyDfuTransport.serial(
                SerialTransportOptions.of(PortSelector.serialNumber("NO-SUCH-SERIAL-0042")), group,
                Schedulers.parallel());

        assertThat(t.name()).isEqualTo("usb-serial:NO-SUCH-SERIAL-0042");
        StepVerifier.create(t.open())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransportClosedException.class)
                        .hasMessageContaining("no port with this USB serial number"))
                .verify(GUARD);
    }
}
