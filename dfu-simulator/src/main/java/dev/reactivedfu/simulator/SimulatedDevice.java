package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.Slip;
import reactor.core.Disposable;
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
 * Every modelled delay runs on the {@link Scheduler} given at creation (pass a {@code VirtualTimeScheduler} to run
 * whole updates in virtual time). Without timing the device still goes through the scheduler, with zero delays.
 * With timing, bytes take {@code 10 / baud} s on the wire each way plus {@link SimulatorConfig#latency()}; the CPU
 * processes one packet at a time and is held by flash work (a data CREATE answers after its page erase; writes and
 * settings saves hold it after the answer); a packet keeps its RX buffer until then, and a frame that completes while
 * all {@link SimulatorConfig#rxBuffers()} buffers are held is dropped; a response produced while the transmitter is
 * still sending the previous one is lost (Nordic's UART answers only when its transmitter is idle).
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
     */
    public record Counters(long framesReceived, long rxOverflows, long badEscapes, long refusedBytes, long bytesLost,
                           long responsesSent, long responsesLost, long commandCreates, long dataCreates,
                           long executes, long resets) {
        /** Frames received but never processed: RX overflows and bad escapes. */
        public long framesDropped() {
            return rxOverflows + badEscapes;
        }
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

    private NordicSlipInput slip;
    private SimulatedBootloader.Mode mode;
    private final ArrayDeque<NordicSlipInput.Packet> rxQueue = new ArrayDeque<>();
    private boolean cpuBusy;
    private long epoch;
    private long listeningFrom;
    private long stalledUntil;
    private long rxLineFreeAt;
    private long txLineFreeAt;
    private boolean resetFired;
    private boolean stallFired;
    private Disposable inactivity;
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
        synchronized (this) {
            boot(true);
            listeningFrom = now(); // created = powered on and booted
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
     * The host writes {@code bytes} to the line. They reach the device after their wire time and the latency
     * (immediately without timing) and are fed to its SLIP input byte by byte.
     *
     * @return how long until the bytes have left the host (their wire time after what is already queued)
     */
    public synchronized Duration hostWrite(byte[] bytes) {
        long now = now();
        long start = Math.max(now, rxLineFreeAt);
        rxLineFreeAt = start + config.wireTime(bytes.length).toNanos();
        long arrival = rxLineFreeAt + config.latency().toNanos();
        byte[] copy = bytes.clone();
        schedule(() -> receive(copy), arrival - now);
        return Duration.ofNanos(rxLineFreeAt - now);
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

    // ---------------------------------------------------------------- inside the device

    private void receive(byte[] bytes) {
        long now = now();
        if (mode != SimulatedBootloader.Mode.DFU || now < listeningFrom || now < stalledUntil) {
            bytesLost += bytes.length;
            event(bytes.length + " bytes lost: the device is "
                    + (mode != SimulatedBootloader.Mode.DFU ? "running the application"
                    : now < listeningFrom ? "booting" : "stalled"));
            return;
        }
        boolean jammedBefore = slip.jammed();
        for (byte raw : bytes) {
            int b = raw & 0xFF;
            if (dropRate > 0 && random.nextDouble() < dropRate) {
                bytesLost++;
                continue;
            }
            if (corruptRate > 0 && random.nextDouble() < corruptRate) {
                b ^= 1 << random.nextInt(8);
            }
            NordicSlipInput.Packet packet = slip.add(b);
            if (packet != null) {
                onPacket(packet);
            }
        }
        if (!jammedBefore && slip.jammed()) {
            event("SLIP input full: the device ignores everything until it is reset");
        }
    }

    private void onPacket(NordicSlipInput.Packet packet) {
        framesReceived++;
        if (!config.flowControl() && rxQueue.size() >= config.rxBuffers()) {
            rxOverflows++;
            traceFrame(FrameTrace.Direction.IN, packet.bytes(), "dropped: all RX buffers busy");
            return;
        }
        traceFrame(FrameTrace.Direction.IN, packet.bytes(), packet.replay() ? "empty frame: previous packet replayed" : "");
        rxQueue.add(packet);
        if (!cpuBusy) {
            processNext();
        }
    }

    private void processNext() {
        NordicSlipInput.Packet packet = rxQueue.peek();
        if (packet == null) {
            return;
        }
        cpuBusy = true;
        long e = epoch;
        SimulatedBootloader.Reaction r = bootloader.handle(packet.buffer(), packet.length());
        long offset = bootloader.settings().progress().firmwareOffset();
        if (resetAtOffset.isPresent() && !resetFired && offset >= resetAtOffset.get().offset()) {
            resetFired = true;
            event("fault: reset at data offset " + offset);
            reset(false);
            return;
        }
        long stallNanos = 0;
        if (stall.isPresent() && !stallFired && offset >= stall.get().atOffset() && offset > 0) {
            stallFired = true;
            stallNanos = stall.get().duration().toNanos();
            stalledUntil = now() + stallNanos;
            event("fault: stalled for " + stall.get().duration().toMillis() + " ms at data offset " + offset);
        }
        if (r.progressed()) {
            restartInactivity();
        }
        long before = r.beforeResponse().duration(config.flashTiming()).toNanos() + stallNanos;
        long after = r.afterResponse().duration(config.flashTiming()).toNanos();
        // without a delay the packet completes inline: a zero-delay task would queue behind bytes already received
        // and let them fill the RX buffers, which only flash work may do
        later(() -> {
            if (epoch != e) {
                return;
            }
            long txDone = transmit(r);
            if (r.reset()) {
                schedule(() -> {
                    if (epoch == e) {
                        reset(false);
                    }
                }, Math.max(after, txDone - now()));
                return;
            }
            later(() -> {
                if (epoch != e) {
                    return;
                }
                rxQueue.poll();
                cpuBusy = false;
                processNext();
            }, after);
        }, before);
    }

    private void later(Runnable task, long delayNanos) {
        if (delayNanos <= 0) {
            task.run();
        } else {
            schedule(task, delayNanos);
        }
    }

    /** Puts the responses on the wire; returns when the last one has left the device. */
    private long transmit(SimulatedBootloader.Reaction r) {
        long now = now();
        long done = now;
        for (byte[] message : r.responses()) {
            byte[] frame = Slip.encode(message);
            if (config.baud() > 0) {
                if (txLineFreeAt > now) {
                    responsesLost++;
                    traceFrame(FrameTrace.Direction.OUT, message, "lost: transmitter busy");
                    continue;
                }
                txLineFreeAt = now + config.wireTime(frame.length).toNanos();
                done = txLineFreeAt;
            }
            responsesSent++;
            traceFrame(FrameTrace.Direction.OUT, message, "");
            long deliverAt = done + config.latency().toNanos();
            schedule(() -> deliver(frame), deliverAt - now);
        }
        return done;
    }

    private void deliver(byte[] frame) {
        Consumer<byte[]> h = host;
        if (h != null) {
            h.accept(frame);
        }
    }

    private void reset(boolean enterDfu) {
        resets++;
        boot(enterDfu);
        for (Runnable listener : resetListeners) {
            listener.run();
        }
    }

    private void boot(boolean enterDfu) {
        epoch++;
        rxQueue.clear();
        cpuBusy = false;
        if (slip != null) {
            badEscapesBefore += slip.badEscapes();
            refusedBefore += slip.refusedBytes();
        }
        slip = new NordicSlipInput(config.mtu());
        if (inactivity != null) {
            inactivity.dispose();
            inactivity = null;
        }
        SimulatedBootloader.Boot b = bootloader.boot(enterDfu, staleProgress);
        mode = b.mode();
        long now = now();
        listeningFrom = now + b.work().duration(config.flashTiming()).toNanos();
        stalledUntil = 0;
        txLineFreeAt = now;
        event("boot: " + mode + (b.activated() ? " after activating the received image" : ""));
        if (mode == SimulatedBootloader.Mode.DFU) {
            restartInactivity();
        }
    }

    private void restartInactivity() {
        if (inactivity != null) {
            inactivity.dispose();
            inactivity = null;
        }
        if (config.inactivityTimeout().isZero()) {
            return;
        }
        long e = epoch;
        inactivity = schedule(() -> {
            if (epoch == e) {
                event("inactivity timeout");
                reset(false);
            }
        }, config.inactivityTimeout().toNanos());
    }

    private Disposable schedule(Runnable task, long delayNanos) {
        Runnable locked = () -> {
            synchronized (this) {
                task.run();
            }
        };
        return delayNanos <= 0 ? worker.schedule(locked) : worker.schedule(locked, delayNanos, TimeUnit.NANOSECONDS);
    }

    private long now() {
        return scheduler.now(TimeUnit.NANOSECONDS);
    }

    private void traceFrame(FrameTrace.Direction direction, byte[] message, String note) {
        if (trace != null) {
            trace.frame(direction, now(), message, note);
        }
    }

    private void event(String what) {
        if (trace != null) {
            trace.event(now(), what);
        }
    }

    // ---------------------------------------------------------------- control and inspection

    /** Presses reset: the board reboots (into the application when one is valid, unless it stays in DFU mode). */
    public void reset() {
        schedule(() -> reset(false), 0);
    }

    /** Resets with the DFU button held: the board reboots into DFU mode whatever it holds. */
    public void enterDfu() {
        schedule(() -> reset(true), 0);
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
        return mode;
    }

    /** The settings as held in RAM now (the bootloader's view, including unsaved progress). */
    public synchronized Settings settings() {
        return bootloader.settings();
    }

    /** The application in bank 0 (its length from the settings), or empty when there is no valid one. */
    public synchronized Optional<byte[]> application() {
        return bootloader.application();
    }

    /** The receiving bank; see {@link SimulatedBootloader#bank1()}. */
    public synchronized byte[] bank1() {
        return bootloader.bank1();
    }

    /** A copy of the whole flash (settings and their backup included), for persisting the board. */
    public synchronized byte[] flashImage() {
        return bootloader.flash().snapshot();
    }

    /** A number that grows with every flash erase or write: two equal readings mean the flash did not change. */
    public synchronized long flashGeneration() {
        Flash f = bootloader.flash();
        return f.pagesErased() + f.wordsWritten();
    }

    /** Whether the SLIP input is full and the device ignores everything until reset. */
    public synchronized boolean jammed() {
        return slip.jammed();
    }

    /** The counters so far. */
    public synchronized Counters counters() {
        return new Counters(framesReceived, rxOverflows, badEscapesBefore + slip.badEscapes(),
                refusedBefore + slip.refusedBytes(), bytesLost, responsesSent, responsesLost,
                bootloader.commandCreates(), bootloader.dataCreates(), bootloader.executes(), resets);
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
