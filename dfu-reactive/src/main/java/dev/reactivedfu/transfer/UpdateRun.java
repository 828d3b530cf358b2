package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.error.WrongBoardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One update of one device: the state of a single subscription to {@link DfuClient#update}. It runs the images in
 * order, each over as many connections as its faults need; a connection is a {@link Handshake}, the
 * {@link DeviceProbe} (once per update, then the {@link BoardCheck}) and a {@link PlanRunner}. Faults that end a
 * connection are retried with a new one within {@link RetryBudgets}; the whole update is bounded in time without
 * progress by {@link ProgressWatch}. Its steps run one at a time (each subscribed after the previous completed), so
 * the plain fields are only touched serially; the counters read by a cancelling thread are atomic.
 */
final class UpdateRun {

    private static final Logger log = LoggerFactory.getLogger(UpdateRun.class);
    /** Pause between attempts to open a port that is re-enumerating after a reset. */
    private static final Duration REOPEN_PAUSE = Duration.ofMillis(250);

    private final DfuTransport transport;
    private final DfuPackage pkg;
    private final DfuOptions options;
    private final DfuMetrics metrics;
    private final Scheduler scheduler;
    private final String port;
    private final LinkTuning link;
    private final long startMillis;
    private final ProgressWatch progress;
    private final RetryBudgets budgets;
    private final ByteAccounting bytes;
    private final WriteSizing sizing;
    private final AtomicInteger objectsExecuted = new AtomicInteger();
    private final AtomicInteger imagesDone = new AtomicInteger();
    // the probe runs once per update, and again only after an image replaced the bootloader
    private boolean infoProbed;
    private int nextPingId;

    UpdateRun(DfuTransport transport, DfuPackage pkg, DfuOptions options, DfuMetrics metrics, LinkTuning link) {
        this.transport = transport;
        this.pkg = pkg;
        this.options = options;
        this.metrics = metrics;
        this.scheduler = options.schedulerOrDefault();
        this.port = transport.name();
        this.link = link;
        this.startMillis = scheduler.now(TimeUnit.MILLISECONDS);
        this.budgets = new RetryBudgets(options.retries(), metrics, port);
        this.progress = new ProgressWatch(options.retries().withoutProgress(), scheduler, port, budgets::progressed);
        this.bytes = new ByteAccounting(scheduler, startMillis, metrics, port);
        this.sizing = new WriteSizing(port);
        // fresh ids: a late echo from an earlier run or connection must not be taken for an answer. Drawn from the
        // clock and the port, not a random source, so that a run on virtual time against a seeded simulator is
        // reproduced byte for byte (an id the line changes or escapes alters every later fault draw)
        this.nextPingId = firstPingId(scheduler.now(TimeUnit.NANOSECONDS), port);
    }

    Flux<DfuEvent> events() {
        int count = pkg.images().size();
        Flux<DfuEvent> images = Flux.range(0, count).concatMap(i -> image(i, count), 0);
        return Flux.defer(() -> {
                    // a package that cannot be sent is refused before anything is sent
                    for (FirmwareImage image : pkg.images()) {
                        if (image.firmwareSize() == 0 || image.initPacketSize() == 0) {
                            return Flux.error(new PackageException(pkg.source(), PackageException.Fault.SIZE_MISMATCH,
                                    image.kind() + " image has an empty "
                                            + (image.firmwareSize() == 0 ? "firmware" : "init packet")));
                        }
                    }
                    return progress.bound(images);
                })
                .doOnNext(e -> {
                    if (e instanceof DfuEvent.ObjectExecuted) {
                        objectsExecuted.incrementAndGet();
                    }
                })
                .concatWith(Mono.fromSupplier(() -> {
                    UpdateSummary summary = summary();
                    metrics.updateFinished(port, DfuMetrics.SUCCESS, summary);
                    log.info("{}: update done: {} bytes sent ({} again), {} retries, {} ms", port,
                            summary.bytesSent(), summary.bytesResent(), summary.retries(), summary.durationMillis());
                    return new DfuEvent.UpdateDone(summary);
                }))
                .onErrorResume(DfuException.class, e -> {
                    UpdateSummary summary = summary();
                    metrics.updateFinished(port, Faults.resultTag(e), summary);
                    log.warn("{}: update failed: {} ({})", port, e.getMessage(), e.advice());
                    return Flux.<DfuEvent>just(new DfuEvent.Failed(e, summary)).concatWith(Flux.error(e));
                })
                .doOnCancel(() -> metrics.updateFinished(port, DfuMetrics.CANCELLED, summary()));
    }

    UpdateSummary summary() {
        long now = scheduler.now(TimeUnit.MILLISECONDS);
        return new UpdateSummary(port, imagesDone.get(), bytes.bytesSent(), bytes.bytesResent(), budgets.total(),
                objectsExecuted.get(), Duration.ofMillis(Math.max(0, now - startMillis)));
    }

    /** A first ping id that differs between runs started at different times on one port. */
    static int firstPingId(long nowNanos, String port) {
        long z = (nowNanos ^ port.hashCode()) * 0x9E3779B97F4A7C15L;
        return (int) ((z ^ (z >>> 29) ^ (z >>> 47)) & 0xFF);
    }

    private int nextPingId() {
        int id = nextPingId;
        nextPingId = (nextPingId + 1) & 0xFF;
        return id;
    }

    /** One image: started, its connections, done. */
    private Flux<DfuEvent> image(int index, int count) {
        return Flux.defer(() -> {
            FirmwareImage image = pkg.images().get(index);
            long now = scheduler.now(TimeUnit.MILLISECONDS);
            ImageState state = new ImageState(index, count, image, options.policy() == ResumePolicy.RESTART, now,
                    now + options.timeouts().reboot().toMillis());
            bytes.startImage();
            budgets.startImage();
            log.info("{}: image {}/{}: {} ({} bytes)", port, index + 1, count, state.kind, image.firmwareSize());
            return Flux.concat(
                    Mono.just(new DfuEvent.ImageStarted(index, count, state.kind, image.initPacketSize(),
                            image.firmwareSize())),
                    sessions(state, 1),
                    Mono.fromSupplier(() -> {
                        imagesDone.incrementAndGet();
                        if (state.kind == ImageKind.BOOTLOADER || state.kind == ImageKind.SOFTDEVICE_BOOTLOADER) {
                            // a new bootloader runs now: its versions (and what it supports) are probed again
                            infoProbed = false;
                        }
                        long end = scheduler.now(TimeUnit.MILLISECONDS);
                        return new DfuEvent.ImageDone(index, state.kind, Duration.ofMillis(end - state.startMillis));
                    }));
        });
    }

    /** Connections for this image, a new one after each connection-level fault, within the image's budget. */
    private Flux<DfuEvent> sessions(ImageState state, int attempt) {
        return Flux.defer(() -> session(state, attempt)).onErrorResume(e -> {
            if (state.finalExecuted) {
                // the device resets right after answering its final EXECUTE; losing the port then is expected
                return Flux.empty();
            }
            if (e instanceof Faults.PortUnavailable gone) {
                // the transport already waited for the port to come back (its port wait); it did not
                return Flux.error(gone.cause);
            }
            RetryReason reason = Faults.reconnectFault(e);
            if (reason == null) {
                return Flux.error(e);
            }
            DfuException cause = Faults.cause(e);
            RetryBudgets.Decision d = budgets.image(state.index, state.kind.manifestKey(), reason, cause);
            if (d instanceof RetryBudgets.Decision.Exhausted x) {
                return Flux.error(x.error());
            }
            RetryBudgets.Decision.Retry retry = (RetryBudgets.Decision.Retry) d;
            if (Faults.lostWrites(reason, cause)) {
                link.lost();
                sizing.fault(cause, false);
            }
            log.info("{}: {} ({}); connecting again", port, cause.getMessage(), reason.tag());
            budgets.newConnection();
            return Flux.<DfuEvent>just(new DfuEvent.ObjectRetried(state.kind, state.currentType, state.currentIndex,
                            reason, true, retry.attempt(), cause))
                    .concatWith(Mono.delay(retry.backoff(), scheduler).thenMany(sessions(state, attempt + 1)));
        });
    }

    private Flux<DfuEvent> session(ImageState state, int attempt) {
        return Flux.usingWhen(open(state).onErrorMap(TransportClosedException.class, Faults.PortUnavailable::new),
                connection -> {
                    Exchange exchange = new Exchange(connection, port, options, scheduler, metrics);
                    return exchange.attach(connection(exchange, state, attempt));
                },
                this::closeQuietly,
                (connection, error) -> closeQuietly(connection),
                this::closeQuietly);
    }

    /** One connection: handshake, the probe once per update, then the plan runner until the image is executed. */
    private Flux<DfuEvent> connection(Exchange exchange, ImageState state, int attempt) {
        Handshake handshake = new Handshake(exchange, options, this::nextPingId, progress);
        int[] chunk = new int[2];
        return Flux.concat(
                handshake.connect(state, attempt, link).doOnNext(e -> {
                    if (e instanceof DfuEvent.Connected c) {
                        chunk[0] = c.writeSize();
                        chunk[1] = c.mtu();
                    }
                }),
                probe(exchange, state),
                Flux.defer(() -> new PlanRunner(exchange, state,
                        new ObjectTransfer(exchange, options, link, bytes, state, sizing, chunk[0], chunk[1]),
                        handshake, link, budgets, sizing, bytes).run()));
    }

    /**
     * The device probe, once per update, then the wrong-board check for the update's first image: before anything
     * of the package is sent.
     */
    private Flux<DfuEvent> probe(Exchange exchange, ImageState state) {
        return Flux.defer(() -> {
            if (!options.probeDeviceInfo() || infoProbed) {
                return Flux.empty();
            }
            infoProbed = true;
            return DeviceProbe.probe(exchange).flatMapMany(info -> {
                Optional<WrongBoardException> wrong = state.index == 0
                        ? BoardCheck.check(port, info, state.image.init()) : Optional.empty();
                return wrong.isEmpty() ? Flux.just(info)
                        : Flux.<DfuEvent>just(info).concatWith(Flux.error(wrong.get()));
            });
        });
    }

    private Mono<DfuConnection> open(ImageState state) {
        Duration limit = options.timeouts().open();
        Mono<DfuConnection> open = transport.open()
                .timeout(limit, scheduler)
                .onErrorMap(java.util.concurrent.TimeoutException.class, e -> new TransportClosedException(port,
                        "opening took longer than " + limit.toMillis() + " ms", e));
        if (!state.awaitingReboot) {
            return open;
        }
        // a USB CDC port re-enumerates while the device resets: keep trying until the reboot deadline
        long attempts = Math.max(1, options.timeouts().reboot().toMillis() / REOPEN_PAUSE.toMillis());
        return open.retryWhen(Retry.fixedDelay(attempts, REOPEN_PAUSE)
                .filter(e -> e instanceof TransportClosedException
                        && scheduler.now(TimeUnit.MILLISECONDS) < state.rebootDeadline)
                .scheduler(scheduler)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private Mono<Void> closeQuietly(DfuConnection connection) {
        return connection.close().timeout(options.timeouts().open(), scheduler).onErrorResume(e -> {
            log.debug("{}: closing the connection failed: {}", port, e.toString());
            return Mono.empty();
        });
    }
}
