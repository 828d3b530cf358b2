package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.OpCode;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one update is run: a record of small records, one per concern. Immutable; made with {@link #builder()}
 * ({@link #defaults()} for the defaults), changed with {@link #toBuilder()}.
 *
 * @param flowControl     PRN interval and credit window ({@link FlowControl})
 * @param timeouts        per-opcode answer timeouts and port timeouts ({@link Timeouts})
 * @param retries         retry budgets, backoff and the bound on time without progress ({@link Retries})
 * @param silentDevice    the escalation ladder for a device that does not answer ({@link SilentDevice})
 * @param policy          resume verified progress (default) or always restart from zero
 * @param chunkSize       data bytes per WRITE when set; always clamped to what the device's MTU allows
 *                        ({@link dev.reactivedfu.protocol.Mtu#maxWritePayload(int)})
 * @param probeDeviceInfo whether to ask protocol, hardware and firmware versions once per update (answers "not
 *                        supported" are fine) and check the package against them before sending it
 * @param scheduler       the scheduler for timeouts and delays, if set (else {@link Schedulers#parallel()})
 */
public record DfuOptions(FlowControl flowControl, Timeouts timeouts, Retries retries, SilentDevice silentDevice,
                         ResumePolicy policy, OptionalInt chunkSize, boolean probeDeviceInfo,
                         Optional<Scheduler> scheduler) {

    /** Default PRN interval: 3 writes per notification. */
    public static final int DEFAULT_PRN = 3;
    /** Default window: one notification's worth of writes in flight. */
    public static final int DEFAULT_WINDOW = 1;
    /** Default floor of the adaptive window: the 3 RX buffers of Nordic's UART transport. */
    public static final int DEFAULT_FLOOR = 3;
    /** Default ceiling of the adaptive window, in writes (a little over two 4 KiB objects of 64-byte writes). */
    public static final int DEFAULT_CEILING = 144;

    private static final DfuOptions DEFAULTS = builder().build();

    public DfuOptions {
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(silentDevice, "silentDevice");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(chunkSize, "chunkSize");
        Objects.requireNonNull(scheduler, "scheduler");
        if (chunkSize.isPresent() && chunkSize.getAsInt() < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, was " + chunkSize.getAsInt());
        }
    }

    /**
     * Flow control: the credit window (DESIGN.md, "Credits and the window"). With PRN {@code n > 0} the device
     * answers every {@code n}-th WRITE since the last CREATE (or SET PRN) with a CRC notification; notifications are
     * the credits, and at most a window of writes is ever unacknowledged.
     *
     * <p>Adaptive (the default): the window starts at {@code prn × window} writes (or at what the port learned in
     * its last update) and adapts while the update runs, as TCP does: it doubles after each clean object until the
     * first loss, then grows by a quarter object per clean object, and halves on a loss, between {@code floor}
     * (3 writes: the RX buffers of Nordic's UART transport while flash is busy, safe without flow control) and
     * {@code ceiling} (what the port can buffer when RTS/CTS flow control holds the host back). The PRN interval is
     * then chosen per object so that a notification lands on the object's last write (it stands in for the CRC
     * request) and at least two notifications fit in the window. With PRN 0 the device never answers writes and
     * the CRC is asked at the end of every object; a loss switches notifications on at the floor.
     *
     * <p>Not adaptive: PRN {@code prn} on every object and at most {@code window × prn} writes unacknowledged.
     *
     * @param prn      PRN interval to start with, 0..65535; 0 switches notifications off
     * @param window   notifications' worth of writes in flight to start with, at least 1
     * @param adaptive whether the window adapts (and the PRN is chosen per object)
     * @param floor    fewest writes in flight the adaptive window shrinks to, at least 1
     * @param ceiling  most writes in flight the adaptive window grows to, at least {@code floor}
     */
    public record FlowControl(int prn, int window, boolean adaptive, int floor, int ceiling) {
        public FlowControl {
            if (prn < 0 || prn > 0xFFFF) {
                throw new IllegalArgumentException("PRN must be 0..65535, was " + prn);
            }
            Checks.positive(window, "window");
            Checks.positive(floor, "window floor");
            if (ceiling < floor) {
                throw new IllegalArgumentException("window ceiling " + ceiling + " is below its floor " + floor);
            }
        }
    }

    /**
     * Timeouts. One per opcode ({@link #of(OpCode)}): CREATE erases a flash page before it answers (85 ms on
     * nRF52840, more on a busy device) and EXECUTE validates a signature and hashes the image (seconds), so their
     * defaults are longer. The WRITE timeout bounds the wait for a PRN notification once the writes it acknowledges
     * were sent.
     *
     * @param perOpCode the answer timeout of every opcode
     * @param open      how long opening a port, pulsing its reset lines or closing it may take before it counts as
     *                  failed (the port then is treated as gone: {@link dev.reactivedfu.error.TransportClosedException})
     * @param reboot    how long a device may take to answer again after the reset that follows an image's final
     *                  EXECUTE
     */
    public record Timeouts(Map<OpCode, Duration> perOpCode, Duration open, Duration reboot) {
        public Timeouts {
            EnumMap<OpCode, Duration> copy = new EnumMap<>(OpCode.class);
            copy.putAll(perOpCode);
            for (OpCode op : OpCode.values()) {
                if (!copy.containsKey(op)) {
                    throw new IllegalArgumentException("no timeout for " + op);
                }
                Checks.positive(copy.get(op), "timeout of " + op);
            }
            perOpCode = Map.copyOf(copy);
            Checks.positive(open, "open timeout");
            Checks.positive(reboot, "reboot timeout");
        }

        /** The timeout for an answer to a request with this opcode (for WRITE: for a PRN notification). */
        public Duration of(OpCode opCode) {
            return perOpCode.get(opCode);
        }
    }

    /**
     * Retry budgets. Line faults (a CRC or PRN mismatch, a timeout, a garbled answer) are retried on the same
     * connection up to {@code perObject} times for one object; a lost connection or a silent device is retried with a
     * new connection up to {@code perImage} times per image; all retries of one update together are bounded by
     * {@code perDevice}. The n-th retry waits {@link Backoff#delay(Duration, Duration, int)} from {@code backoffMin}
     * to {@code backoffMax}, with n counted per image. When a budget runs out the update fails with
     * {@link dev.reactivedfu.error.RetriesExhaustedException}. Budgets count retries in a row without progress:
     * verified progress refills them. Whatever the budgets, an update that makes no verified progress (no CRC verified
     * or object executed beyond what was verified before) for {@code withoutProgress}, plus at most one wait of the
     * bootloader's inactivity timer, fails with {@link dev.reactivedfu.error.DeviceUnresponsiveException}: a device
     * that recovers after its inactivity reset and then misbehaves again cannot multiply the wait.
     *
     * @param perObject       retries of one object on the same connection, at least 0
     * @param perImage        retries with a new connection (and retries of exhausted objects) for one image
     * @param perDevice       all retries of one update
     * @param backoffMin      wait before the first retry; doubled for each further retry of the same image
     * @param backoffMax      longest wait between retries
     * @param withoutProgress the longest time one update may spend without verified progress, besides one wait of the
     *                        inactivity timer
     */
    public record Retries(int perObject, int perImage, int perDevice, Duration backoffMin, Duration backoffMax,
                          Duration withoutProgress) {
        public Retries {
            Checks.notNegative(perObject, "retriesPerObject");
            Checks.notNegative(perImage, "retriesPerImage");
            Checks.notNegative(perDevice, "retriesPerDevice");
            Checks.positive(backoffMin, "backoff min");
            Checks.positive(backoffMax, "backoff max");
            if (backoffMax.compareTo(backoffMin) < 0) {
                throw new IllegalArgumentException("backoff max " + backoffMax + " is below min " + backoffMin);
            }
            Checks.positive(withoutProgress, "withoutProgress");
        }

        /** The backoff before retry number {@code n} (1-based). */
        Duration backoff(int n) {
            return Backoff.delay(backoffMin, backoffMax, n);
        }
    }

    /**
     * A silent device. A connection starts with up to {@code pingAttempts} pings (fresh ids, backoff from
     * {@code pingBackoff}); if none is answered the engine pulses the reset lines where the transport supports it and
     * pings again, then waits out the bootloader's inactivity timer ({@code inactivityWait}, zero to skip) and pings
     * again, and finally fails with {@link dev.reactivedfu.error.DeviceUnresponsiveException}.
     *
     * @param pingAttempts   pings per round when a connection starts (each with a fresh id), at least 1
     * @param pingBackoff    wait after the first unanswered ping of a round; doubled after each further one
     * @param inactivityWait how long to wait out the bootloader's inactivity timer (120 s); zero skips that step
     */
    public record SilentDevice(int pingAttempts, Duration pingBackoff, Duration inactivityWait) {
        public SilentDevice {
            Checks.positive(pingAttempts, "pingAttempts");
            Checks.notNegative(pingBackoff, "pingBackoff");
            Checks.notNegative(inactivityWait, "inactivityWait");
        }
    }

    /** The defaults. */
    public static DfuOptions defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The answer timeout of {@code opCode}: shorthand for {@code timeouts().of(opCode)}. */
    public Duration timeout(OpCode opCode) {
        return timeouts.of(opCode);
    }

    /** The scheduler timeouts and delays run on: the one set, else {@link Schedulers#parallel()}. */
    Scheduler schedulerOrDefault() {
        return scheduler.orElseGet(Schedulers::parallel);
    }

    /**
     * Builds {@link DfuOptions} field by field (the names scripts and other modules use); every setter checks its
     * argument at once.
     */
    public static final class Builder {
        private FlowControl flowControl = new FlowControl(DEFAULT_PRN, DEFAULT_WINDOW, true, DEFAULT_FLOOR,
                DEFAULT_CEILING);
        private final Map<OpCode, Duration> timeouts = new EnumMap<>(OpCode.class);
        private Duration openTimeout = Duration.ofSeconds(10);
        private Duration rebootTimeout = Duration.ofSeconds(15);
        private Retries retries = new Retries(3, 5, 20, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ofSeconds(60));
        private SilentDevice silentDevice = new SilentDevice(5, Duration.ofMillis(50), Duration.ofSeconds(125));
        private ResumePolicy policy = ResumePolicy.RESUME;
        private OptionalInt chunkSize = OptionalInt.empty();
        private boolean probeDeviceInfo = true;
        private Scheduler scheduler;

        private Builder() {
            for (OpCode op : OpCode.values()) {
                timeouts.put(op, Duration.ofSeconds(1));
            }
            timeouts.put(OpCode.PING, Duration.ofMillis(250));
            // CREATE of a data object erases a flash page before answering
            timeouts.put(OpCode.CREATE, Duration.ofSeconds(2));
            // EXECUTE of the init packet checks a signature, the final one hashes the whole image
            timeouts.put(OpCode.EXECUTE, Duration.ofSeconds(10));
        }

        private Builder(DfuOptions o) {
            this.flowControl = o.flowControl;
            this.timeouts.putAll(o.timeouts.perOpCode());
            this.openTimeout = o.timeouts.open();
            this.rebootTimeout = o.timeouts.reboot();
            this.retries = o.retries;
            this.silentDevice = o.silentDevice;
            this.policy = o.policy;
            this.chunkSize = o.chunkSize;
            this.probeDeviceInfo = o.probeDeviceInfo;
            this.scheduler = o.scheduler.orElse(null);
        }

        /** PRN interval to start with, 0..65535; 0 switches notifications off. */
        public Builder prn(int prn) {
            FlowControl f = flowControl;
            flowControl = new FlowControl(prn, f.window(), f.adaptive(), f.floor(), f.ceiling());
            return this;
        }

        /** Notifications' worth of writes in flight to start with, at least 1. */
        public Builder window(int window) {
            FlowControl f = flowControl;
            flowControl = new FlowControl(f.prn(), window, f.adaptive(), f.floor(), f.ceiling());
            return this;
        }

        /** Whether the window adapts to losses and clean objects (default) or stays as configured. */
        public Builder adaptive(boolean adaptive) {
            FlowControl f = flowControl;
            flowControl = new FlowControl(f.prn(), f.window(), adaptive, f.floor(), f.ceiling());
            return this;
        }

        /** Fewest and most writes in flight for the adaptive window. */
        public Builder windowLimits(int floor, int ceiling) {
            FlowControl f = flowControl;
            flowControl = new FlowControl(f.prn(), f.window(), f.adaptive(), floor, ceiling);
            return this;
        }

        /** The whole flow-control record. */
        public Builder flowControl(FlowControl flowControl) {
            this.flowControl = Objects.requireNonNull(flowControl, "flowControl");
            return this;
        }

        /** Timeout for the answer to {@code opCode} (for WRITE: for a PRN notification). */
        public Builder timeout(OpCode opCode, Duration timeout) {
            timeouts.put(Objects.requireNonNull(opCode, "opCode"), Checks.positive(timeout, "timeout"));
            return this;
        }

        /** Retries of one object on the same connection, at least 0. */
        public Builder retriesPerObject(int n) {
            Retries r = retries;
            retries = new Retries(n, r.perImage(), r.perDevice(), r.backoffMin(), r.backoffMax(), r.withoutProgress());
            return this;
        }

        /** Retries with a new connection per image, at least 0. */
        public Builder retriesPerImage(int n) {
            Retries r = retries;
            retries = new Retries(r.perObject(), n, r.perDevice(), r.backoffMin(), r.backoffMax(), r.withoutProgress());
            return this;
        }

        /** All retries of one update, at least 0. */
        public Builder retriesPerDevice(int n) {
            Retries r = retries;
            retries = new Retries(r.perObject(), r.perImage(), n, r.backoffMin(), r.backoffMax(), r.withoutProgress());
            return this;
        }

        /** Backoff between retries: {@code min × 2^(n-1)}, at most {@code max}. */
        public Builder backoff(Duration min, Duration max) {
            Retries r = retries;
            retries = new Retries(r.perObject(), r.perImage(), r.perDevice(), min, max, r.withoutProgress());
            return this;
        }

        /** The longest time one update may spend without verified progress, besides one inactivity wait (60 s). */
        public Builder withoutProgress(Duration limit) {
            Retries r = retries;
            retries = new Retries(r.perObject(), r.perImage(), r.perDevice(), r.backoffMin(), r.backoffMax(), limit);
            return this;
        }

        /** The whole retries record. */
        public Builder retries(Retries retries) {
            this.retries = Objects.requireNonNull(retries, "retries");
            return this;
        }

        /** Resume (default) or always restart. */
        public Builder policy(ResumePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Data bytes per WRITE (clamped to the device's MTU); at least 1. */
        public Builder chunkSize(int bytes) {
            this.chunkSize = OptionalInt.of(Checks.positive(bytes, "chunkSize"));
            return this;
        }

        /** Pings per round at connection start, at least 1. */
        public Builder pingAttempts(int attempts) {
            SilentDevice s = silentDevice;
            silentDevice = new SilentDevice(attempts, s.pingBackoff(), s.inactivityWait());
            return this;
        }

        /** Wait after the first unanswered ping of a round, doubled after each further one. */
        public Builder pingBackoff(Duration backoff) {
            SilentDevice s = silentDevice;
            silentDevice = new SilentDevice(s.pingAttempts(), backoff, s.inactivityWait());
            return this;
        }

        /** How long to wait out the bootloader's inactivity timer; {@link Duration#ZERO} skips the step. */
        public Builder inactivityWait(Duration wait) {
            SilentDevice s = silentDevice;
            silentDevice = new SilentDevice(s.pingAttempts(), s.pingBackoff(), wait);
            return this;
        }

        /** The whole silent-device record. */
        public Builder silentDevice(SilentDevice silentDevice) {
            this.silentDevice = Objects.requireNonNull(silentDevice, "silentDevice");
            return this;
        }

        /** How long a device may take to come back after an image's final EXECUTE. */
        public Builder rebootTimeout(Duration timeout) {
            this.rebootTimeout = Checks.positive(timeout, "rebootTimeout");
            return this;
        }

        /** How long opening, resetting or closing a port may take. */
        public Builder openTimeout(Duration timeout) {
            this.openTimeout = Checks.positive(timeout, "openTimeout");
            return this;
        }

        /** Whether to ask protocol, hardware and firmware versions once per update. */
        public Builder probeDeviceInfo(boolean probe) {
            this.probeDeviceInfo = probe;
            return this;
        }

        /** Scheduler for timeouts and delays ({@code null}: {@link Schedulers#parallel()}). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** The options. */
        public DfuOptions build() {
            return new DfuOptions(flowControl, new Timeouts(timeouts, openTimeout, rebootTimeout), retries,
                    silentDevice, policy, chunkSize, probeDeviceInfo, Optional.ofNullable(scheduler));
        }
    }

    /** Argument checks shared by the records. */
    private static final class Checks {
        private Checks() {
        }

        static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + v);
            }
            return v;
        }

        static int notNegative(int v, String name) {
            if (v < 0) {
                throw new IllegalArgumentException(name + " must not be negative, was " + v);
            }
            return v;
        }

        static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }

        static Duration notNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return d;
        }
    }
}
