package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.Slip;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * One connection's command exchange: one request in flight at a time, its answer matched by opcode and bounded by
 * the opcode's timeout; WRITEs are streamed and their PRN notifications routed to whoever listens for them.
 *
 * <p>Frames are routed to at most one listener at a time (installed before the request that causes them is sent,
 * so a transport that answers synchronously loses nothing). A frame no listener takes is a late or stale answer and
 * is dropped: the engine never takes an answer it did not ask for.
 */
final class Exchange {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    /** Frame traces, at TRACE level. */
    private static final Logger frames = LoggerFactory.getLogger("dev.reactivedfu.frames");

    private final DfuConnection connection;
    private final String port;
    private final DfuOptions options;
    private final Scheduler scheduler;
    private final DfuMetrics metrics;
    // the one listener; invariant: set only by the engine's (serial) steps, read by the inbound thread
    private final AtomicReference<Listener> listener = new AtomicReference<>();
    private volatile DfuException lost;
    // the PRN interval the device has been told on this connection (-1: unknown)
    private volatile int devicePrn = -1;
    private final LinkFacts line;
    // when the bytes handed to the port so far can have left it at the baud rate, on the scheduler's clock
    private long lineFreeAt = Long.MIN_VALUE;

    Exchange(DfuConnection connection, String port, DfuOptions options, Scheduler scheduler) {
        this(connection, port, options, scheduler, DfuMetrics.noop());
    }

    /** As the four-argument constructor, reporting round trips (CRC GET, PING, notifications) to {@code metrics}. */
    Exchange(DfuConnection connection, String port, DfuOptions options, Scheduler scheduler, DfuMetrics metrics) {
        this.metrics = metrics;
        this.connection = connection;
        this.port = port;
        this.options = options;
        this.scheduler = scheduler;
        this.line = connection.link();
    }

    String port() {
        return port;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** What the port knows about its line. */
    LinkFacts line() {
        return line;
    }

    /**
     * How long the bytes already handed to the port take to leave it at the line's baud rate, from now (zero without a
     * baud rate): bytes still queued are not the device's silence, so every answer's timeout starts after them.
     */
    synchronized Duration queuedAhead() {
        if (line.baud() == 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, lineFreeAt - scheduler.now(TimeUnit.NANOSECONDS)));
    }

    /** Counts {@code request}'s bytes into the port's queue, handed over now. */
    private synchronized void queue(DfuRequest request) {
        if (line.baud() == 0) {
            return;
        }
        long now = scheduler.now(TimeUnit.NANOSECONDS);
        lineFreeAt = Math.max(lineFreeAt, now) + line.wireNanos(wireBytes(request));
    }

    /**
     * The SLIP-encoded length of {@code request}; a WRITE is counted from its data without encoding it again (its
     * opcode, 0x08, never needs an escape).
     */
    static int wireBytes(DfuRequest request) {
        if (request instanceof DfuRequest.Write w) {
            return 1 + Slip.encodedLength(w.data());
        }
        return Slip.encodedLength(DfuCodec.encodeRequest(request));
    }

    DfuOptions options() {
        return options;
    }

    /** Receives frames, and hears when the connection is lost. */
    private interface Listener {
        /** Offers a frame; {@code true} when it was taken. */
        boolean offer(DfuInbound frame);

        /** The connection is gone; fail whatever is still waiting. */
        void lost(DfuException cause);
    }

    /**
     * Runs {@code work} while the connection's inbound frames are read and routed. When the inbound stream ends or
     * fails, whatever waits for a frame fails with {@link TransportClosedException} (an answer that arrived before
     * is still delivered, so the final EXECUTE's answer survives the reset that follows it); sends fail at once by
     * the transport's contract.
     */
    <T> Flux<T> attach(Flux<T> work) {
        return Flux.defer(() -> {
            Sinks.One<Boolean> done = Sinks.one();
            Mono<T> pump = connection.inbound()
                    .doOnNext(this::dispatch)
                    .then(Mono.<Void>fromRunnable(() -> markLost(
                            new TransportClosedException(port, "the connection closed", null))))
                    .onErrorResume(e -> Mono.fromRunnable(() -> markLost(e instanceof DfuException d ? d
                            : new TransportClosedException(port, "reading failed: " + e.getMessage(), e))))
                    .takeUntilOther(done.asMono())
                    .then(Mono.empty());
            return Flux.merge(pump, work.doFinally(s -> done.tryEmitValue(Boolean.TRUE)));
        });
    }

