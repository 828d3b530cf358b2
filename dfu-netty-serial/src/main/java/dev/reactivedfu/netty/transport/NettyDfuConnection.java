package dev.reactivedfu.netty.transport;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.netty.serial.SerialChannelOption;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.LinkFacts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link DfuConnection} on one Netty channel whose pipeline is {@link DfuPipeline}. The channel starts with
 * auto-read off; the {@link Bridge} switches it on while the subscriber has demand left over, so a slow subscriber
 * stops the port being read (the sender is held back by the OS buffer, or by flow control).
 */
final class NettyDfuConnection implements DfuConnection {

    private static final Logger log = LoggerFactory.getLogger(NettyDfuConnection.class);

    private final String name;
    private final Optional<ResetSequence> reset;
    private final Scheduler scheduler;
    private final Bridge bridge = new Bridge();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final LinkFacts line;
    private volatile LinkFacts attachedLine;
    private volatile Channel channel;
    private volatile boolean closeRequested;

    NettyDfuConnection(String name, Optional<ResetSequence> reset, Scheduler scheduler) {
        this(name, reset, scheduler, LinkFacts.UNKNOWN);
    }

    /**
     * A connection on a line with {@code line}'s baud rate and flow control; its output buffer is taken from the
     * channel once attached (the write-buffer high water mark: what Netty queues before the channel is unwritable).
     */
    NettyDfuConnection(String name, Optional<ResetSequence> reset, Scheduler scheduler, LinkFacts line) {
        this.name = name;
        this.reset = reset;
        this.scheduler = scheduler;
        this.line = line;
        this.attachedLine = line;
    }

    /** The handler to install as {@link DfuPipeline#INBOUND_BRIDGE}. */
    Bridge bridge() {
        return bridge;
    }

    /** Binds this connection to its channel once connected. */
    NettyDfuConnection attach(Channel channel) {
        this.channel = channel;
        this.attachedLine = new LinkFacts(line.baud(), line.flowControl(),
                channel.config().getWriteBufferHighWaterMark());
        return this;
    }

    @Override
    public LinkFacts link() {
        return attachedLine;
    }

    /** The channel, for tests in this package. */
    Channel channel() {
        return channel;
    }

    @Override
    public Mono<Void> send(DfuRequest request) {
        return Mono.defer(() -> {
            Channel ch = channel;
            if (!ch.isActive()) {
                return Mono.error(closed("connection is closed; cannot send " + request.opCode(), null));
            }
            // always through the event loop's task queue, also from the loop itself: frames then leave in the order
            // their sends were subscribed, whichever thread subscribed them (a write on the loop would otherwise
            // overtake one queued from another thread)
            return Mono.create(sink -> {
                try {
                    ch.eventLoop().execute(() -> ch.writeAndFlush(request).addListener(f -> {
                        if (f.isSuccess()) {
                            sink.success();
                        } else {
                            sink.error(closed("sending " + request.opCode() + " failed", f.cause()));
                        }
                    }));
                } catch (RejectedExecutionException e) {
                    sink.error(closed("event loop shut down; cannot send " + request.opCode(), e));
                }
            });
        });
    }

    @Override
    public Flux<DfuInbound> inbound() {
        return Flux.create(sink -> {
            if (!subscribed.compareAndSet(false, true)) {
                sink.error(new IllegalStateException(name + ": inbound() takes a single subscriber"));
                return;
            }
            Channel ch = channel;
            try {
                ch.eventLoop().execute(() -> bridge.subscribe(sink));
            } catch (RejectedExecutionException e) {
                sink.error(closed("event loop shut down", e));
                return;
            }
            sink.onRequest(n -> onLoop(() -> bridge.request(n)));
            sink.onCancel(() -> onLoop(bridge::cancel));
        });
    }

    @Override
    public Mono<Void> pulseReset() {
        if (reset.isEmpty()) {
            return DfuConnection.super.pulseReset();
        }
        return Flux.fromIterable(reset.get().steps())
                .concatMap(step -> Mono.fromRunnable(() -> drive(step))
                        .then(Mono.delay(step.hold(), scheduler)))
                .then();
    }

    private void drive(ResetSequence.Step step) {
        Channel ch = channel;
        if (!ch.isActive()) {
            throw closed("connection is closed; cannot play the reset sequence", null);
        }
        switch (step.line()) {
            case DTR:
                ch.config().setOption(SerialChannelOption.DTR, step.asserted());
                break;
            case RTS:
                ch.config().setOption(SerialChannelOption.RTS, step.asserted());
                break;
            default:
                throw new AssertionError(step.line());
        }
    }

    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            closeRequested = true;
            return Mono.create(sink -> channel.close().addListener(f -> sink.success()));
        });
    }

    private void onLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("{}: event loop shut down", name);
        }
    }

    private TransportClosedException closed(String what, Throwable cause) {
        Throwable c = cause;
        if (c instanceof ClosedChannelException && c.getCause() != null) {
            c = c.getCause(); // the port's own failure says more
        }
        if (c instanceof TransportClosedException t) {
            return t;
        }
        return new TransportClosedException(name, c == null ? what : what + ": " + c.getMessage(), c);
    }

    /**
     * Delivers decoded frames to the single subscriber as it requests them. Event-loop confined: every field is
     * touched only on the channel's event loop.
     */
    final class Bridge extends ChannelInboundHandlerAdapter {

        private final ArrayDeque<DfuInbound> pending = new ArrayDeque<>();
        private FluxSink<DfuInbound> sink;
        private long demand;
        private boolean cancelled;
        private boolean inactive;
        private boolean terminated;
        private Throwable failure;
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void subscribe(FluxSink<DfuInbound> sink) {
            this.sink = sink;
            drain();
        }

        void request(long n) {
            demand = Operators.addCap(demand, n);
            drain();
        }

        void cancel() {
            cancelled = true;
            pending.clear();
            // nobody listens any more: keep reading and discard, so the port never backs up
            if (ctx != null && ctx.channel().isOpen()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DfuInbound)) {
                log.warn("{}: dropping an unexpected {} at the end of the pipeline", name, msg.getClass().getName());
                ReferenceCountUtil.release(msg);
                return;
            }
            if (cancelled) {
                return;
            }
            pending.add((DfuInbound) msg);
            drain();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            log.debug("{}: {}", name, cause.toString());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive = true;
            drain();
            ctx.fireChannelInactive();
        }

        private void drain() {
            if (sink == null || terminated) {
                updateAutoRead();
                return;
            }
            while (demand > 0 && !pending.isEmpty()) {
                demand--;
                sink.next(pending.poll());
            }
            if (inactive && pending.isEmpty()) {
                terminated = true;
                if (closeRequested) {
                    sink.complete();
                } else {
                    sink.error(closed(failure == null ? "closed by the other end" : "port lost", failure));
                }
            }
            updateAutoRead();
        }

        /** Reads while the subscriber wants more than is already waiting; stops otherwise. */
        private void updateAutoRead() {
            if (ctx == null || !ctx.channel().isOpen()) {
                return;
            }
            boolean wanted = cancelled || (sink != null && !terminated && demand > pending.size());
            if (ctx.channel().config().isAutoRead() != wanted) {
                ctx.channel().config().setAutoRead(wanted);
            }
        }
    }
}
