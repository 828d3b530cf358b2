package dev.reactivedfu.cli;

import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.FlashFile;
import dev.reactivedfu.simulator.MemoryLayout;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.pty.SocatPty;
import dev.reactivedfu.simulator.pty.TraceLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code dfu simulate}: a simulated nRF52840 secure serial bootloader on a pseudo-terminal (made by socat), with its
 * flash optionally persisted to a file, or the application / receiving bank dumped from such a file.
 */
@Command(name = "simulate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Serve a simulated nRF52840 secure serial bootloader (Nordic SDK 17.1) on a pseudo-terminal, so that "
                        + "any DFU host can open PATH as its serial port. Runs until Ctrl-C. Needs socat "
                        + "(apt-get install socat).",
                "",
                "With --flash FILE the board's flash persists across runs and resets; --dump-app / --dump-bank1 "
                        + "then write the activated application / the receiving bank of FILE and exit.",
                "",
                "A fresh or restarted simulator boots in DFU mode (as a board powered with its DFU button held); "
                        + "after a reset it runs a valid application (ignoring the port) unless --stay-in-dfu.",
                ""},
        footerHeading = "%nExample:%n",
        footer = {"  dfu simulate --pty /tmp/ttyDFU --flash board.bin --trace trace.log &",
                "  (flash /tmp/ttyDFU with any DFU host, then stop the simulator)",
                "  dfu simulate --flash board.bin --dump-app app.bin", "",
                "Exit codes: 0 dump written, 4 nothing to dump, 5 socat failed or died, 130 interrupted."})
public final class SimulateCommand implements Callable<Integer> {

    /** Accepts decimal or 0x-prefixed hexadecimal numbers. */
    static final class Number implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Long.decode(value.replace("_", ""));
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--pty", paramLabel = "PATH", description = "Serve the device on a pseudo-terminal linked at PATH.")
    Path pty;

    @Option(names = "--flash", paramLabel = "FILE",
            description = "Keep the whole flash (1 MiB: application, banks, settings) in FILE across runs and resets.")
    Path flash;

    @Option(names = "--dump-app", paramLabel = "OUT",
            description = "With --flash: write the activated application (its length from the settings) to OUT and exit.")
    Path dumpApp;

