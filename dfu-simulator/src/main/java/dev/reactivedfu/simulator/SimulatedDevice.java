package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.Slip;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A simulated nRF52840 board running Nordic's secure serial bootloader: the {@link SimulatedBootloader} with
 * Nordic's SLIP input ({@link NordicSlipInput}), RX buffers, a serial line with timing, faults, resets and the
 * inactivity timer. Host bytes go in with {@link #hostWrite(byte[])}; device bytes come out to the consumer given to
 * {@link #attachHost(Consumer)}. {@link SimulatorTransport} wraps this for the engine; {@code dfu simulate} wires it
 * to a pseudo-terminal.
 *
 * <h2>Time</h2>
 * The device keeps its own timeline in model time (nanoseconds on the {@link Scheduler}'s clock; pass a
 * {@code VirtualTimeScheduler} to run whole updates in virtual time). A host write's send time is the clock when
 * {@link #hostWrite} is called; from it, every byte's arrival is computed ({@code 10 / baud} s each, in order, after
 * {@link SimulatorConfig#latency()} and the bytes before it, however many were written at once), and so are the CPU's
 * steps, the RX buffers' occupancy, the transmitter and what is dropped. The same host bytes at the same send times
 * therefore always meet the same fate: real timers only wake the timeline and deliver answers, and one that fires late
 * delays an answer's delivery, never a decision (issue 8, "The simulator must keep model time").
 *
 * <p>The model (issue 9): the CPU processes one packet at a time; flash work halts it (a data CREATE's page erase and
 * the init packet's settings save before the answer, a WRITE's words after it); an answer costs
 * {@link SimulatorConfig#responseTime()} before it is transmitted. A packet keeps its RX buffer until the CPU is done
 * with it, and a frame that completes while all {@link SimulatorConfig#rxBuffers()} buffers are held is dropped (the
 * line keeps receiving into the buffers while flash works between word writes). With
 * {@link SimulatorConfig#flowControl()} the board instead holds the line (no byte starts) while flash halts the CPU or
 * every buffer is held. A response produced while the transmitter is still sending the previous one is lost (Nordic's
 * UART answers only when its transmitter is idle). Without any timing everything happens at the send time.
 *
 * <h2>Modes</h2>
 * Creation is a power-on with the DFU button held: the board starts in DFU mode. After a reset it stays in DFU mode
 * only without a valid application, or with {@link SimulatorConfig#stayInDfu()}, or through {@link #enterDfu()};
 * otherwise it runs the application, which ignores the serial port. While booting (activation copies take flash
 * time), stalled, or running the application, received bytes are lost.
 *
 * <p>Thread-safe: all state is guarded by this object's lock; device work runs on one scheduler worker.
 */
public final class SimulatedDevice implements Disposable {

    /**
     * Counters of what the device saw, for tests and benchmarks.
     *
     * @param framesReceived  request packets completed by the SLIP input (replays included)
     * @param rxOverflows     packets dropped because all RX buffers were busy
     * @param badEscapes      frames dropped by the SLIP input for a bad escape
     * @param refusedBytes    bytes refused by a full (jammed) SLIP input
     * @param bytesLost       bytes lost to faults or while the device did not listen
     * @param responsesSent   responses put on the wire
     * @param responsesLost   responses lost because the transmitter was busy
     * @param commandCreates  command objects created
     * @param dataCreates     data objects created
     * @param executes        successful EXECUTE size checks
     * @param resets          resets (power-on not counted)
     * @param bytesDropped    bytes the {@link Fault.DropBytes} fault took (also counted in {@code bytesLost})
     * @param bytesCorrupted  bytes the {@link Fault.CorruptBytes} fault changed
     */
    public record Counters(long framesReceived, long rxOverflows, long badEscapes, long refusedBytes, long bytesLost,
                           long responsesSent, long responsesLost, long commandCreates, long dataCreates,
                           long executes, long resets, long bytesDropped, long bytesCorrupted) {
        /** Frames received but never processed: RX overflows and bad escapes. */
        public long framesDropped() {
            return rxOverflows + badEscapes;
        }
    }

    private static final long NEVER = HostLine.NEVER;

    /** What the CPU is doing with the packet at the head of the RX queue. */
    private enum Phase {
        /** Nothing: the next packet is taken as soon as one is held. */
        IDLE,
        /** Flash work before the answer (a data CREATE's page erase, the init packet's settings save): halted. */
        BEFORE,
        /** Encoding the answer and starting the transmitter: running, not halted. */
        RESPONSE,
        /** Flash work after the answer (a WRITE's words, a settings save): halted. */
        AFTER,
        /** Waiting for the last answer to leave before resetting (final EXECUTE, ABORT). */
        RESETTING
    }

    /**
     * Something for the host at real time {@code at} (the later of its model time and the clock when it was made, as
     * a timer armed then would fire), in the order made on ties: an answer's frame, or, without one, a reset for the
     * reset listeners.
     */
    private record Notice(long at, long seq, byte[] frame) {
    }

    private final SimulatorConfig config;
    private final Scheduler scheduler;
    private final Scheduler.Worker worker;
    private final SimulatedBootloader bootloader;
    private final Random random;
    private final double dropRate;
    private final double corruptRate;
    private final Optional<Fault.ResetAtOffset> resetAtOffset;
    private final Optional<Fault.Stall> stall;
    private final boolean staleProgress;
    private final CopyOnWriteArrayList<Runnable> resetListeners = new CopyOnWriteArrayList<>();
    private final HostLine line;
    private final long responseNanos;

    // the timeline, in model time (nanoseconds on the scheduler's clock)
    private long modelNow;
    private boolean advancing;
    private NordicSlipInput slip;
    private SimulatedBootloader.Mode mode;
    private final ArrayDeque<NordicSlipInput.Packet> rxQueue = new ArrayDeque<>();
    private Phase phase = Phase.IDLE;
    private long phaseEnd = NEVER;
    private SimulatedBootloader.Reaction reaction;
    /** The reaction's responses as SLIP frames, from the start of the RESPONSE phase to their transmission. */
    private byte[][] frames;
    private long listeningFrom;
    private long stalledUntil;
    private long txFreeAt = Long.MIN_VALUE;
    private long resetAt = NEVER;
    private long inactivityAt = NEVER;
    private String lossReason;
    private boolean resetFired;
    private boolean stallFired;

    // real timers: they only wake the timeline and deliver answers
    private final java.util.PriorityQueue<Notice> notices = new java.util.PriorityQueue<>(
            java.util.Comparator.comparingLong(Notice::at).thenComparingLong(Notice::seq));
    private long noticeSeq;
    private Disposable wake;
    private long wakeAt = NEVER;
    private Consumer<byte[]> host;
    private FrameTrace trace;

    private long framesReceived;
    private long rxOverflows;
    private long badEscapesBefore;
    private long refusedBefore;
    private long bytesLost;
    private long responsesSent;
    private long responsesLost;
    private long resets;
    private long bytesDropped;
    private long bytesCorrupted;

    private SimulatedDevice(SimulatorConfig config, Scheduler scheduler, Flash flash) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.worker = scheduler.createWorker();
        this.bootloader = new SimulatedBootloader(config, flash);
        this.random = new Random(config.seed());
        this.dropRate = config.fault(Fault.DropBytes.class).map(Fault.DropBytes::rate).orElse(0.0);
        this.corruptRate = config.fault(Fault.CorruptBytes.class).map(Fault.CorruptBytes::rate).orElse(0.0);
        this.resetAtOffset = config.fault(Fault.ResetAtOffset.class);
        this.stall = config.fault(Fault.Stall.class);
        this.staleProgress = config.fault(Fault.StaleProgress.class).isPresent();
        this.line = new HostLine(config.wireTime(1).toNanos(), config.latency().toNanos());
        this.responseNanos = config.baud() > 0 ? config.responseTime().toNanos() : 0;
        synchronized (this) {
            modelNow = now();
            boot(true, modelNow);
            listeningFrom = modelNow; // created = powered on and booted
        }
    }

    /** A fresh board (erased flash: no application) on {@link Schedulers#parallel()}. */
    public static SimulatedDevice create(SimulatorConfig config) {
        return create(config, Schedulers.parallel());
    }

    /** A fresh board (erased flash: no application) timed on {@code scheduler}. */
    public static SimulatedDevice create(SimulatorConfig config, Scheduler scheduler) {
        return new SimulatedDevice(config, scheduler, new Flash());
    }

    /**
     * A board whose flash holds {@code flashImage} (1 MiB, as {@link #flashImage()} returned it), timed on
     * {@code scheduler}: settings, application and progress saved in flash come back, RAM progress does not.
     */
    public static SimulatedDevice restore(SimulatorConfig config, Scheduler scheduler, byte[] flashImage) {
        return new SimulatedDevice(config, scheduler, new Flash(flashImage));
    }

    // ---------------------------------------------------------------- the serial line

    /**
     * Where device-to-host bytes go (one SLIP frame per call, on the device's scheduler); replaces the previous host.
     * {@code null} detaches: bytes sent meanwhile are lost, as on an unconnected line.
     */
    public synchronized void attachHost(Consumer<byte[]> host) {
        this.host = host;
    }

    /** Detaches {@code host} if it is the attached one. */
    public synchronized void detachHost(Consumer<byte[]> host) {
        if (this.host == host) {
            this.host = null;
        }
    }

    /**
     * The host writes {@code bytes} to the line now (the scheduler's clock is their send time). They reach the
     * device one by one, {@code 10 / baud} s apart after the adapter's latency and the bytes queued before them; what
     * becomes of them is decided in model time, from their send time alone.
     *
     * @return how long until the bytes have left the host (their wire time after what is already queued, as if the
     *         device never held the line)
     */
    public synchronized Duration hostWrite(byte[] bytes) {
        long now = now();
        advance(now);
        long leftAt = line.write(bytes, now);
        advance(now);
        scheduleWake();
        return Duration.ofNanos(Math.max(0, leftAt - now));
    }

    /**
     * Completes {@code delay} from now, on the device's own timer thread (the one its timeline runs on, so that a
     * board's work stays on one thread). Lazy; cancelling it cancels the timer.
     */
    public Mono<Void> after(Duration delay) {
        long nanos = delay.toNanos();
        return Mono.create(sink -> sink.onDispose(nanos <= 0 ? worker.schedule(sink::success)
                : worker.schedule(sink::success, nanos, TimeUnit.NANOSECONDS)));
    }

    /** Sets the trace that sees every frame ({@code null} for none). */
    public synchronized void trace(FrameTrace trace) {
        this.trace = trace;
    }

    /** Runs {@code listener} after every reset (on the device's scheduler, lock held). */
    public void onReset(Runnable listener) {
        resetListeners.add(listener);
    }

    /** Removes a reset listener. */
    public void removeResetListener(Runnable listener) {
        resetListeners.remove(listener);
    }

    // ---------------------------------------------------------------- the timeline

    /**
     * Computes the device's timeline up to {@code until}: every byte arrival, CPU step, reset and timer in model
     * order, each decided at its own model time (never at the time a real timer happened to fire). Events at the same
     * instant run as: scheduled reset, CPU step, inactivity timer, byte arrival (a buffer freed at the instant a frame
     * completes is free for it).
     */
    private void advance(long until) {
        if (advancing) {
            return;
        }
        advancing = true;
        try {
            until = Math.max(until, modelNow);
            while (true) {
                long cpuAt = phase == Phase.IDLE || phase == Phase.RESETTING ? NEVER : phaseEnd;
                long other = Math.min(Math.min(cpuAt, resetAt), inactivityAt);
                if (!line.inFlight()) {
                    long s = line.nextStart();
                    // the line's state at s is the present one: nothing else happens before s
                    if (s <= until && s < other && !lineHeld()) {
                        line.start(Math.max(s, modelNow));
                    }
                }
                long t = Math.min(other, line.inFlightArrival());
                if (t > until) {
                    break;
                }
                modelNow = Math.max(modelNow, t);
                if (t == resetAt) {
                    resetAt = NEVER;
                    reset(false, "");
                } else if (t == cpuAt) {
                    step();
                } else if (t == inactivityAt) {
                    inactivityAt = NEVER;
                    event("inactivity timeout");
                    reset(false, "");
                } else {
                    // bytes run on while none of them completes a packet: nothing else changes meanwhile (the other
                    // events and the line's hold stay as they are), so the same decisions as a turn of the loop
                    // each, without recomputing them
                    boolean changed = arrive(line.take());
                    while (!changed) {
                        long s = line.nextStart();
                        if (s > until || s >= other || lineHeld()) {
                            break;
                        }
                        line.start(Math.max(s, modelNow));
                        long a = line.inFlightArrival();
                        if (a > until || a >= other) {
                            break;
                        }
                        modelNow = Math.max(modelNow, a);
                        changed = arrive(line.take());
                    }
                }
            }
            modelNow = until;
        } finally {
            advancing = false;
        }
    }

    /** RTS/CTS: the board holds the host back while flash halts its CPU or every RX buffer holds a packet. */
    private boolean lineHeld() {
        return config.flowControl() && (phase == Phase.BEFORE || phase == Phase.AFTER
                || rxQueue.size() >= config.rxBuffers());
    }

    /** One byte reaches the device at {@link #modelNow}; returns whether it completed a packet. */
    private boolean arrive(int b) {
        long t = modelNow;
        String deaf = mode != SimulatedBootloader.Mode.DFU ? "running the application"
                : t < listeningFrom ? "booting" : t < stalledUntil ? "stalled" : null;
        if (deaf != null) {
            bytesLost++;
            if (!deaf.equals(lossReason)) {
                lossReason = deaf;
                event("bytes lost from here: the device is " + deaf);
            }
            return false;
        }
        lossReason = null;
        // each byte's fate is drawn afresh from the seeded stream: a byte sent again meets a new draw, as on a line
        if (dropRate > 0 && random.nextDouble() < dropRate) {
            bytesLost++;
            bytesDropped++;
            return false;
        }
        if (corruptRate > 0 && random.nextDouble() < corruptRate) {
            b ^= 1 << random.nextInt(8);
            bytesCorrupted++;
        }
        boolean jammedBefore = slip.jammed();
        NordicSlipInput.Packet packet = slip.add(b);
        if (!jammedBefore && slip.jammed()) {
            event("SLIP input full: the device ignores everything until it is reset");
        }
        if (packet == null) {
            return false;
        }
        onPacket(packet);
        return true;
    }

    private void onPacket(NordicSlipInput.Packet packet) {
        framesReceived++;
        if (!config.flowControl() && rxQueue.size() >= config.rxBuffers()) {
            rxOverflows++;
            traceFrame(FrameTrace.Direction.IN, packet.bytes(), "dropped: all " + config.rxBuffers()
                    + " RX buffers held, the CPU is " + busyWith());
            return;
        }
        traceFrame(FrameTrace.Direction.IN, packet.bytes(), packet.replay() ? "empty frame: previous packet replayed"
                : rxQueue.isEmpty() ? "" : "queued behind " + rxQueue.size() + ", the CPU is " + busyWith());
        rxQueue.add(packet);
        if (phase == Phase.IDLE) {
            startPacket();
        }
    }

    private String busyWith() {
        String until = phaseEnd == NEVER ? "" : String.format(" for %.3f ms more", (phaseEnd - modelNow) / 1e6);
        return switch (phase) {
            case IDLE -> "idle";
            case BEFORE, AFTER -> "halted by flash" + until;
            case RESPONSE -> "answering" + until;
            case RESETTING -> "about to reset";
        };
    }

    /** The CPU takes the packet at the head of the RX queue at {@link #modelNow}. */
    private void startPacket() {
        NordicSlipInput.Packet packet = rxQueue.peek();
        if (packet == null) {
            phase = Phase.IDLE;
            phaseEnd = NEVER;
            return;
        }
        long t = modelNow;
        reaction = packet.replay() ? bootloader.replay(packet.buffer(), packet.length())
                : bootloader.handle(packet.buffer(), packet.length());
        long offset = bootloader.settings().progress().firmwareOffset();
        if (resetAtOffset.isPresent() && !resetFired && offset >= resetAtOffset.get().offset()) {
            resetFired = true;
            reset(false, "fault: reset at data offset " + offset);
            return;
        }
        long stallNanos = 0;
        if (stall.isPresent() && !stallFired && offset >= stall.get().atOffset() && offset > 0) {
            stallFired = true;
            stallNanos = stall.get().duration().toNanos();
            stalledUntil = t + stallNanos;
            event("fault: stalled for " + stall.get().duration().toMillis() + " ms at data offset " + offset);
        }
        if (reaction.progressed()) {
            restartInactivity(t);
        }
        phase = Phase.BEFORE;
        phaseEnd = t + reaction.beforeResponse().duration(config.flashTiming()).toNanos() + stallNanos;
        if (phaseEnd <= t) {
            step();
        }
    }

    /** The current phase ends at {@link #modelNow}: go on to the next one (several when they take no time). */
    private void step() {
        long t = modelNow;
        switch (phase) {
            case BEFORE -> {
                phase = Phase.RESPONSE;
                frames = new byte[reaction.responses().size()][];
                for (int i = 0; i < frames.length; i++) {
                    frames[i] = Slip.encode(reaction.responses().get(i));
                }
                phaseEnd = t + (frames.length == 0 ? 0 : responseNanos);
                if (phaseEnd <= t) {
                    step();
                }
            }
            case RESPONSE -> {
                transmit(reaction, frames);
                frames = null;
                phase = Phase.AFTER;
                phaseEnd = t + reaction.afterResponse().duration(config.flashTiming()).toNanos();
                if (phaseEnd <= t) {
                    step();
                }
            }
            case AFTER -> {
                if (reaction.reset()) {
                    phase = Phase.RESETTING;
                    phaseEnd = NEVER;
                    resetAt = Math.max(t, txFreeAt);
                    if (resetAt == t) {
                        resetAt = NEVER;
                        reset(false, "");
                    }
                    return;
                }
                rxQueue.poll();
                phase = Phase.IDLE;
                phaseEnd = NEVER;
                startPacket();
            }
            case IDLE, RESETTING -> throw new IllegalStateException("no CPU step in phase " + phase);
        }
    }

    /**
     * Puts the responses on the wire at {@link #modelNow}: one at a time, a response produced while the transmitter
     * is still sending the previous one is lost (Nordic's UART answers only when its transmitter is idle).
     */
    private void transmit(SimulatedBootloader.Reaction r, byte[][] encoded) {
        long t = modelNow;
        for (int i = 0; i < encoded.length; i++) {
            byte[] message = r.responses().get(i);
            byte[] frame = encoded[i];
            long done = t;
            if (config.baud() > 0) {
                if (txFreeAt > t) {
                    responsesLost++;
                    traceFrame(FrameTrace.Direction.OUT, message, String.format(
                            "lost: the transmitter is busy for %.3f ms more", (txFreeAt - t) / 1e6));
                    continue;
                }
                txFreeAt = t + config.wireTime(frame.length).toNanos();
                done = txFreeAt;
            }
            responsesSent++;
            traceFrame(FrameTrace.Direction.OUT, message, "");
            deliver(done + config.latency().toNanos(), frame);
        }
    }

    private void reset(boolean enterDfu, String why) {
        if (!why.isEmpty()) {
            event(why);
        }
        resets++;
        boot(enterDfu, modelNow);
        post(modelNow, null);
    }

    private void boot(boolean enterDfu, long t) {
        rxQueue.clear();
        phase = Phase.IDLE;
        phaseEnd = NEVER;
        reaction = null;
        frames = null;
        resetAt = NEVER;
        inactivityAt = NEVER;
        if (slip != null) {
            badEscapesBefore += slip.badEscapes();
            refusedBefore += slip.refusedBytes();
        }
        slip = new NordicSlipInput(config.mtu());
        SimulatedBootloader.Boot b = bootloader.boot(enterDfu, staleProgress);
        mode = b.mode();
        listeningFrom = t + b.work().duration(config.flashTiming()).toNanos();
        stalledUntil = 0;
        txFreeAt = t;
        lossReason = null;
        event("boot: " + mode + (b.activated() ? " after activating the received image" : ""));
        if (mode == SimulatedBootloader.Mode.DFU) {
            restartInactivity(t);
        }
    }

    private void restartInactivity(long t) {
        inactivityAt = config.inactivityTimeout().isZero() ? NEVER : t + config.inactivityTimeout().toNanos();
    }

    // ---------------------------------------------------------------- real timers

    /** Catches the timeline up with the clock (accessors and public controls see the present). */
    private void sync() {
        advance(now());
        scheduleWake();
    }

    /**
     * Arms one real timer for the next moment something can leave the timeline: an answer due to the host, a reset
     * or a timer, or a moment before which nothing can be produced (a CPU step that answers, the next complete frame).
     * Every estimate is a lower bound, so the timer is never late for an answer; it may fire late under load: the
     * timeline is computed in model time anyway.
     */
    private void scheduleWake() {
        long next = Math.min(Math.min(resetAt, inactivityAt), notices.isEmpty() ? NEVER : notices.peek().at());
        switch (phase) {
            case IDLE -> next = Math.min(next, nextPacketEstimate(Long.MIN_VALUE));
            case BEFORE -> next = Math.min(next, phaseEnd);
            case RESPONSE -> {
                // the first answer reaches the host its wire time and the adapter's latency after the phase ends
                long answer = frames.length == 0 ? phaseEnd : phaseEnd + config.latency().toNanos()
                        + (config.baud() > 0 ? config.wireTime(frames[0].length).toNanos() : 0);
                next = Math.min(next, answer);
            }
            case AFTER -> {
                if (reaction.reset() || rxQueue.size() > 1) {
                    next = Math.min(next, phaseEnd);
                } else {
                    // a WRITE's word writes with no packet waiting produce nothing by themselves: the next answer
                    // can only come from a packet that completes later; with flow control the line is held until
                    // the phase ends, so no byte starts before it
                    next = Math.min(next, Math.max(phaseEnd,
                            nextPacketEstimate(config.flowControl() ? phaseEnd : Long.MIN_VALUE)));
                }
            }
            case RESETTING -> { }
        }
        if (next == NEVER || (wake != null && wakeAt <= next && !wake.isDisposed())) {
            return;
        }
        if (wake != null) {
            wake.dispose();
        }
        wakeAt = next;
        long delay = next - now();
        Runnable task = () -> {
            synchronized (this) {
                wake = null;
                wakeAt = NEVER;
                advance(now());
                handOver();
                scheduleWake();
            }
        };
        wake = delay <= 0 ? worker.schedule(task) : worker.schedule(task, delay, TimeUnit.NANOSECONDS);
    }

    /** Gives the host every answer due by now and tells the reset listeners of every reset due, in order. */
    private void handOver() {
        long now = now();
        while (!notices.isEmpty() && notices.peek().at() <= now) {
            byte[] f = notices.poll().frame();
            if (f == null) {
                for (Runnable listener : resetListeners) {
                    listener.run();
                }
                continue;
            }
            Consumer<byte[]> h = host;
            if (h != null) {
                h.accept(f);
            }
        }
    }

    /**
     * The earliest moment a packet may complete, were the line held no longer than until {@code notBefore} (with
     * byte corruption any byte may turn into an END): never later than the real moment.
     */
    private long nextPacketEstimate(long notBefore) {
        return corruptRate > 0 ? line.nextArrival() : line.nextEndArrival(notBefore);
    }

    /**
     * Hands {@code frame} to the host at model time {@code at}, after every frame due before it (by the wake timer,
     * which every caller of the timeline re-arms).
     */
    private void deliver(long at, byte[] frame) {
        post(at, frame);
    }

    private void post(long at, byte[] frame) {
        notices.add(new Notice(Math.max(at, now()), noticeSeq++, frame));
    }

    private long now() {
        return scheduler.now(TimeUnit.NANOSECONDS);
    }

    private void traceFrame(FrameTrace.Direction direction, byte[] message, String note) {
        if (trace != null) {
            trace.frame(direction, modelNow, message, note);
        }
    }

    private void event(String what) {
        if (trace != null) {
            trace.event(modelNow, what);
        }
    }

    // ---------------------------------------------------------------- control and inspection

    /** Presses reset: the board reboots (into the application when one is valid, unless it stays in DFU mode). */
    public synchronized void reset() {
        sync();
        reset(false, "reset pressed");
        scheduleWake();
    }

    /** Resets with the DFU button held: the board reboots into DFU mode whatever it holds. */
    public synchronized void enterDfu() {
        sync();
        reset(true, "reset with the DFU button held");
        scheduleWake();
    }

    /** The configuration. */
    public SimulatorConfig config() {
        return config;
    }

    /** The scheduler every delay runs on. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** What the board runs now. */
    public synchronized SimulatedBootloader.Mode mode() {
        sync();
        return mode;
    }

    /** The settings as held in RAM now (the bootloader's view, including unsaved progress). */
    public synchronized Settings settings() {
        sync();
        return bootloader.settings();
    }

    /** The application in bank 0 (its length from the settings), or empty when there is no valid one. */
    public synchronized Optional<byte[]> application() {
        sync();
        return bootloader.application();
    }

    /** The receiving bank; see {@link SimulatedBootloader#bank1()}. */
    public synchronized byte[] bank1() {
        sync();
        return bootloader.bank1();
    }

    /** A copy of the whole flash (settings and their backup included), for persisting the board. */
    public synchronized byte[] flashImage() {
        sync();
        return bootloader.flash().snapshot();
    }

    /** A number that grows with every flash erase or write: two equal readings mean the flash did not change. */
    public synchronized long flashGeneration() {
        sync();
        Flash f = bootloader.flash();
        return f.pagesErased() + f.wordsWritten();
    }

    /** Whether the SLIP input is full and the device ignores everything until reset. */
    public synchronized boolean jammed() {
        sync();
        return slip.jammed();
    }

    /** The counters so far. */
    public synchronized Counters counters() {
        sync();
        return new Counters(framesReceived, rxOverflows, badEscapesBefore + slip.badEscapes(),
                refusedBefore + slip.refusedBytes(), bytesLost, responsesSent, responsesLost,
                bootloader.commandCreates(), bootloader.dataCreates(), bootloader.executes(), resets, bytesDropped,
                bytesCorrupted);
    }

    /** The bootloader state machine (for tests that look deeper; call under no assumption of quiescence). */
    public SimulatedBootloader bootloader() {
        return bootloader;
    }

    /** Stops the device's timers. */
    @Override
    public void dispose() {
        worker.dispose();
    }

    @Override
    public boolean isDisposed() {
        return worker.isDisposed();
    }
}
