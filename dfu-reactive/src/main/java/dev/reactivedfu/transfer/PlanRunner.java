package dev.reactivedfu.transfer;

import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectLayout;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.ResumePlanner.CommandPlan;
import dev.reactivedfu.transfer.ResumePlanner.DataPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Locale;

/**
 * One connection's plan runner: reads the device's state with SELECT, plans with {@link ResumePlanner}, carries
 * the plans out through {@link ObjectTransfer}, one step at a time until the image's last object is executed, and
 * retries line faults on this connection within the object budgets (then escalates to a new connection). SELECT is
 * sent only where the plan needs it: both objects at the start of a connection, the data object alone once the
 * init packet is known to be executed on this connection.
 */
final class PlanRunner {

    private static final Logger log = LoggerFactory.getLogger(PlanRunner.class);

    /** What the runner does next. */
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

    private final Exchange exchange;
    private final ImageState state;
    private final ObjectTransfer transfer;
    private final Handshake handshake;
    private final LinkTuning link;
    private final RetryBudgets budgets;
    private final WriteSizing sizing;
    private final ByteAccounting bytes;
    private final String port;
    private ObjectLayout layout;
    private Step next = new Step.ReadState();
    private boolean done;
    private boolean lostInObject;
    private boolean initExecuted;

    PlanRunner(Exchange exchange, ImageState state, ObjectTransfer transfer, Handshake handshake, LinkTuning link,
               RetryBudgets budgets, WriteSizing sizing, ByteAccounting bytes) {
        this.exchange = exchange;
        this.state = state;
        this.transfer = transfer;
        this.handshake = handshake;
        this.link = link;
        this.budgets = budgets;
        this.sizing = sizing;
        this.bytes = bytes;
        this.port = exchange.port();
    }

    /** Runs the steps until the image is executed. Lazy; errors with what ends this connection. */
    Flux<DfuEvent> run() {
        return Flux.defer(this::step).doOnNext(this::verified).onErrorResume(this::retryObject).repeat(() -> !done);
    }

    /** Data the device verified refills the retry budgets when it goes beyond what it verified before. */
    private void verified(DfuEvent e) {
        if (e instanceof DfuEvent.CrcVerified c && c.type() == ObjectType.DATA) {
            budgets.verified(c.offset());
        } else if (e instanceof DfuEvent.ObjectExecuted x && x.type() == ObjectType.DATA) {
            state.executedEnd = Math.max(state.executedEnd, x.offset());
            budgets.verified(x.offset());
        }
    }