    @Option(names = "--dump-bank1", paramLabel = "OUT",
            description = "With --flash: write the receiving bank (what was received so far) to OUT and exit.")
    Path dumpBank1;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Log every frame both ways, decoded, to FILE, in the device's model time (seconds since it "
                    + "started): a request when its last byte arrived, an answer when it went on the wire, and why a "
                    + "frame was dropped (RX buffers held, flash busy) or an answer lost (transmitter busy). The first "
                    + "line gives the wall-clock time of model time 0.")
    Path trace;

    @Option(names = "--profile", paramLabel = "UART|USB_CDC", defaultValue = "UART",
            description = "Serial transport: UART (MTU 131, default) or USB_CDC (MTU 2051).")
    SimulatorConfig.Profile profile;

    @Option(names = "--hw-version", paramLabel = "N", defaultValue = "52", description = "Board hardware version (default ${DEFAULT-VALUE}).")
    int hwVersion;

    @Option(names = "--sd-id", paramLabel = "ID", defaultValue = "0xCA", converter = Number.class,
            description = "Installed SoftDevice id (FWID) checked against sd_req (default ${DEFAULT-VALUE}).")
    long softDeviceId;

    @Option(names = "--sd-version", paramLabel = "V", defaultValue = "7002000", converter = Number.class,
            description = "Installed SoftDevice version (default ${DEFAULT-VALUE}).")
    long softDeviceVersion;

    @Option(names = "--app-start", paramLabel = "ADDR", defaultValue = "0x27000", converter = Number.class,
            description = "Application start: end of the SoftDevice (default ${DEFAULT-VALUE}).")
    long applicationStart;

    @Option(names = "--bootloader-version", paramLabel = "V", defaultValue = "1", converter = Number.class,
            description = "Installed bootloader version (default ${DEFAULT-VALUE}).")
    long bootloaderVersion;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "Require init packets signed by this key (PEM or nrfutil hex); without it unsigned packets are accepted.")
    Path publicKey;

    @Option(names = "--progress-in-flash", description = "Save data progress on every executed object (default: RAM only).")
    boolean progressInFlash;

    @Option(names = "--debug-bootloader", description = "Accept debug packets without version checks.")
    boolean debugBootloader;

    @Option(names = "--stay-in-dfu", description = "Come back in DFU mode after every reset, even with a valid application.")
    boolean stayInDfu;

    @Option(names = "--inactivity-s", paramLabel = "S", defaultValue = "120",
            description = "Reset after this many seconds without progress; 0 disables (default ${DEFAULT-VALUE}).")
    long inactivitySeconds;

    @Option(names = "--baud", paramLabel = "B", defaultValue = "0",
            description = "Model the line: each byte takes 10/B seconds each way (default: no wire time).")
    long baud;

    @Option(names = "--flash-timing", paramLabel = "NONE|NRF52840", defaultValue = "NONE",
            description = "NRF52840: page erase 85 ms, word write 41 us, CPU busy meanwhile (default NONE).")
    SimulatorConfig.FlashTiming flashTiming;

    @Option(names = "--rx-buffers", paramLabel = "N", defaultValue = "3",
            description = "RX buffers; frames arriving while all wait for flash are dropped (default ${DEFAULT-VALUE}).")
    int rxBuffers;

    @Option(names = "--flow-control",
            description = "Model RTS/CTS flow control: the board holds the host back instead of dropping frames when its "
                    + "RX buffers are full (as Nordic's UART bootloader, built with flow control, does).")
    boolean flowControl;

    @Option(names = "--latency-ms", paramLabel = "L", defaultValue = "0", description = "USB adapter latency each way, in ms.")
    long latencyMs;

    @Option(names = "--reset-at-offset", paramLabel = "N", converter = Number.class,
            description = "Fault: reset once when the data offset reaches N.")
    Long resetAtOffset;

    @Option(names = "--drop-rate", paramLabel = "P", description = "Fault: lose each host-to-device byte with probability P.")
    Double dropRate;

    @Option(names = "--corrupt-rate", paramLabel = "P", description = "Fault: flip a bit of each host-to-device byte with probability P.")
    Double corruptRate;

    @Option(names = "--stall-ms", paramLabel = "T", description = "Fault: stop answering for T ms (at --stall-at-offset).")
    Long stallMs;

    @Option(names = "--stall-at-offset", paramLabel = "N", defaultValue = "0", converter = Number.class,
            description = "Data offset at which the --stall-ms stall happens (default ${DEFAULT-VALUE}).")
    long stallAtOffset;

    @Option(names = "--stale-progress", description = "Fault: after a reset, progress comes back from an older saved copy.")
    boolean staleProgress;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Serve the simulated board's counters at http://HOST:PORT/metrics (PORT alone: 127.0.0.1).")
    String metrics;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the random faults (default ${DEFAULT-VALUE}).")
    long seed;

    /** The configuration the options describe. */
    SimulatorConfig config() {
        SimulatorConfig.Builder b = SimulatorConfig.builder()
                .profile(profile)
                .hwVersion(hwVersion)
                .softDeviceId((int) softDeviceId)
                .softDeviceVersion(softDeviceVersion)
                .applicationStart(applicationStart)
                .bootloaderVersion(bootloaderVersion)
                .inactivityTimeout(Duration.ofSeconds(inactivitySeconds))
                .progressInFlash(progressInFlash)
                .debugBootloader(debugBootloader)
                .stayInDfu(stayInDfu)
                .baud(baud)
                .flashTiming(flashTiming)
                .rxBuffers(rxBuffers)
                .flowControl(flowControl)
                .latency(Duration.ofMillis(latencyMs))
                .seed(seed);
        if (publicKey != null) {
            b.publicKey(PublicKeys.read(publicKey));
        }
        if (resetAtOffset != null) {
            b.fault(new Fault.ResetAtOffset(resetAtOffset));
        }
        if (dropRate != null) {
            b.fault(new Fault.DropBytes(dropRate));
        }
        if (corruptRate != null) {
            b.fault(new Fault.CorruptBytes(corruptRate));
        }
        if (stallMs != null) {
            b.fault(new Fault.Stall(Duration.ofMillis(stallMs), stallAtOffset));
        }
        if (staleProgress) {
            b.fault(new Fault.StaleProgress());
        }
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        boolean dumping = dumpApp != null || dumpBank1 != null;
        if (dumping && (flash == null || pty != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--dump-app and --dump-bank1 need --flash FILE and no --pty");
        }
        if (!dumping && pty == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "say where to serve the device: --pty PATH (or dump a flash file: --flash FILE --dump-app OUT)");
        }
        SimulatorConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        SimulatedDevice device = openDevice(config);
        try {
            return dumping ? dump(device) : serve(device);
        } finally {
            device.dispose();
        }
    }

    private SimulatedDevice openDevice(SimulatorConfig config) throws IOException {
        if (flash != null && Files.exists(flash)) {
            byte[] image = Files.readAllBytes(flash);
            if (image.length != MemoryLayout.FLASH_SIZE) {
                throw new CommandLine.ParameterException(spec.commandLine(), flash + " is " + image.length
                        + " bytes, not a 1 MiB flash image made by dfu simulate");
            }
            return SimulatedDevice.restore(config, Schedulers.parallel(), image);
        }
        if (flash != null && (dumpApp != null || dumpBank1 != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), flash + " does not exist");
        }
        return SimulatedDevice.create(config, Schedulers.parallel());
    }

    private int dump(SimulatedDevice device) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (dumpApp != null) {
            Optional<byte[]> app = device.application();
            if (app.isEmpty()) {
                err.println("error: " + flash + " holds no valid application");
                return ExitCodes.DEVICE_ERROR;
            }
            FlashFile.writeAtomically(dumpApp, app.get());
            err.println("wrote the application (" + app.get().length + " bytes) to " + dumpApp);
        }
        if (dumpBank1 != null) {
            byte[] bank1 = device.bank1();
            FlashFile.writeAtomically(dumpBank1, bank1);
            err.println("wrote the receiving bank (" + bank1.length + " bytes) to " + dumpBank1);
        }
        return ExitCodes.OK;
    }

    private int serve(SimulatedDevice device) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter traceOut = null;
        if (trace != null) {
            traceOut = new PrintWriter(Files.newBufferedWriter(trace, StandardCharsets.UTF_8));
            long origin = device.scheduler().now(TimeUnit.NANOSECONDS);
            Instant wall = Instant.now().minusNanos(device.scheduler().now(TimeUnit.NANOSECONDS) - origin);
            device.trace(new TraceLog(traceOut, origin, wall));
        }
        FlashFile flashFile = flash == null ? null : new FlashFile(device, flash);
        if (flashFile != null) {
            flashFile.save(); // the file exists (and is a valid image) from the start
            device.onReset(flashFile::saveQuietly);
        }
        SocatPty socat;
        try {
            socat = SocatPty.start(pty, device);
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.PORT_ERROR;
        }
        MetricsExport export;
        try {
            export = MetricsExport.forSimulator(spec.commandLine(), metrics, device, socat.link().toString(), err);
        } catch (RuntimeException e) {
            socat.close();
            throw e;
        }
        Thread hook = new Thread(() -> {
            export.close();
            socat.close();
            if (flashFile != null) {
                flashFile.close();
            }
        }, "dfu-simulate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(socat.link());
        out.flush();
        err.println("dfu simulate: nRF52840 bootloader (" + device.config().profile() + ", MTU "
                + device.config().mtu() + ") on " + socat.link() + (flash == null ? "" : ", flash in " + flash)
                + "; Ctrl-C to stop");
        err.flush();
        try {
            while (!socat.awaitExit(Duration.ofMillis(500))) {
                if (flashFile != null) {
                    flashFile.saveIfChanged();
                }
            }
            if (socat.exitCode() == 128 + 2 || socat.exitCode() == 128 + 15) {
                return ExitCodes.INTERRUPTED; // Ctrl-C reached socat too (same process group)
            }
            err.println("error: socat exited (code " + socat.exitCode() + "), the pseudo-terminal is gone: "
                    + socat.socatLog());
            return ExitCodes.PORT_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        } finally {
            export.close();
            socat.close();
            if (flashFile != null) {
                flashFile.close();
            }
            if (traceOut != null) {
                device.trace(null);
                traceOut.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it does the same
            }
        }
    }
}