    private void markLost(DfuException cause) {
        log.debug("{}: connection lost: {}", port, cause.getMessage());
        lost = cause;
        Listener l = listener.get();
        if (l != null) {
            l.lost(cause);
        }
    }

    private void dispatch(DfuInbound frame) {
        if (frames.isTraceEnabled()) {
            frames.trace("{} <- {}", port, frame);
        }
        Listener l = listener.get();
        if (l == null || !l.offer(frame)) {
            log.debug("{}: dropped a frame nobody waits for: {}", port, frame);
        }
    }

    private void install(Listener l) {
        listener.set(l);
        DfuException gone = lost;
        if (gone != null) {
            l.lost(gone);
        }
    }

    private void uninstall(Listener l) {
        listener.compareAndSet(l, null);
    }

    /**
     * Sends {@code request} and waits for its answer within the opcode's timeout.
     *
     * <p>Succeeds with the success response. Errors with {@link RemoteErrorException} when the device answers with
     * an error result, {@link ProtocolViolationException} when a garbled frame arrives instead,
     * {@link DfuTimeoutException} when nothing arrives in time.
     */
    Mono<DfuResponse> request(DfuRequest request) {
        return request(request, options.timeout(request.opCode()));
    }

    /** As {@link #request(DfuRequest)} with an explicit timeout. */
    Mono<DfuResponse> request(DfuRequest request, Duration timeout) {
        return Mono.defer(() -> {
            Sinks.One<DfuInbound> answer = Sinks.one();
            Listener l = new Listener() {
                @Override
                public boolean offer(DfuInbound frame) {
                    return answers(request, frame) && answer.tryEmitValue(frame).isSuccess();
                }

                @Override
                public void lost(DfuException cause) {
                    answer.tryEmitError(cause);
                }
            };
            install(l);
            long[] sentAt = new long[1];
            // the timeout counts from when the bytes can have left the port: a device holding the line (the send
            // not completed) and bytes still queued ahead at the baud rate are not silence
            return send(request)
                    .doOnSuccess(v -> sentAt[0] = scheduler.now(TimeUnit.NANOSECONDS))
                    .then(Mono.defer(() -> answer.asMono().timeout(queuedAhead().plus(timeout), scheduler)))
                    .doOnNext(frame -> roundTrip(request, frame, sentAt[0]))
                    .onErrorMap(java.util.concurrent.TimeoutException.class,
                            e -> new DfuTimeoutException(request.opCode(), timeout))
                    .flatMap(frame -> toResponse(request, frame))
                    .doFinally(s -> uninstall(l));
        });
    }

    /** Reports the round trip of a CRC GET or PING answered with success (the link's RTT, no flash wait in it). */
    private void roundTrip(DfuRequest request, DfuInbound frame, long sentAtNanos) {
        OpCode op = request.opCode();
        if ((op == OpCode.CRC_GET || op == OpCode.PING) && frame instanceof DfuResponse response
                && !(response instanceof DfuResponse.Error)) {
            roundTripSince(sentAtNanos);
        }
    }

    /**
     * Reports a round trip that started at {@code sentAtNanos} on this exchange's scheduler and ends now: a request
     * answered here, or a write acknowledged by its PRN notification ({@link ObjectStreamer}).
     */
    void roundTripSince(long sentAtNanos) {
        metrics.roundTrip(port, Duration.ofNanos(Math.max(0, scheduler.now(TimeUnit.NANOSECONDS) - sentAtNanos)));
    }

