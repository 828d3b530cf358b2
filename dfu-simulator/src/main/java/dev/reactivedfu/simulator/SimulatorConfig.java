package dev.reactivedfu.simulator;

import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything about a simulated board, immutable; {@link #defaults()} is an nRF52840 with Nordic's UART bootloader,
 * no public key, progress in RAM, no timing and no faults. Make variations with {@link #builder()} or
 * {@link #toBuilder()}.
 *
 * <p>Timing ({@link #baud()}, {@link #flashTiming()}, {@link #latency()}) and faults are off by default: the device
 * then answers without any delay. Every delay that is modelled runs on the device's Reactor {@code Scheduler}.
 */
public final class SimulatorConfig {

    /** Which serial transport of Nordic's bootloader is simulated. */
    public enum Profile {
        /** nrf_dfu_serial_uart: MTU 131 (64-byte writes); the port survives a device reset. */
        UART(131),
        /** nrf_dfu_serial_usb (native USB CDC ACM): MTU 2051 (1024-byte writes); the port vanishes on reset. */
        USB_CDC(2051);

        private final int mtu;

        Profile(int mtu) {
            this.mtu = mtu;
        }

        /** The MTU the bootloader reports: the largest SLIP-encoded frame it accepts. */
        public int mtu() {
            return mtu;
        }
    }

    /** Flash timing: how long the CPU is held by flash operations. */
    public enum FlashTiming {
        /** Flash operations take no time. */
        NONE(Duration.ZERO, Duration.ZERO),
        /** nRF52840 datasheet: page erase 85 ms, word (4 bytes) write 41 µs; the CPU is halted meanwhile. */
        NRF52840(Duration.ofMillis(85), Duration.ofNanos(41_000));

        private final Duration pageErase;
        private final Duration wordWrite;

        FlashTiming(Duration pageErase, Duration wordWrite) {
            this.pageErase = pageErase;
            this.wordWrite = wordWrite;
        }

        /** Time to erase one 4 KiB page. */
        public Duration pageErase() {
            return pageErase;
        }

        /** Time to write one 32-bit word. */
        public Duration wordWrite() {
            return wordWrite;
        }

        /** Time for {@code pages} page erases and {@code words} word writes. */
        public Duration of(long pages, long words) {
            return pageErase.multipliedBy(pages).plus(wordWrite.multipliedBy(words));
        }
    }

    private final Profile profile;
    private final int hwVersion;
    private final int softDeviceId;
    private final long softDeviceVersion;
    private final long applicationStart;
    private final long bootloaderVersion;
    private final Duration inactivityTimeout;
    private final ECPublicKey publicKey;
    private final boolean progressInFlash;
    private final boolean debugBootloader;
    private final boolean stayInDfu;
    private final long baud;
    private final FlashTiming flashTiming;
    private final int rxBuffers;
    private final boolean flowControl;
    private final Duration latency;
    private final Duration responseTime;
    private final List<Fault> faults;
    private final long seed;

    private SimulatorConfig(Builder b) {
        this.profile = Objects.requireNonNull(b.profile, "profile");
        this.hwVersion = b.hwVersion;
        this.softDeviceId = b.softDeviceId;
        this.softDeviceVersion = b.softDeviceVersion;
        this.applicationStart = b.applicationStart;
        this.bootloaderVersion = b.bootloaderVersion;
        this.inactivityTimeout = Objects.requireNonNull(b.inactivityTimeout, "inactivityTimeout");
        this.publicKey = b.publicKey;
        this.progressInFlash = b.progressInFlash;
        this.debugBootloader = b.debugBootloader;
        this.stayInDfu = b.stayInDfu;
        this.baud = b.baud;
        this.flashTiming = Objects.requireNonNull(b.flashTiming, "flashTiming");
        this.rxBuffers = b.rxBuffers;
        this.flowControl = b.flowControl;
        this.latency = Objects.requireNonNull(b.latency, "latency");
        this.responseTime = Objects.requireNonNull(b.responseTime, "responseTime");
        this.faults = List.copyOf(b.faults);
        this.seed = b.seed;
        if (softDeviceId < 0 || softDeviceId > 0xFFFF) {
            throw new IllegalArgumentException("SoftDevice id must be a u16, was " + softDeviceId);
        }
        if (applicationStart % MemoryLayout.PAGE_SIZE != 0 || applicationStart <= MemoryLayout.SOFTDEVICE_START
                || applicationStart >= MemoryLayout.APP_REGION_END) {
            throw new IllegalArgumentException(String.format(
                    "application start 0x%X must be page aligned, after the MBR and before 0x%X", applicationStart,
                    MemoryLayout.APP_REGION_END));
        }
        if (inactivityTimeout.isNegative()) {
            throw new IllegalArgumentException("inactivity timeout must not be negative");
        }
        if (baud < 0) {
            throw new IllegalArgumentException("baud must not be negative (0 = no wire timing), was " + baud);
        }
        if (rxBuffers < 1) {
            throw new IllegalArgumentException("at least one RX buffer, was " + rxBuffers);
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        if (responseTime.isNegative()) {
            throw new IllegalArgumentException("response time must not be negative");
        }
    }

    /** An nRF52840 with Nordic's UART bootloader, every option at its default. */
    public static SimulatorConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.profile = profile;
        b.hwVersion = hwVersion;
        b.softDeviceId = softDeviceId;
        b.softDeviceVersion = softDeviceVersion;
        b.applicationStart = applicationStart;
        b.bootloaderVersion = bootloaderVersion;
        b.inactivityTimeout = inactivityTimeout;
        b.publicKey = publicKey;
        b.progressInFlash = progressInFlash;
        b.debugBootloader = debugBootloader;
        b.stayInDfu = stayInDfu;
        b.baud = baud;
        b.flashTiming = flashTiming;
        b.rxBuffers = rxBuffers;
        b.flowControl = flowControl;
        b.latency = latency;
        b.responseTime = responseTime;
        b.faults = new ArrayList<>(faults);
        b.seed = seed;
        return b;
    }

    /** UART (MTU 131, default) or USB CDC (MTU 2051). */
    public Profile profile() {
        return profile;
    }

    /** The MTU the device reports (from the profile). */
    public int mtu() {
        return profile.mtu();
    }

    /** The board's hardware version, checked against the init packet's hw_version (default 52). */
    public int hwVersion() {
        return hwVersion;
    }

    /** Id (FWID) of the SoftDevice installed on a fresh board, checked against sd_req (default 0xCA). */
    public int softDeviceId() {
        return softDeviceId;
    }

    /** Version of the SoftDevice installed on a fresh board, as firmware version image 1 reports it. */
    public long softDeviceVersion() {
        return softDeviceVersion;
    }

    /** Start of the application on a fresh board: the end of the SoftDevice (default 0x27000). */
    public long applicationStart() {
        return applicationStart;
    }

    /** Version of the bootloader on a fresh board (default 1). */
    public long bootloaderVersion() {
        return bootloaderVersion;
    }

    /** Time without progress after which the bootloader resets (default 120 s; zero switches it off). */
    public Duration inactivityTimeout() {
        return inactivityTimeout;
    }

    /** The key init packets must be signed with; without one, signatures are not checked. */
    public Optional<ECPublicKey> publicKey() {
        return Optional.ofNullable(publicKey);
    }

    /** Whether data progress is saved to flash on every executed object (default: kept in RAM only). */
    public boolean progressInFlash() {
        return progressInFlash;
    }

    /** Whether the bootloader is a debug build that accepts debug packets without version checks (default no). */
    public boolean debugBootloader() {
        return debugBootloader;
    }

    /**
     * Whether every reset comes back in DFU mode, as with the board's DFU button held (default no: a reset with a
     * valid application starts the application, which ignores the serial port).
     */
    public boolean stayInDfu() {
        return stayInDfu;
    }

    /** Line speed; each byte takes {@code 10 / baud} seconds each way (0, the default, means no wire time). */
    public long baud() {
        return baud;
    }

    /** Flash timing (default none). */
    public FlashTiming flashTiming() {
        return flashTiming;
    }

    /** Number of RX buffers; frames arriving while all are busy are dropped (default 3, as Nordic's UART). */
    public int rxBuffers() {
        return rxBuffers;
    }

    /**
     * Whether RTS/CTS flow control is modelled (default no): the board holds the host back (no byte starts on the line)
     * while flash halts its CPU or every RX buffer holds a packet, so no frame is dropped and flash time does not
     * overlap the wire (as Nordic measured: a 4 KiB object at 1 Mbaud takes ≈82 ms, wire plus flash). Nordic's UART
     * bootloader is built with flow control on; boards without the wires get the drops of {@link #rxBuffers()}.
     */
    public boolean flowControl() {
        return flowControl;
    }

    /** Latency a USB serial adapter adds in each direction (default zero). */
    public Duration latency() {
        return latency;
    }

    /**
     * CPU time the bootloader spends on a request that produces a response (handling, encoding, SLIP framing and
     * starting the transmitter) before the response goes on the wire; modelled only with a {@link #baud()} (default
     * 56 µs, fitted to Nordic's SDK 17.1 answers to requests sent back to back at 1 Mbaud: issue 9, item 6). A WRITE
     * without a receipt notification produces no response and costs only its flash time.
     */
    public Duration responseTime() {
        return responseTime;
    }

    /** The faults to inject, in no particular order (default none). */
    public List<Fault> faults() {
        return faults;
    }

    /** Seed of the fault generator. */
    public long seed() {
        return seed;
    }

    /** The first fault of {@code type}, if configured. */
    public <F extends Fault> Optional<F> fault(Class<F> type) {
        return faults.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether any delay is modelled at all (wire, flash or latency). */
    public boolean timed() {
        return baud > 0 || flashTiming != FlashTiming.NONE || !latency.isZero();
    }

    /** Time {@code bytes} bytes take on the wire at {@link #baud()} (zero when no baud is set). */
    public Duration wireTime(long bytes) {
        return baud == 0 ? Duration.ZERO : Duration.ofNanos(bytes * 10L * 1_000_000_000L / baud);
    }

    @Override
    public String toString() {
        return "SimulatorConfig[" + profile + ", mtu " + mtu() + ", hw " + hwVersion
                + String.format(", sd 0x%02X, app 0x%X", softDeviceId, applicationStart)
                + ", key " + (publicKey != null) + ", progress in " + (progressInFlash ? "flash" : "RAM")
                + (baud > 0 ? ", " + baud + " baud" : "") + (flashTiming != FlashTiming.NONE ? ", " + flashTiming : "")
                + (latency.isZero() ? "" : ", latency " + latency.toMillis() + " ms")
                + ", rx buffers " + rxBuffers + (flowControl ? ", flow control" : "")
                + (baud > 0 ? ", answers after " + responseTime.toNanos() / 1000 + " us" : "") + (faults.isEmpty() ? "" : ", faults " + faults + ", seed " + seed) + "]";
    }

    /** Builder of {@link SimulatorConfig}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private Profile profile = Profile.UART;
        private int hwVersion = 52;
        private int softDeviceId = 0xCA;
        private long softDeviceVersion = 7_002_000;
        private long applicationStart = 0x27000;
        private long bootloaderVersion = 1;
        private Duration inactivityTimeout = Duration.ofSeconds(120);
        private ECPublicKey publicKey;
        private boolean progressInFlash;
        private boolean debugBootloader;
        private boolean stayInDfu;
        private long baud;
        private FlashTiming flashTiming = FlashTiming.NONE;
        private int rxBuffers = 3;
        private boolean flowControl;
        private Duration latency = Duration.ZERO;
        private Duration responseTime = Duration.ofNanos(56_000);
        private List<Fault> faults = new ArrayList<>();
        private long seed = 1;

        private Builder() {
        }

        public Builder profile(Profile profile) {
            this.profile = profile;
            return this;
        }

        public Builder hwVersion(int hwVersion) {
            this.hwVersion = hwVersion;
            return this;
        }

        public Builder softDeviceId(int softDeviceId) {
            this.softDeviceId = softDeviceId;
            return this;
        }

        public Builder softDeviceVersion(long softDeviceVersion) {
            this.softDeviceVersion = softDeviceVersion;
            return this;
        }

        public Builder applicationStart(long applicationStart) {
            this.applicationStart = applicationStart;
            return this;
        }

        public Builder bootloaderVersion(long bootloaderVersion) {
            this.bootloaderVersion = bootloaderVersion;
            return this;
        }

        public Builder inactivityTimeout(Duration inactivityTimeout) {
            this.inactivityTimeout = inactivityTimeout;
            return this;
        }

        /** The key to check init packet signatures with; {@code null} accepts unsigned packets. */
        public Builder publicKey(ECPublicKey publicKey) {
            this.publicKey = publicKey;
            return this;
        }

        public Builder progressInFlash(boolean progressInFlash) {
            this.progressInFlash = progressInFlash;
            return this;
        }

        public Builder debugBootloader(boolean debugBootloader) {
            this.debugBootloader = debugBootloader;
            return this;
        }

        public Builder stayInDfu(boolean stayInDfu) {
            this.stayInDfu = stayInDfu;
            return this;
        }

        public Builder baud(long baud) {
            this.baud = baud;
            return this;
        }

        public Builder flashTiming(FlashTiming flashTiming) {
            this.flashTiming = flashTiming;
            return this;
        }

        public Builder rxBuffers(int rxBuffers) {
            this.rxBuffers = rxBuffers;
            return this;
        }

        public Builder flowControl(boolean flowControl) {
            this.flowControl = flowControl;
            return this;
        }

        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        /** CPU time per response before it is transmitted, with a baud rate; see {@link SimulatorConfig#responseTime()}. */
        public Builder responseTime(Duration responseTime) {
            this.responseTime = responseTime;
            return this;
        }

        /** Adds a fault. */
        public Builder fault(Fault fault) {
            this.faults.add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /** Replaces the faults. */
        public Builder faults(List<Fault> faults) {
            this.faults = new ArrayList<>(faults);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalArgumentException when a value is out of range
         */
        public SimulatorConfig build() {
            return new SimulatorConfig(this);
        }
    }
}