    /**
     * What SELECT(data) says the device holds: short of the objects executed before, it lost them (a reset with its
     * progress in RAM), and sending them again is progress for the retry budgets.
     */
    private void checkHeld(DfuResponse.Select d) {
        long held;
        if (d.offset() == 0 || d.offset() > state.firmware.size()) {
            held = 0;
        } else if (state.firmware.matches(d.offset(), d.crc())) {
            held = d.offset();
        } else {
            // what re-creating the object holding the last reported byte keeps
            held = layout.objectStart(layout.objectIndexAt(d.offset() - 1));
        }
        if (held < state.executedEnd) {
            log.info("{}: the device holds {} verified bytes of the {} image, {} were executed: it lost its progress",
                    port, held, state.kind.manifestKey(), state.executedEnd);
            budgets.deviceHolds(held);
            state.executedEnd = held;
        }
    }

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
                .doOnNext(s -> {
                    DeviceClaims.checkSelect(port, type, s, state.init.size());
                    bytes.held(type, state.bytes(type), s);
                });
    }

    private Flux<DfuEvent> readState() {
        return select(ObjectType.COMMAND)
                .zipWhen(c -> select(ObjectType.DATA))
                .flatMapMany(t -> {
                    layout = ResumePlanner.layout(t.getT2(), state.firmware);
                    checkHeld(t.getT2());
                    CommandPlan plan = ResumePlanner.planCommand(t.getT1(), t.getT2(), state.init,
                            state.forceRestart);
                    log.debug("{}: command SELECT {}, data SELECT {} -> {}", port, t.getT1(), t.getT2(), plan);
                    next = new Step.Command(plan, t.getT2());
                    return Flux.empty();
                });
    }

    private Flux<DfuEvent> readData() {
        return select(ObjectType.DATA).flatMapMany(d -> {
            layout = ResumePlanner.layout(d, state.firmware);
            checkHeld(d);
            DataPlan plan = ResumePlanner.planData(d, state.firmware);
            log.debug("{}: data SELECT {} -> {}", port, d, plan);
            next = new Step.Data(plan);
            return Flux.empty();
        });
    }

    private Flux<DfuEvent> command(CommandPlan plan, DfuResponse.Select dataSelect) {
        state.at(ObjectType.COMMAND, 0);
        long size = state.init.size();
        if (plan instanceof CommandPlan.Create create) {
            log.debug("{}: creating the command object: {}", port, create.reason());
            return Flux.concat(
                    transfer.create(ObjectType.COMMAND, 0, 0, size),
                    // a new command object drops the data progress: the engine's choice, not a loss to make up for
                    Mono.fromRunnable(() -> {
                        state.forceRestart = false;
                        state.executedEnd = 0;
                    }),
                    transfer.sendAndExecute(ObjectType.COMMAND, 0, 0, size, false).doOnComplete(this::initExecuted));
        }
        // WRITE, CRC GET and EXECUTE act on the type last selected or created, and DATA was selected last
        Mono<DfuEvent> reselect = select(ObjectType.COMMAND).then(Mono.empty());
        if (plan instanceof CommandPlan.Resume resume) {
            return Flux.concat(
                    Mono.just(new DfuEvent.ObjectResumed(state.kind, ObjectType.COMMAND, 0, resume.offset(),
                            "the device holds a verified part of the init packet")),
                    reselect,
                    transfer.sendAndExecute(ObjectType.COMMAND, 0, resume.offset(), size, true)
                            .doOnComplete(this::initExecuted));
        }
        if (plan instanceof CommandPlan.Execute) {
            return Flux.concat(
                    Mono.just(new DfuEvent.ObjectResumed(state.kind, ObjectType.COMMAND, 0, size,
                            "the init packet is complete on the device")),
                    reselect,
                    transfer.execute(ObjectType.COMMAND, 0, size)
                            .onErrorResume(RemoteErrorException.class, e -> BootloaderQuirks.isAlreadyExecuted(e)
                                    ? Mono.just(new DfuEvent.ObjectExecuted(state.kind, ObjectType.COMMAND, 0, size))
                                    : Mono.error(e))
                            .doOnSuccess(x -> initExecuted()));
        }
        return Flux.defer(() -> {
            initExecuted = true;
            next = new Step.Data(ResumePlanner.planData(dataSelect, state.firmware));
            return Flux.just(new DfuEvent.ObjectResumed(state.kind, ObjectType.COMMAND, 0, size,
                    "the init packet was executed before"));
        });
    }

    private void initExecuted() {
        initExecuted = true;
        next = new Step.ReadData();
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
        state.at(ObjectType.DATA, k);
        long start = layout.objectStart(k);
        long end = start + layout.objectLength(k);
        if (plan instanceof DataPlan.Start) {
            return Flux.concat(transfer.create(ObjectType.DATA, k, start, end - start),
                    dataObject(k, start, end, false));
        }
        if (plan instanceof DataPlan.SendCreated) {
            return dataObject(k, start, end, false);
        }
        if (plan instanceof DataPlan.Resume resume) {
            return Flux.concat(
                    Mono.just(new DfuEvent.ObjectResumed(state.kind, ObjectType.DATA, k, resume.offset(),
                            "the device holds a verified part of this object")),
                    dataObject(k, resume.offset(), end, true));
        }
        if (plan instanceof DataPlan.Execute) {
            return Flux.concat(
                    Mono.just(new DfuEvent.ObjectResumed(state.kind, ObjectType.DATA, k, end,
                            "the object is complete on the device")),
                    executeAtBoundary(k, end));
        }
        // Recreate: the device's progress did not verify
        budgets.staleObject();
        return Flux.concat(
                transfer.create(ObjectType.DATA, k, start, end - start),
                select(ObjectType.DATA).flatMapMany(d -> {
                    next = new Step.Data(ResumePlanner.afterRecreate(d, state.firmware, k));
                    return Flux.empty();
                }));
    }

    private Flux<DfuEvent> dataObject(int k, long from, long end, boolean resumed) {
        return transfer.sendAndExecute(ObjectType.DATA, k, from, end, resumed)
                .doOnNext(e -> {
                    if (e instanceof DfuEvent.ObjectExecuted) {
                        executed(k);
                    }
                });
    }

    private static int dataIndex(DataPlan plan) {
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
            log.info("{}: restarting the {} image: {}", port, state.kind.manifestKey(), restart.reason());
            long at = Math.min(restart.offset(), state.firmware.size());
            DfuException cause = new CrcMismatchException(restart.offset(), state.firmware.crcAt(at), restart.crc());
            RetryBudgets.Decision d = budgets.image(state.index, state.kind.manifestKey(), RetryReason.STALE_PROGRESS,
                    cause);
            if (d instanceof RetryBudgets.Decision.Exhausted x) {
                return Flux.error(x.error());
            }
            int attempt = d instanceof RetryBudgets.Decision.Retry r ? r.attempt() : 0;
            state.forceRestart = true;
            state.executedEnd = 0;
            initExecuted = false;
            next = new Step.ReadState();
            return Flux.just(new DfuEvent.ObjectRetried(state.kind, state.currentType, state.currentIndex,
                    RetryReason.STALE_PROGRESS, false, attempt, cause));
        });
    }

    /** EXECUTE of an object the device holds complete: 0x08 means "already executed", verified by SELECT. */
    private Flux<DfuEvent> executeAtBoundary(int k, long end) {
        return transfer.execute(ObjectType.DATA, k, end)
                .doOnNext(e -> executed(k))
                .flux()
                .onErrorResume(RemoteErrorException.class, e -> {
                    if (!BootloaderQuirks.isAlreadyExecuted(e)) {
                        return Flux.error(e);
                    }
                    return select(ObjectType.DATA).flatMapMany(d -> {
                        DataPlan plan = ResumePlanner.afterNotPermitted(d, state.firmware, k);
                        next = new Step.Data(plan);
                        return plan instanceof DataPlan.Start
                                ? Flux.just(new DfuEvent.ObjectExecuted(state.kind, ObjectType.DATA, k, end))
                                : Flux.empty();
                    });
                });
    }

    private void executed(int k) {
        if (!lostInObject) {
            link.cleanObject(transfer.writes(layout.objectLength(k)));
        }
        lostInObject = false;
        DataPlan plan = ResumePlanner.next(layout, k);
        if (plan instanceof DataPlan.Done) {
            state.finalExecuted = true;
            log.info("{}: {} image executed; the device resets now", port, state.kind.manifestKey());
        }
        next = new Step.Data(plan);
    }

    // ------------------------------------------------------------------ retries on this connection

    private Flux<DfuEvent> retryObject(Throwable e) {
        boolean streaming = transfer.takeStreaming();
        RetryReason reason = Faults.lineFault(e, streaming);
        if (reason == null || state.finalExecuted) {
            return Flux.error(e);
        }
        DfuException cause = (DfuException) e;
        boolean lostWrites = Faults.lostWrites(reason, cause);
        if (lostWrites) {
            sizing.fault(cause, false);
        }
        RetryBudgets.Decision d = budgets.object(state.index, state.currentType, state.currentIndex, reason, cause);
        if (d instanceof RetryBudgets.Decision.Exhausted x) {
            return Flux.error(x.error());
        }
        if (d instanceof RetryBudgets.Decision.Escalate) {
            return Flux.error(new Faults.Escalation(reason, cause));
        }
        RetryBudgets.Decision.Retry retry = (RetryBudgets.Decision.Retry) d;
        if (lostWrites) {
            link.lost();
            lostInObject = true;
        }
        log.info("{}: {} object {}: {} ({}); retrying on this connection", port,
                state.currentType.name().toLowerCase(Locale.ROOT), state.currentIndex, cause.getMessage(),
                reason.tag());
        return Flux.<DfuEvent>just(new DfuEvent.ObjectRetried(state.kind, state.currentType, state.currentIndex,
                        reason, false, retry.attempt(), cause))
                .concatWith(Mono.delay(retry.backoff(), exchange.scheduler())
                        .then(resync(reason, lostWrites ? cause : null)).then(Mono.empty()));
    }

    /**
     * After a fault: a ping answered with its own id drains every older answer; then PRN and state again (only the
     * data object's when the init packet was executed on this connection and the device did not answer as if it had
     * lost its state).
     */
    private Mono<Void> resync(RetryReason reason, DfuException lostWrites) {
        return handshake.pingRound().flatMap(ok -> {
            if (!ok) {
                if (lostWrites != null) {
                    // silent right after writes: a changed END may have jammed its SLIP input (WriteSizing)
                    sizing.fault(lostWrites, true);
                }
                return Mono.error(new Faults.Escalation(RetryReason.DEVICE_SILENT,
                        new DfuTimeoutException(OpCode.PING, exchange.options().timeout(OpCode.PING))));
            }
            next = initExecuted && state.currentType == ObjectType.DATA && reason != RetryReason.DEVICE_STATE
                    ? new Step.ReadData() : new Step.ReadState();
            // a device that was reset in between has PRN 0: the next object sets it whatever we believe
            exchange.forgetPrn();
            return Mono.<Void>empty();
        });
    }
}
