package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.error.RetriesExhaustedException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.metrics.DfuMetrics;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.ObjectLayout;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.ResumePlanner.CommandPlan;
import dev.reactivedfu.transfer.ResumePlanner.DataPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One update of one device: the state of a single subscription to {@link DfuClient#update}. Its steps run one at a
 * time (each subscribed after the previous completed), so the plain fields below are only touched serially; the
 * counters read by a cancelling thread are atomic.
 */
final class UpdateRun {

    private static final Logger log = LoggerFactory.getLogger(UpdateRun.class);
    /** Longest pause between pings while waiting for a device to come back after a reset. */
    private static final Duration MAX_REBOOT_PING_PAUSE = Duration.ofMillis(500);
    /** The smallest MTU that leaves room for one data byte per WRITE. */
    private static final int MIN_MTU = 5;
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

    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesResent = new AtomicLong();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger objectsExecuted = new AtomicInteger();
    private final AtomicInteger imagesDone = new AtomicInteger();
    private boolean infoProbed;
    private int nextPingId;

    UpdateRun(DfuTransport transport, DfuPackage pkg, DfuOptions options, DfuMetrics metrics) {
        this.transport = transport;
        this.pkg = pkg;
        this.options = options;
        this.metrics = metrics;
        this.scheduler = options.schedulerOrDefault();
        this.port = transport.name();
        this.link = new LinkTuning(options);
        this.startMillis = scheduler.now(TimeUnit.MILLISECONDS);
        // fresh ids: a late echo from an earlier run or connection must not be taken for an answer
        this.nextPingId = ThreadLocalRandom.current().nextInt(256);
    }

    Flux<DfuEvent> events() {
        int count = pkg.images().size();
        return Flux.range(0, count)
                .concatMap(i -> new ImageRun(i, count).events(), 0)
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
        return new UpdateSummary(port, imagesDone.get(), bytesSent.get(), bytesResent.get(), retries.get(),
                objectsExecuted.get(), Duration.ofMillis(Math.max(0, now - startMillis)));
    }

    private int nextPingId() {
        int id = nextPingId;
        nextPingId = (nextPingId + 1) & 0xFF;
        return id;
    }

    /** Takes one retry from the update's budget; {@code null} when there was one left, else the error to fail with. */
    private DfuException spendDeviceRetry(RetryReason reason, DfuException cause) {
        if (retries.get() >= options.retriesPerDevice()) {
            return new RetriesExhaustedException("update of " + port, retries.get() + 1L, cause);
        }
        retries.incrementAndGet();
        metrics.retried(port, reason);
        if (reason == RetryReason.CRC_MISMATCH || reason == RetryReason.PRN_MISMATCH) {
            metrics.crcMismatch(port);
        }
        if (cause instanceof DfuTimeoutException t) {
            metrics.timeout(port, t.opCode());
        }
        return null;
    }

    /** One image: its retries with new connections, its byte accounting and its place in the object sequence. */
    private final class ImageRun {
        private final int index;
        private final int count;
        private final FirmwareImage image;
        private final ImageKind kind;
        private final LocalImage init;
        private final LocalImage firmware;
        private final long imageStartMillis;
        private final Map<String, Integer> objectRetries = new HashMap<>();
        private int imageRetries;
        private boolean forceRestart;
        private boolean awaitingReboot;
        private long rebootDeadline;
        private boolean finalExecuted;
        // high-water marks of what the device held or was sent, for bytes re-sent
        private long commandHeld;
        private long dataHeld;
        // where the engine is, for retry events
        private ObjectType currentType = ObjectType.COMMAND;
        private int currentIndex;

        ImageRun(int index, int count) {
            this.index = index;
            this.count = count;
            this.image = pkg.images().get(index);
            this.kind = image.kind();
            this.init = new LocalImage(image.initPacket());
            this.firmware = new LocalImage(image.firmware());
            this.forceRestart = options.policy() == ResumePolicy.RESTART;
            this.awaitingReboot = index > 0;
            this.imageStartMillis = scheduler.now(TimeUnit.MILLISECONDS);
            this.rebootDeadline = imageStartMillis + options.rebootTimeout().toMillis();
        }

        Flux<DfuEvent> events() {
            if (image.firmwareSize() == 0 || image.initPacketSize() == 0) {
                return Flux.error(new PackageException(pkg.source(), PackageException.Fault.SIZE_MISMATCH,
                        kind + " image has an empty " + (image.firmwareSize() == 0 ? "firmware" : "init packet")));
            }
            return Flux.concat(
                    Mono.fromSupplier(() -> {
                        log.info("{}: image {}/{}: {} ({} bytes)", port, index + 1, count, kind, image.firmwareSize());
                        return new DfuEvent.ImageStarted(index, count, kind, image.initPacketSize(),
                                image.firmwareSize());
                    }),
                    sessions(1),
                    Mono.fromSupplier(() -> {
                        imagesDone.incrementAndGet();
                        long now = scheduler.now(TimeUnit.MILLISECONDS);
                        return new DfuEvent.ImageDone(index, kind, Duration.ofMillis(now - imageStartMillis));
                    }));
        }

        /** Connections for this image, a new one after each connection-level fault, within the image's budget. */
        private Flux<DfuEvent> sessions(int attempt) {
            return Flux.defer(() -> session(attempt)).onErrorResume(e -> {
                if (finalExecuted) {
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
                imageRetries++;
                if (imageRetries > options.retriesPerImage()) {
                    return Flux.error(new RetriesExhaustedException(kind.manifestKey() + " image",
                            imageRetries, cause));
                }
                DfuException exhausted = spendDeviceRetry(reason, cause);
                if (exhausted != null) {
                    return Flux.error(exhausted);
                }
                if (Faults.lostWrites(reason, cause)) {
                    link.lost();
                }
                log.info("{}: {} ({}); connecting again", port, cause.getMessage(), reason.tag());
                // per-object budgets start afresh with a new connection
                objectRetries.clear();
                return Flux.<DfuEvent>just(new DfuEvent.ObjectRetried(kind, currentType, currentIndex, reason, true,
                                imageRetries, cause))
                        .concatWith(Mono.delay(options.backoff(imageRetries), scheduler).thenMany(sessions(attempt + 1)));
            });
        }

        private Flux<DfuEvent> session(int attempt) {
            return Flux.usingWhen(open().onErrorMap(TransportClosedException.class, Faults.PortUnavailable::new),
                    connection -> {
                        Session s = new Session(new Exchange(connection, port, options, scheduler), attempt);
                        return s.exchange.attach(s.run());
                    },
                    c -> closeQuietly(c),
                    (connection, error) -> closeQuietly(connection),
                    c -> closeQuietly(c));
        }

        private Mono<DfuConnection> open() {
            Duration limit = options.openTimeout();
            Mono<DfuConnection> open = transport.open()
                    .timeout(limit, scheduler)
                    .onErrorMap(java.util.concurrent.TimeoutException.class, e -> new TransportClosedException(port,
                            "opening took longer than " + limit.toMillis() + " ms", e));
            if (!awaitingReboot) {
                return open;
            }
            // a USB CDC port re-enumerates while the device resets: keep trying until the reboot deadline
            long attempts = Math.max(1, options.rebootTimeout().toMillis() / REOPEN_PAUSE.toMillis());
            return open.retryWhen(Retry.fixedDelay(attempts, REOPEN_PAUSE)
                    .filter(e -> e instanceof TransportClosedException
                            && scheduler.now(TimeUnit.MILLISECONDS) < rebootDeadline)
                    .scheduler(scheduler)
                    .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
        }

        private void noteHeld(ObjectType type, DfuResponse.Select select) {
            LocalImage bytes = type == ObjectType.COMMAND ? init : firmware;
            if (bytes.matches(select.offset(), select.crc())) {
                if (type == ObjectType.COMMAND) {
                    commandHeld = Math.max(commandHeld, select.offset());
                } else {
                    dataHeld = Math.max(dataHeld, select.offset());
                }
            }
        }

        private DfuEvent sent(ObjectType type, long offset, int length) {
            long held = type == ObjectType.COMMAND ? commandHeld : dataHeld;
            long again = Math.max(0, Math.min(offset + length, held) - offset);
            bytesSent.addAndGet(length);
            bytesResent.addAndGet(again);
            if (type == ObjectType.COMMAND) {
                commandHeld = Math.max(commandHeld, offset + length);
                return null;
            }
            dataHeld = Math.max(dataHeld, offset + length);
            long reached = offset + length;
            long elapsed = scheduler.now(TimeUnit.MILLISECONDS) - startMillis;
            double rate = elapsed > 0 ? bytesSent.get() * 1000.0 / elapsed : 0;
            return new DfuEvent.Progress(kind, reached, firmware.size(), reached * 100.0 / firmware.size(), rate);
        }

        /** One connection: handshake, then the state machine of steps until the image is executed. */
        private final class Session {
            final Exchange exchange;
            final int attempt;
            int chunk;
            ObjectLayout layout;
            Step next = new Step.ReadState();
            boolean done;
            boolean streaming;
            boolean lostInObject;

            Session(Exchange exchange, int attempt) {
                this.exchange = exchange;
                this.attempt = attempt;
            }

            Flux<DfuEvent> run() {
                return Flux.concat(
                        connect(),
                        probe(),
                        Flux.defer(this::step).onErrorResume(this::retryObject).repeat(() -> !done));
            }

            // ------------------------------------------------------------------ connection start

            private Flux<DfuEvent> connect() {
                Flux<DfuEvent> alive = Flux.defer(() -> awaitingReboot
                        ? pingUntilRebooted().thenMany(Flux.<DfuEvent>empty()) : pingEscalating());
                return alive.concatWith(Mono.<Void>fromRunnable(() -> awaitingReboot = false)
                        .then(exchange.setPrn(link.prn()))
                        .then(exchange.request(new DfuRequest.MtuGet())
                                .map(r -> ((DfuResponse.Mtu) r).mtu())
                                .onErrorResume(RemoteErrorException.class, e -> BootloaderQuirks.isMtuUnsupported(e)
                                        ? Mono.just(BootloaderQuirks.FALLBACK_MTU) : Mono.error(e)))
                        .flatMap(mtu -> mtu < MIN_MTU ? Mono.error(new ProtocolViolationException(
                                "an MTU of at least " + MIN_MTU + " bytes; the device reports " + mtu, null))
                                : Mono.just(mtu))
                        .map(mtu -> {
                            int max = Mtu.maxWritePayload(mtu);
                            chunk = Math.min(max, options.chunkSize().orElse(max));
                            log.debug("{}: connected (attempt {}), MTU {}, {} bytes per write", port, attempt, mtu,
                                    chunk);
                            return new DfuEvent.Connected(port, attempt, mtu, chunk, link.prn(), link.window());
                        }));
            }

            /** Pings with fresh ids until one is echoed; {@code true} when one was. */
            private Mono<Boolean> pingRound() {
                return Flux.range(0, options.pingAttempts())
                        .concatMap(i -> pause(i).then(Mono.defer(() -> exchange.ping(nextPingId()))), 0)
                        .takeUntil(answered -> answered)
                        .last(Boolean.FALSE);
            }

            private Mono<Void> pause(int i) {
                if (i == 0) {
                    return Mono.empty();
                }
                Duration d = options.pingBackoff().multipliedBy(1L << Math.min(i - 1, 16));
                if (d.compareTo(options.backoffMax()) > 0) {
                    d = options.backoffMax();
                }
                return d.isZero() ? Mono.empty() : Mono.delay(d, scheduler).then();
            }

            /**
             * A silent device: pings, reset lines, the inactivity timer, then a typed error. Each escalation step is
             * announced with a {@link DfuEvent.DeviceSilent} first, so a long wait is never a silent one.
             */
            private Flux<DfuEvent> pingEscalating() {
                List<String> tried = new ArrayList<>();
                tried.add(options.pingAttempts() + " pings");
                Flux<DfuEvent> waitOut = Flux.defer(() -> {
                    if (options.inactivityWait().isZero()) {
                        return unresponsive(tried);
                    }
                    log.info("{}: no answer to pings; waiting {} s for the bootloader's inactivity timer", port,
                            options.inactivityWait().toSeconds());
                    tried.add("waiting " + options.inactivityWait().toSeconds() + " s for the inactivity timer and "
                            + options.pingAttempts() + " pings");
                    return Flux.concat(
                            Mono.just(new DfuEvent.DeviceSilent(port, "waiting for the bootloader's inactivity timer",
                                    options.inactivityWait())),
                            Mono.delay(options.inactivityWait(), scheduler).then(pingRound())
                                    .flatMapMany(ok -> ok ? Flux.empty() : unresponsive(tried)));
                });
                Flux<DfuEvent> pulse = exchange.pulseReset()
                        .timeout(options.openTimeout(), scheduler)
                        .onErrorMap(java.util.concurrent.TimeoutException.class, e -> new TransportClosedException(
                                port, "pulsing the reset lines took longer than "
                                + options.openTimeout().toMillis() + " ms", e))
                        .thenReturn(Boolean.TRUE)
                        .onErrorResume(UnsupportedOperationException.class, e -> Mono.just(Boolean.FALSE))
                        .flatMapMany(pulsed -> {
                            if (!pulsed) {
                                return waitOut;
                            }
                            log.info("{}: no answer to pings; pulsed the reset lines", port);
                            tried.add("a DTR/RTS reset and " + options.pingAttempts() + " pings");
                            return Flux.concat(
                                    Mono.just(new DfuEvent.DeviceSilent(port, "pulsed the reset lines",
                                            Duration.ZERO)),
                                    pingRound().flatMapMany(ok -> ok ? Flux.empty() : waitOut));
                        });
                return pingRound().flatMapMany(ok -> ok ? Flux.empty() : pulse);
            }

            private Flux<DfuEvent> unresponsive(List<String> tried) {
                return Flux.error(new DeviceUnresponsiveException(port, String.join(", ", tried),
                        new DfuTimeoutException(OpCode.PING, options.timeout(OpCode.PING))));
            }

            /** After an image's final EXECUTE: ping until the device is back, at most until the reboot deadline. */
            private Mono<Void> pingUntilRebooted() {
                return Flux.range(0, Integer.MAX_VALUE)
                        .concatMap(i -> rebootPause(i).then(Mono.defer(() -> exchange.ping(nextPingId()))), 0)
                        .takeUntil(answered -> answered || scheduler.now(TimeUnit.MILLISECONDS) >= rebootDeadline)
                        .last(Boolean.FALSE)
                        .flatMap(ok -> ok ? Mono.<Void>empty() : Mono.error(new DeviceUnresponsiveException(port,
                                "pinging for " + options.rebootTimeout().toSeconds()
                                        + " s after the previous image's final EXECUTE",
                                new DfuTimeoutException(OpCode.PING, options.timeout(OpCode.PING)))));
            }

            private Mono<Void> rebootPause(int i) {
                if (i == 0) {
                    return Mono.empty();
                }
                Duration d = options.pingBackoff().multipliedBy(1L << Math.min(i - 1, 16));
                return Mono.delay(d.compareTo(MAX_REBOOT_PING_PAUSE) > 0 ? MAX_REBOOT_PING_PAUSE : d, scheduler)
                        .then();
            }

            /** Protocol, hardware and firmware versions, once per update; "not supported" is an answer too. */
            private Mono<DfuEvent> probe() {
                return Mono.defer(() -> {
                    if (!options.probeDeviceInfo() || infoProbed) {
                        return Mono.empty();
                    }
                    infoProbed = true;
                    Mono<OptionalInt> protocol = exchange.request(new DfuRequest.ProtocolVersion())
                            .map(r -> OptionalInt.of(((DfuResponse.ProtocolVersion) r).version()))
                            .onErrorResume(Session::probeMissed, e -> Mono.just(OptionalInt.empty()));
                    Mono<Optional<DfuResponse.HardwareVersion>> hardware =
                            exchange.request(new DfuRequest.HardwareVersion())
                                    .map(r -> Optional.of((DfuResponse.HardwareVersion) r))
                                    .onErrorResume(Session::probeMissed, e -> Mono.just(Optional.empty()));
                    Mono<List<DfuResponse.FirmwareVersion>> firmwares = Flux.range(0, 3)
                            .concatMap(i -> exchange.request(new DfuRequest.FirmwareVersion(i))
                                    .cast(DfuResponse.FirmwareVersion.class), 0)
                            .takeWhile(f -> f.type() != DfuResponse.FirmwareVersion.TYPE_NONE)
                            .onErrorResume(Session::probeMissed, e -> Flux.empty())
                            .collectList();
                    return protocol.flatMap(p -> hardware.flatMap(h -> firmwares.map(
                            f -> (DfuEvent) new DfuEvent.DeviceInfo(p, h, f))));
                });
            }

            private static boolean probeMissed(Throwable e) {
                return e instanceof RemoteErrorException || e instanceof DfuTimeoutException
                        || e instanceof ProtocolViolationException;
            }

            // ------------------------------------------------------------------ the steps

            private Flux<DfuEvent> step() {
                Step s = next;
                if (s instanceof Step.ReadState) {
                    return readState();
                }
                if (s instanceof Step.ReadData) {
                    return readData();
                }
                if (s instanceof Step.Command c) {
                    return command(c.plan(), c.dataSelect());
                }
                return data(((Step.Data) s).plan());
            }

            private Mono<DfuResponse.Select> select(ObjectType type) {
                return exchange.request(new DfuRequest.Select(type)).cast(DfuResponse.Select.class)
                        .doOnNext(s -> noteHeld(type, s));
            }

            private Flux<DfuEvent> readState() {
                return select(ObjectType.COMMAND)
                        .zipWhen(c -> select(ObjectType.DATA))
                        .flatMapMany(t -> {
                            layout = ResumePlanner.layout(t.getT2(), firmware);
                            CommandPlan plan = ResumePlanner.planCommand(t.getT1(), t.getT2(), init, forceRestart);
                            log.debug("{}: command SELECT {}, data SELECT {} -> {}", port, t.getT1(), t.getT2(), plan);
                            next = new Step.Command(plan, t.getT2());
                            return Flux.empty();
                        });
            }

            private Flux<DfuEvent> readData() {
                return select(ObjectType.DATA).flatMapMany(d -> {
                    layout = ResumePlanner.layout(d, firmware);
                    DataPlan plan = ResumePlanner.planData(d, firmware);
                    log.debug("{}: data SELECT {} -> {}", port, d, plan);
                    next = new Step.Data(plan);
                    return Flux.empty();
                });
            }

            private Flux<DfuEvent> command(CommandPlan plan, DfuResponse.Select dataSelect) {
                currentType = ObjectType.COMMAND;
                currentIndex = 0;
                long size = init.size();
                if (plan instanceof CommandPlan.Create create) {
                    log.debug("{}: creating the command object: {}", port, create.reason());
                    return Flux.concat(
                            createObject(ObjectType.COMMAND, 0, 0, size),
                            Mono.fromRunnable(() -> forceRestart = false),
                            sendAndExecute(ObjectType.COMMAND, 0, 0, size, new Step.ReadData()));
                }
                // WRITE, CRC GET and EXECUTE act on the type last selected or created, and DATA was selected last
                Mono<DfuEvent> reselect = select(ObjectType.COMMAND).then(Mono.empty());
                if (plan instanceof CommandPlan.Resume resume) {
                    return Flux.concat(
                            Mono.just(new DfuEvent.ObjectResumed(kind, ObjectType.COMMAND, 0, resume.offset(),
                                    "the device holds a verified part of the init packet")),
                            reselect,
                            sendRestAndExecute(ObjectType.COMMAND, 0, resume.offset(), size, new Step.ReadData()));
                }
                if (plan instanceof CommandPlan.Execute) {
                    return Flux.concat(
                            Mono.just(new DfuEvent.ObjectResumed(kind, ObjectType.COMMAND, 0, size,
                                    "the init packet is complete on the device")),
                            reselect,
                            exchange.request(new DfuRequest.Execute())
                                    .onErrorResume(RemoteErrorException.class,
                                            e -> BootloaderQuirks.isAlreadyExecuted(e) ? Mono.empty() : Mono.error(e))
                                    .then(Mono.fromSupplier(() -> executed(ObjectType.COMMAND, 0, size,
                                            new Step.ReadData()))));
                }
                return Flux.defer(() -> {
                    next = new Step.Data(ResumePlanner.planData(dataSelect, firmware));
                    return Flux.just(new DfuEvent.ObjectResumed(kind, ObjectType.COMMAND, 0, size,
                            "the init packet was executed before"));
                });
            }

            private Flux<DfuEvent> data(DataPlan plan) {
                if (plan instanceof DataPlan.Done) {
                    done = true;
                    return Flux.empty();
                }
                if (plan instanceof DataPlan.RestartImage restart) {
                    return restartImage(restart);
                }
                int k = dataIndex(plan);
                currentType = ObjectType.DATA;
                currentIndex = k;
                long start = layout.objectStart(k);
                long end = start + layout.objectLength(k);
                if (plan instanceof DataPlan.Start) {
                    return Flux.concat(createObject(ObjectType.DATA, k, start, end - start),
                            sendAndExecute(ObjectType.DATA, k, start, end, null));
                }
                if (plan instanceof DataPlan.SendCreated) {
                    return sendAndExecute(ObjectType.DATA, k, start, end, null);
                }
                if (plan instanceof DataPlan.Resume resume) {
                    return Flux.concat(
                            Mono.just(new DfuEvent.ObjectResumed(kind, ObjectType.DATA, k, resume.offset(),
                                    "the device holds a verified part of this object")),
                            sendRestAndExecute(ObjectType.DATA, k, resume.offset(), end, null));
                }
                if (plan instanceof DataPlan.Execute) {
                    return Flux.concat(
                            Mono.just(new DfuEvent.ObjectResumed(kind, ObjectType.DATA, k, end,
                                    "the object is complete on the device")),
                            executeAtBoundary(k, end));
                }
                // Recreate: the device's progress did not verify
                metrics.crcMismatch(port);
                return Flux.concat(
                        createObject(ObjectType.DATA, k, start, end - start),
                        select(ObjectType.DATA).flatMapMany(d -> {
                            next = new Step.Data(ResumePlanner.afterRecreate(d, firmware, k));
                            return Flux.empty();
                        }));
            }

            private int dataIndex(DataPlan plan) {
                if (plan instanceof DataPlan.Start p) {
                    return p.index();
                }
                if (plan instanceof DataPlan.SendCreated p) {
                    return p.index();
                }
                if (plan instanceof DataPlan.Resume p) {
                    return p.index();
                }
                if (plan instanceof DataPlan.Execute p) {
                    return p.index();
                }
                return ((DataPlan.Recreate) plan).index();
            }

            private Flux<DfuEvent> restartImage(DataPlan.RestartImage restart) {
                return Flux.defer(() -> {
                    log.info("{}: restarting the {} image: {}", port, kind.manifestKey(), restart.reason());
                    long at = Math.min(restart.offset(), firmware.size());
                    DfuException cause = new CrcMismatchException(restart.offset(), firmware.crcAt(at), restart.crc());
                    imageRetries++;
                    if (imageRetries > options.retriesPerImage()) {
                        return Flux.error(new RetriesExhaustedException(kind.manifestKey() + " image",
                                imageRetries, cause));
                    }
                    DfuException exhausted = spendDeviceRetry(RetryReason.STALE_PROGRESS, cause);
                    if (exhausted != null) {
                        return Flux.error(exhausted);
                    }
                    metrics.crcMismatch(port);
                    forceRestart = true;
                    next = new Step.ReadState();
                    return Flux.just(new DfuEvent.ObjectRetried(kind, currentType, currentIndex,
                            RetryReason.STALE_PROGRESS, false, imageRetries, cause));
                });
            }

            /** Creates an object (restoring the PRN interval first, so the device's counter is aligned with ours). */
            private Flux<DfuEvent> createObject(ObjectType type, int k, long offset, long size) {
                return exchange.ensurePrn(link.prn())
                        .then(exchange.request(new DfuRequest.Create(type, size)))
                        .thenReturn((DfuEvent) new DfuEvent.ObjectCreated(kind, type, k, offset, size))
                        .flux();
            }

            /** Sends {@code [start, end)} of a just-created object with PRN credits, checks its CRC, executes. */
            private Flux<DfuEvent> sendAndExecute(ObjectType type, int k, long start, long end, Step after) {
                return Flux.concat(
                        Flux.defer(() -> stream(type, start, end, exchange.devicePrn())),
                        checkCrc(type, end),
                        execute(type, k, end, after));
            }

            /**
             * Sends the rest of an object resumed in the middle. The device's PRN counter is unknown there, so SET PRN
             * goes first (always: it restarts the counter), and credits count from zero as after a CREATE.
             */
            private Flux<DfuEvent> sendRestAndExecute(ObjectType type, int k, long from, long end, Step after) {
                return Flux.concat(
                        exchange.setPrn(link.prn()).thenMany(Flux.defer(
                                () -> stream(type, from, end, exchange.devicePrn()))),
                        checkCrc(type, end),
                        execute(type, k, end, after));
            }

            private Flux<DfuEvent> stream(ObjectType type, long from, long end, int prn) {
                LocalImage bytes = type == ObjectType.COMMAND ? init : firmware;
                ObjectStreamer.Tracker tracker = new ObjectStreamer.Tracker() {
                    @Override
                    public DfuEvent sent(long offset, int length) {
                        return ImageRun.this.sent(type, offset, length);
                    }

                    @Override
                    public DfuEvent verified(long offset, long crc) {
                        return new DfuEvent.CrcVerified(kind, type, offset, crc);
                    }
                };
                return Flux.defer(() -> {
                    streaming = true;
                    return ObjectStreamer.stream(exchange, bytes, from, end, chunk, Math.max(0, prn), link.window(),
                            options.timeout(OpCode.WRITE), tracker);
                }).doOnComplete(() -> streaming = false);
            }

            private Mono<DfuEvent> checkCrc(ObjectType type, long end) {
                LocalImage bytes = type == ObjectType.COMMAND ? init : firmware;
                return exchange.request(new DfuRequest.CrcGet()).cast(DfuResponse.Crc.class).flatMap(c -> {
                    if (c.offset() != end || !bytes.matches(c.offset(), c.crc())) {
                        return Mono.error(new CrcMismatchException(end, bytes.crcAt(end), c.crc()));
                    }
                    return Mono.just(new DfuEvent.CrcVerified(kind, type, c.offset(), c.crc()));
                });
            }

            private Mono<DfuEvent> execute(ObjectType type, int k, long end, Step after) {
                return exchange.request(new DfuRequest.Execute())
                        .then(Mono.fromSupplier(() -> executed(type, k, end, after)));
            }

            /** EXECUTE of an object the device holds complete: 0x08 means "already executed", verified by SELECT. */
            private Flux<DfuEvent> executeAtBoundary(int k, long end) {
                return exchange.request(new DfuRequest.Execute())
                        .then(Mono.fromSupplier(() -> executed(ObjectType.DATA, k, end, null)))
                        .flux()
                        .onErrorResume(RemoteErrorException.class, e -> {
                            if (!BootloaderQuirks.isAlreadyExecuted(e)) {
                                return Flux.error(e);
                            }
                            return select(ObjectType.DATA).flatMapMany(d -> {
                                DataPlan plan = ResumePlanner.afterNotPermitted(d, firmware, k);
                                next = new Step.Data(plan);
                                return plan instanceof DataPlan.Start
                                        ? Flux.just(new DfuEvent.ObjectExecuted(kind, ObjectType.DATA, k, end))
                                        : Flux.empty();
                            });
                        });
            }

            private DfuEvent executed(ObjectType type, int k, long end, Step after) {
                objectsExecuted.incrementAndGet();
                if (type == ObjectType.DATA) {
                    if (!lostInObject) {
                        link.cleanObject();
                    }
                    lostInObject = false;
                    DataPlan plan = ResumePlanner.next(layout, k);
                    if (plan instanceof DataPlan.Done) {
                        finalExecuted = true;
                        log.info("{}: {} image executed; the device resets now", port, kind.manifestKey());
                    }
                    next = new Step.Data(plan);
                } else {
                    next = after;
                }
                return new DfuEvent.ObjectExecuted(kind, type, k, end);
            }

            // ------------------------------------------------------------------ retries on this connection

            private Flux<DfuEvent> retryObject(Throwable e) {
                RetryReason reason = Faults.lineFault(e, streaming);
                streaming = false;
                if (reason == null || finalExecuted) {
                    return Flux.error(e);
                }
                DfuException cause = (DfuException) e;
                String key = currentType + "#" + currentIndex;
                int n = objectRetries.merge(key, 1, Integer::sum);
                if (n > options.retriesPerObject()) {
                    return Flux.error(new Faults.Escalation(reason, cause));
                }
                DfuException exhausted = spendDeviceRetry(reason, cause);
                if (exhausted != null) {
                    return Flux.error(exhausted);
                }
                if (Faults.lostWrites(reason, cause)) {
                    link.lost();
                    lostInObject = true;
                }
                log.info("{}: {} object {}: {} ({}); retrying on this connection", port,
                        currentType.name().toLowerCase(java.util.Locale.ROOT), currentIndex, cause.getMessage(),
                        reason.tag());
                return Flux.<DfuEvent>just(new DfuEvent.ObjectRetried(kind, currentType, currentIndex, reason, false,
                                n, cause))
                        .concatWith(Mono.delay(options.backoff(n), scheduler).then(resync()).then(Mono.empty()));
            }

            /** After a fault: a ping answered with its own id drains every older answer; then PRN and state again. */
            private Mono<Void> resync() {
                return pingRound().flatMap(ok -> {
                    if (!ok) {
                        return Mono.error(new Faults.Escalation(RetryReason.DEVICE_SILENT,
                                new DfuTimeoutException(OpCode.PING, options.timeout(OpCode.PING))));
                    }
                    // a device that was reset in between has PRN 0: set it whatever we believe
                    next = new Step.ReadState();
                    return exchange.setPrn(link.prn());
                });
            }
        }
    }

    /** What a session does next. */
    private sealed interface Step {
        /** SELECT both object types and plan the command object. */
        record ReadState() implements Step {
        }

        /** SELECT the data object and plan it. */
        record ReadData() implements Step {
        }

        /** Carry out a command plan. */
        record Command(CommandPlan plan, DfuResponse.Select dataSelect) implements Step {
        }

        /** Carry out a data plan. */
        record Data(DataPlan plan) implements Step {
        }
    }

    private Mono<Void> closeQuietly(DfuConnection connection) {
        return connection.close().timeout(options.openTimeout(), scheduler).onErrorResume(e -> {
            log.debug("{}: closing the connection failed: {}", port, e.toString());
            return Mono.empty();
        });
    }
}