    /**
     * Pings with {@code id}. Succeeds with {@code true} when the device echoes this id within the PING timeout,
     * {@code false} when it does not; any other frame (a late answer, another id, a garbled frame) is dropped.
     */
    Mono<Boolean> ping(int id) {
        return request(new DfuRequest.Ping(id))
                .thenReturn(Boolean.TRUE)
                .onErrorResume(DfuTimeoutException.class, e -> Mono.just(Boolean.FALSE));
    }

    /**
     * Sends one WRITE (no answer expected). No timer of its own: a send that takes long is the device holding the line
     * with flow control, not silence; the watchdog is the notification wait that starts once the writes it covers
     * have left ({@link ObjectStreamer}), and the update's bound on time without progress.
     */
    Mono<Void> write(DfuRequest.Write write) {
        return send(write);
    }

    /**
     * Receives the frames {@code accept} takes for as long as the returned stream is subscribed. Subscribe it before
     * sending the requests that cause them.
     */
    Flux<DfuInbound> listen(Predicate<DfuInbound> accept) {
        return Flux.defer(() -> {
            Sinks.Many<DfuInbound> sink = Sinks.many().unicast().onBackpressureBuffer();
            Listener l = new Listener() {
                @Override
                public boolean offer(DfuInbound frame) {
                    return accept.test(frame) && sink.tryEmitNext(frame).isSuccess();
                }

                @Override
                public void lost(DfuException cause) {
                    sink.tryEmitError(cause);
                }
            };
            install(l);
            return sink.asFlux().doFinally(s -> uninstall(l));
        });
    }

    /** Sets the PRN interval unless the device already has it; the device's PRN counter restarts either way. */
    Mono<Void> setPrn(int prn) {
        return request(new DfuRequest.SetPrn(prn)).doOnSuccess(r -> devicePrn = prn).then();
    }

    /** Makes sure the device's PRN interval is {@code prn}, sending SET PRN only when it is not. */
    Mono<Void> ensurePrn(int prn) {
        return Mono.defer(() -> devicePrn == prn ? Mono.empty() : setPrn(prn));
    }

    /** Forgets the PRN interval the device was told (it may have been reset): the next {@link #ensurePrn} sends it. */
    void forgetPrn() {
        devicePrn = -1;
    }

    /** The PRN interval the device was set to on this connection, -1 before the first SET PRN. */
    int devicePrn() {
        return devicePrn;
    }

    /** Pulses the reset lines; errors with {@link UnsupportedOperationException} where not wired. */
    Mono<Void> pulseReset() {
        return connection.pulseReset();
    }

    private Mono<Void> send(DfuRequest request) {
        return Mono.defer(() -> {
            if (frames.isTraceEnabled()) {
                frames.trace("{} -> {}", port, request);
            }
            queue(request);
            return connection.send(request);
        });
    }

    /** Whether {@code frame} is the answer to {@code request}. */
    private static boolean answers(DfuRequest request, DfuInbound frame) {
        if (frame instanceof DfuResponse response) {
            if (response.opCode() != request.opCode()) {
                return false;
            }
            if (request instanceof DfuRequest.Ping ping) {
                // a connection starts with pings: only our own id counts, never a late answer to another
                return response instanceof DfuResponse.Ping echo && echo.id() == ping.id();
            }
            return true;
        }
        // a garbled frame while waiting is taken as the garbled answer, except during pings
        return !(request instanceof DfuRequest.Ping);
    }

    private static Mono<DfuResponse> toResponse(DfuRequest request, DfuInbound frame) {
        if (frame instanceof DfuInbound.Malformed m) {
            return Mono.error(new ProtocolViolationException(
                    "an answer to " + request.opCode() + " (" + m.reason() + ")", m.frame()));
        }
        DfuResponse response = (DfuResponse) frame;
        if (response instanceof DfuResponse.Error error) {
            return Mono.error(new RemoteErrorException(error));
        }
        return Mono.just(response);
    }
}
