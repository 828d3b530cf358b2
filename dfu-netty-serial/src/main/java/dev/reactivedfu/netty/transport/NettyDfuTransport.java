package dev.reactivedfu.netty.transport;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.netty.serial.SerialChannel;
import dev.reactivedfu.netty.serial.SerialDeviceAddress;
import dev.reactivedfu.netty.serial.SerialPortInfo;
import dev.reactivedfu.netty.serial.SerialPorts;
import dev.reactivedfu.netty.slip.SlipFrameDecoder;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuTransport;
import dev.reactivedfu.transfer.LinkFacts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The core's {@link DfuTransport} on Netty: each {@link #open()} connects a channel (a {@link SerialChannel} on a
 * serial port, or a {@link LocalChannel} to an in-process simulator), builds the {@link DfuPipeline} and hands back
 * a {@link DfuConnection} that keeps the contract written on {@link DfuConnection}:
 * <ul>
 *   <li>{@code send} frames one request and succeeds when the port took the bytes; on a closed connection it fails
 *       at once with {@link TransportClosedException}.</li>
 *   <li>{@code inbound} has one subscriber and is paced by its demand: the channel reads (auto-read on) only while
 *       the subscriber has requested more than is waiting, so a subscriber that falls behind stops the port being
 *       read. Frames that arrive before the subscription wait in the port. It completes after {@code close()};
 *       it errors with {@link TransportClosedException} (carrying the port's failure as cause) when the port goes
 *       away or the other end closes.</li>
 *   <li>{@code pulseReset} plays the configured {@link ResetSequence} on DTR/RTS, timed on the transport's
 *       scheduler; without one it errors with {@link UnsupportedOperationException}.</li>
 * </ul>
 * A serial transport can wait, bounded, for its port to (re)appear before opening: after a reset, a USB CDC
 * bootloader re-enumerates, possibly under another path, which {@link PortSelector#serialNumber(String)} follows.
 */
public final class NettyDfuTransport implements DfuTransport {

    private final String name;
    private final EventLoopGroup group;
    private final Scheduler scheduler;
    private final int maxFrameLength;
    private final Optional<ResetSequence> reset;
    private final Mono<SocketAddress> address;
    private final Class<? extends Channel> channelType;
    private final Consumer<Bootstrap> options;
    private final LinkFacts line;

    private NettyDfuTransport(String name, EventLoopGroup group, Scheduler scheduler, int maxFrameLength,
                              Optional<ResetSequence> reset, Mono<SocketAddress> address,
                              Class<? extends Channel> channelType, Consumer<Bootstrap> options, LinkFacts line) {
        this.line = line;
        this.name = name;
        this.group = group;
        this.scheduler = scheduler;
        this.maxFrameLength = maxFrameLength;
        this.reset = reset;
        this.address = address;
        this.channelType = channelType;
        this.options = options;
    }

    /** A transport to the serial port at {@code path} with {@code settings}, on the shared event loops. */
    public static NettyDfuTransport serial(String path, SerialSettings settings) {
        return serial(SerialTransportOptions.of(path).withSettings(settings));
    }

    /** A transport to a serial port, on the shared event loops, timed on {@link Schedulers#parallel()}. */
    public static NettyDfuTransport serial(SerialTransportOptions options) {
        return serial(options, DfuEventLoops.shared(), Schedulers.parallel());
    }

    /**
     * A transport to a serial port on {@code group}; reset pulses and the wait for the port are timed on
     * {@code scheduler} (virtual time in tests).
     */
    public static NettyDfuTransport serial(SerialTransportOptions options, EventLoopGroup group, Scheduler scheduler) {
        Objects.requireNonNull(options, "options");
        String name = options.port().describe();
        return new NettyDfuTransport(name, group, scheduler, options.maxFrameLength(), options.reset(),
                findPort(options, scheduler).map(SerialDeviceAddress::new), SerialChannel.class,
                b -> options.settings().applyTo(b),
                new LinkFacts(options.settings().baudRate(), options.settings().flowControl(), 0));
    }

    /** A transport to a local (in-process) channel served at {@code address}, on the shared event loops. */
    public static NettyDfuTransport local(LocalAddress address) {
        return local(address, DfuEventLoops.shared());
    }

    /** A transport to a local (in-process) channel served at {@code address}, on {@code group}. */
    public static NettyDfuTransport local(LocalAddress address, EventLoopGroup group) {
        return local(address, group, false);
    }

    /**
     * A transport to a local channel served at {@code address} on {@code group}, standing in for a serial port whose
     * RTS/CTS flow control is {@code flowControl} (a simulated line behind the channel holds the host back itself).
     * No baud rate: the channel takes bytes at once, so no bytes are queued ahead of a request.
     */
    public static NettyDfuTransport local(LocalAddress address, EventLoopGroup group, boolean flowControl) {
        Objects.requireNonNull(address, "address");
        return new NettyDfuTransport("local:" + address.id(), group, Schedulers.parallel(),
                SlipFrameDecoder.DEFAULT_MAX_FRAME_LENGTH, Optional.empty(), Mono.just(address), LocalChannel.class,
                b -> { }, new LinkFacts(0, flowControl, 0));
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Opens a connection. Lazy and cold: each subscription finds the port (waiting for it when configured),
     * opens it and discards stale input.
     *
     * <p>Succeeds with the open connection. Errors with {@link TransportClosedException} when the port is missing
     * (after the configured wait), busy or cannot be opened. Cancelling closes a channel being opened.
     */
    @Override
    public Mono<DfuConnection> open() {
        return address.flatMap(this::connect);
    }

    private Mono<DfuConnection> connect(SocketAddress remote) {
        return Mono.defer(() -> {
            NettyDfuConnection connection = new NettyDfuConnection(name, reset, scheduler, line);
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            DfuPipeline.install(ch.pipeline(), maxFrameLength, connection.bridge());
                        }
                    });
            options.accept(bootstrap);
            return Mono.<DfuConnection>create(sink -> {
                ChannelFuture f = bootstrap.connect(remote);
                f.addListener(done -> {
                    if (done.isSuccess()) {
                        sink.success(connection.attach(f.channel()));
                    } else {
                        Throwable cause = done.cause();
                        sink.error(new TransportClosedException(name, "cannot open: " + cause.getMessage(), cause));
                    }
                });
                sink.onCancel(() -> f.channel().close());
            });
        });
    }

    /** Finds the port's path now, or waits for it as configured. */
    private static Mono<String> findPort(SerialTransportOptions options, Scheduler scheduler) {
        PortSelector port = options.port();
        Mono<String> lookup = Mono.fromCallable(() -> lookup(port)).flatMap(Mono::justOrEmpty)
                .subscribeOn(Schedulers.boundedElastic());
        Duration wait = options.portWait();
        if (wait.isZero()) {
            if (port instanceof PortSelector.ByPath p) {
                return Mono.just(p.path()); // opening reports a missing port itself
            }
            return lookup.switchIfEmpty(Mono.error(() -> new TransportClosedException(port.describe(),
                    "no port with this USB serial number is connected", null)));
        }
        return lookup
                .repeatWhenEmpty(checks -> checks.concatMap(n -> Mono.delay(options.portPoll(), scheduler)))
                .timeout(wait, scheduler)
                .onErrorMap(TimeoutException.class, e -> new TransportClosedException(port.describe(),
                        "did not appear within " + wait.toMillis() + " ms", null));
    }

    private static Optional<String> lookup(PortSelector port) {
        if (port instanceof PortSelector.ByPath p) {
            return SerialPorts.exists(p.path()) ? Optional.of(p.path()) : Optional.empty();
        }
        PortSelector.BySerialNumber s = (PortSelector.BySerialNumber) port;
        return SerialPorts.findBySerialNumber(s.serialNumber()).map(SerialPortInfo::path);
    }
}
