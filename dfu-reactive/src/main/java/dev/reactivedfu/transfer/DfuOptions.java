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
 * How one update is run: flow control, timeouts, retry budgets and the resume policy. Immutable; made with
 * {@link #builder()} ({@link #defaults()} for the defaults), changed with {@link #toBuilder()}.
 *
 * <h2>Flow control</h2>
 * With PRN {@code n > 0} the device answers every {@code n}-th WRITE since the last CREATE (or SET PRN) with a CRC
 * notification; the engine keeps at most {@code window} notifications' worth of writes unacknowledged, that is at
 * most {@code window × n} writes. The defaults ({@code prn 3}, {@code window 1}: never more than 3 writes
 * unacknowledged, the number of RX buffers of Nordic's UART transport) are safe on the stock UART bootloader with
 * and without RTS/CTS flow control. With flow control, a larger window is faster. With PRN 0 the device never
 * answers writes; the engine then sends each write only after the previous one was handed to the port and checks
 * the CRC at the end of every object. When writes are lost the engine halves the window (then the PRN) for the
 * device and widens them back after {@link #cleanObjectsToWiden()} clean objects, never beyond these values
 * (unless {@link #adaptive()} is off).
 *
 * <h2>Timeouts</h2>
 * One per opcode ({@link #timeout(OpCode)}). CREATE erases a flash page before it answers (85 ms on nRF52840, more
 * on a busy device) and EXECUTE validates a signature and hashes the image (seconds), so their defaults are longer.
 * The WRITE timeout bounds the wait for a PRN notification once the writes it acknowledges were sent.
 *
 * <h2>Retries</h2>
 * Line faults (a CRC or PRN mismatch, a timeout, a garbled answer) are retried on the same connection up to
 * {@link #retriesPerObject()} times for one object; a lost connection or a silent device is retried with a new
 * connection up to {@link #retriesPerImage()} times per image; all retries of one update together are bounded by
 * {@link #retriesPerDevice()}. The n-th retry waits {@code min(backoffMin × 2^(n-1), backoffMax)}, with n counted
 * per image. When a budget runs out the update fails with
 * {@link dev.reactivedfu.error.RetriesExhaustedException}.
 *
 * <h2>A silent device</h2>
 * A connection starts with up to {@link #pingAttempts()} pings (fresh ids, backoff from {@link #pingBackoff()});
 * if none is answered the engine pulses the reset lines where the transport supports it and pings again, then waits
 * out the bootloader's inactivity timer ({@link #inactivityWait()}, zero to skip) and pings again, and finally
 * fails with {@link dev.reactivedfu.error.DeviceUnresponsiveException}. After the final EXECUTE of an image the
 * device resets; the engine waits at most {@link #rebootTimeout()} for it to answer again.
 */
public final class DfuOptions {

    /** Default PRN interval: 3 writes per notification. */
    public static final int DEFAULT_PRN = 3;
    /** Default window: one notification's worth of writes in flight. */
    public static final int DEFAULT_WINDOW = 1;

    private static final DfuOptions DEFAULTS = builder().build();

    private final int prn;
    private final int window;
    private final boolean adaptive;
    private final int cleanObjectsToWiden;
    private final Map<OpCode, Duration> timeouts;
    private final int retriesPerObject;
    private final int retriesPerImage;
    private final int retriesPerDevice;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final ResumePolicy policy;
    private final OptionalInt chunkSize;
    private final int pingAttempts;
    private final Duration pingBackoff;
    private final Duration inactivityWait;
    private final Duration rebootTimeout;
    private final Duration openTimeout;
    private final boolean probeDeviceInfo;
    private final Scheduler scheduler;

    private DfuOptions(Builder b) {
        this.prn = b.prn;
        this.window = b.window;
        this.adaptive = b.adaptive;
        this.cleanObjectsToWiden = b.cleanObjectsToWiden;
        this.timeouts = Map.copyOf(b.timeouts);
        this.retriesPerObject = b.retriesPerObject;
        this.retriesPerImage = b.retriesPerImage;
        this.retriesPerDevice = b.retriesPerDevice;
        this.backoffMin = b.backoffMin;
        this.backoffMax = b.backoffMax;
        this.policy = b.policy;
        this.chunkSize = b.chunkSize;
        this.pingAttempts = b.pingAttempts;
        this.pingBackoff = b.pingBackoff;
        this.inactivityWait = b.inactivityWait;
        this.rebootTimeout = b.rebootTimeout;
        this.openTimeout = b.openTimeout;
        this.probeDeviceInfo = b.probeDeviceInfo;
        this.scheduler = b.scheduler;
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

    /** PRN interval: the device answers every n-th write with a CRC notification; 0 switches notifications off. */
    public int prn() {
        return prn;
    }

    /** Notifications' worth of writes that may be unacknowledged at once (at least 1). */
    public int window() {
        return window;
    }

    /** Whether the engine narrows window and PRN on lost writes and widens them again after clean objects. */
    public boolean adaptive() {
        return adaptive;
    }

    /** Clean data objects in a row after which a narrowed window (or PRN) is doubled again. */
    public int cleanObjectsToWiden() {
        return cleanObjectsToWiden;
    }

    /** The timeout for an answer to a request with this opcode (for WRITE: for a PRN notification). */
    public Duration timeout(OpCode opCode) {
        return timeouts.get(opCode);
    }

    /** Retries of one object (line faults on the same connection) before the image is retried with a new connection. */
    public int retriesPerObject() {
        return retriesPerObject;
    }

    /** Retries with a new connection (and retries of exhausted objects) for one image. */
    public int retriesPerImage() {
        return retriesPerImage;
    }

    /** All retries of one update. */
    public int retriesPerDevice() {
        return retriesPerDevice;
    }

    /** Wait before the first retry; doubled for each further retry of the same image. */
    public Duration backoffMin() {
        return backoffMin;
    }

    /** Longest wait between retries. */
    public Duration backoffMax() {
        return backoffMax;
    }

    /** Resume verified progress (default) or always restart from zero. */
    public ResumePolicy policy() {
        return policy;
    }

    /**
     * Data bytes per WRITE, when set; always clamped to what the device's MTU allows
     * ({@link dev.reactivedfu.protocol.Mtu#maxWritePayload(int)}), so no frame is ever longer than the MTU.
     */
    public OptionalInt chunkSize() {
        return chunkSize;
    }

    /** Pings per round when a connection starts (each with a fresh id). */
    public int pingAttempts() {
        return pingAttempts;
    }

    /** Wait after the first unanswered ping of a round; doubled after each further one. */
    public Duration pingBackoff() {
        return pingBackoff;
    }

    /** How long to wait out the bootloader's inactivity timer (120 s) for a silent device; zero skips that step. */
    public Duration inactivityWait() {
        return inactivityWait;
    }

    /** How long a device may take to answer again after the reset that follows an image's final EXECUTE. */
    public Duration rebootTimeout() {
        return rebootTimeout;
    }

    /**
     * How long opening a port, pulsing its reset lines or closing it may take before it counts as failed (the port
     * then is treated as gone: {@link dev.reactivedfu.error.TransportClosedException}).
     */
    public Duration openTimeout() {
        return openTimeout;
    }

    /** Whether to ask protocol, hardware and firmware versions once per update (answers "not supported" are fine). */
    public boolean probeDeviceInfo() {
        return probeDeviceInfo;
    }

    /** The scheduler set for timeouts and delays, if any. */
    public Optional<Scheduler> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    /** The scheduler timeouts and delays run on: the one set, else {@link Schedulers#parallel()}. */
    Scheduler schedulerOrDefault() {
        return scheduler != null ? scheduler : Schedulers.parallel();
    }

    /** The backoff before retry number {@code n} (1-based) of an image. */
    Duration backoff(int n) {
        Duration d = backoffMin;
        for (int i = 1; i < n && d.compareTo(backoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }

    @Override
    public String toString() {
        return "DfuOptions[prn=" + prn + ", window=" + window + ", adaptive=" + adaptive + ", policy=" + policy
                + ", retries=" + retriesPerObject + "/" + retriesPerImage + "/" + retriesPerDevice
                + ", chunkSize=" + chunkSize + ", pingAttempts=" + pingAttempts + ", timeouts=" + timeouts + "]";
    }

    /** Builds {@link DfuOptions}; every setter checks its argument at once. */
    public static final class Builder {
        private int prn = DEFAULT_PRN;
        private int window = DEFAULT_WINDOW;
        private boolean adaptive = true;
        private int cleanObjectsToWiden = 4;
        private final Map<OpCode, Duration> timeouts = new EnumMap<>(OpCode.class);
        private int retriesPerObject = 3;
        private int retriesPerImage = 5;
        private int retriesPerDevice = 20;
        private Duration backoffMin = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(2);
        private ResumePolicy policy = ResumePolicy.RESUME;
        private OptionalInt chunkSize = OptionalInt.empty();
        private int pingAttempts = 5;
        private Duration pingBackoff = Duration.ofMillis(50);
        private Duration inactivityWait = Duration.ofSeconds(125);
        private Duration rebootTimeout = Duration.ofSeconds(15);
        private Duration openTimeout = Duration.ofSeconds(10);
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
            this.prn = o.prn;
            this.window = o.window;
            this.adaptive = o.adaptive;
            this.cleanObjectsToWiden = o.cleanObjectsToWiden;
            this.timeouts.putAll(o.timeouts);
            this.retriesPerObject = o.retriesPerObject;
            this.retriesPerImage = o.retriesPerImage;
            this.retriesPerDevice = o.retriesPerDevice;
            this.backoffMin = o.backoffMin;
            this.backoffMax = o.backoffMax;
            this.policy = o.policy;
            this.chunkSize = o.chunkSize;
            this.pingAttempts = o.pingAttempts;
            this.pingBackoff = o.pingBackoff;
            this.inactivityWait = o.inactivityWait;
            this.rebootTimeout = o.rebootTimeout;
            this.openTimeout = o.openTimeout;
            this.probeDeviceInfo = o.probeDeviceInfo;
            this.scheduler = o.scheduler;
        }

        /** PRN interval, 0..65535; 0 switches notifications off. */
        public Builder prn(int prn) {
            if (prn < 0 || prn > 0xFFFF) {
                throw new IllegalArgumentException("PRN must be 0..65535, was " + prn);
            }
            this.prn = prn;
            return this;
        }

        /** Notifications' worth of writes in flight, at least 1. */
        public Builder window(int window) {
            this.window = positive(window, "window");
            return this;
        }

        /** Whether to narrow and widen window and PRN as writes are lost or not. */
        public Builder adaptive(boolean adaptive) {
            this.adaptive = adaptive;
            return this;
        }

        /** Clean objects in a row before a narrowed window or PRN is doubled again, at least 1. */
        public Builder cleanObjectsToWiden(int objects) {
            this.cleanObjectsToWiden = positive(objects, "cleanObjectsToWiden");
            return this;
        }

        /** Timeout for the answer to {@code opCode} (for WRITE: for a PRN notification). */
        public Builder timeout(OpCode opCode, Duration timeout) {
            timeouts.put(Objects.requireNonNull(opCode, "opCode"), positive(timeout, "timeout"));
            return this;
        }

        /** Retries of one object on the same connection, at least 0. */
        public Builder retriesPerObject(int retries) {
            this.retriesPerObject = notNegative(retries, "retriesPerObject");
            return this;
        }

        /** Retries with a new connection per image, at least 0. */
        public Builder retriesPerImage(int retries) {
            this.retriesPerImage = notNegative(retries, "retriesPerImage");
            return this;
        }

        /** All retries of one update, at least 0. */
        public Builder retriesPerDevice(int retries) {
            this.retriesPerDevice = notNegative(retries, "retriesPerDevice");
            return this;
        }

        /** Backoff between retries: {@code min × 2^(n-1)}, at most {@code max}. */
        public Builder backoff(Duration min, Duration max) {
            Duration lo = positive(min, "backoff min");
            Duration hi = positive(max, "backoff max");
            if (hi.compareTo(lo) < 0) {
                throw new IllegalArgumentException("backoff max " + hi + " is below min " + lo);
            }
            this.backoffMin = lo;
            this.backoffMax = hi;
            return this;
        }

        /** Resume (default) or always restart. */
        public Builder policy(ResumePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Data bytes per WRITE (clamped to the device's MTU); at least 1. */
        public Builder chunkSize(int bytes) {
            this.chunkSize = OptionalInt.of(positive(bytes, "chunkSize"));
            return this;
        }

        /** Pings per round at connection start, at least 1. */
        public Builder pingAttempts(int attempts) {
            this.pingAttempts = positive(attempts, "pingAttempts");
            return this;
        }

        /** Wait after the first unanswered ping of a round, doubled after each further one. */
        public Builder pingBackoff(Duration backoff) {
            this.pingBackoff = notNegative(backoff, "pingBackoff");
            return this;
        }

        /** How long to wait out the bootloader's inactivity timer; {@link Duration#ZERO} skips the step. */
        public Builder inactivityWait(Duration wait) {
            this.inactivityWait = notNegative(wait, "inactivityWait");
            return this;
        }

        /** How long a device may take to come back after an image's final EXECUTE. */
        public Builder rebootTimeout(Duration timeout) {
            this.rebootTimeout = positive(timeout, "rebootTimeout");
            return this;
        }

        /** How long opening, resetting or closing a port may take. */
        public Builder openTimeout(Duration timeout) {
            this.openTimeout = positive(timeout, "openTimeout");
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
            return new DfuOptions(this);
        }

        private static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + v);
            }
            return v;
        }

        private static int notNegative(int v, String name) {
            if (v < 0) {
                throw new IllegalArgumentException(name + " must not be negative, was " + v);
            }
            return v;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }

        private static Duration notNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return d;
        }
    }
}
