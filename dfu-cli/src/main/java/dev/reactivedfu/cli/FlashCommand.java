package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.cli.render.EventRenderer;
import dev.reactivedfu.cli.render.JsonLinesRenderer;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.netty.serial.PortLock;
import dev.reactivedfu.netty.serial.SerialPortException;
import dev.reactivedfu.station.FrameTracing;
import dev.reactivedfu.transfer.DfuTransport;
import dev.reactivedfu.netty.transport.NettyDfuTransport;
import dev.reactivedfu.netty.transport.PortSelector;
import dev.reactivedfu.netty.transport.ResetSequence;
import dev.reactivedfu.netty.transport.SerialSettings;
import dev.reactivedfu.netty.transport.SerialTransportOptions;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.ResumePolicy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code dfu flash}: validates a package, then updates one board over a serial port. */
@Command(name = "flash",
        mixinStandardHelpOptions = true,
        description = {
                "Update one board over a serial port: the package is validated first (and its signature with --key),",
                "then sent with verified resume. Interrupted? Run the same command again: it resumes."},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class FlashCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Port {
        @Option(names = "--port", paramLabel = "PATH", description = "Serial port (/dev/ttyACM0, /dev/ttyUSB0, a socat link, COM3).")
        String path;

        @Option(names = "--usb-serial", paramLabel = "NUMBER",
                description = "Find the port by USB serial number (survives re-enumeration after a reset).")
        String serialNumber;
    }

    @ArgGroup(multiplicity = "1")
    Port port;

    @Option(names = "--baud", paramLabel = "N", defaultValue = "115200",
            description = "Baud rate (default: ${DEFAULT-VALUE}; ignored by USB CDC ports).")
    int baud;

    @Option(names = "--prn", paramLabel = "N",
            description = "Packet receipt notification interval: a CRC check every N writes (0 = only at object ends). "
                    + "Default: " + DfuOptions.DEFAULT_PRN + ", narrowed automatically when writes get lost.")
    Integer prn;

    @Option(names = "--window", paramLabel = "N",
            description = "PRN notifications' worth of writes allowed in flight (default: " + DfuOptions.DEFAULT_WINDOW + ").")
    Integer window;

    @Option(names = "--flow-control", description = "Use RTS/CTS hardware flow control (Nordic's UART bootloader has it on).")
    boolean flowControl;

    @Option(names = "--policy", paramLabel = "resume|restart", defaultValue = "resume",
            converter = PolicyConverter.class,
            description = "resume (default): continue from what the device verifiably holds; restart: always from zero.")
    ResumePolicy policy;

    @Option(names = "--key", paramLabel = "PUBLIC_KEY",
            description = "Check the package's signature with this public key (PEM, or nrfutil's hex) before sending.")
    Path key;

    @Option(names = "--timeout", paramLabel = "MS",
            description = "Answer timeout for ordinary requests in milliseconds (CREATE and EXECUTE keep their longer defaults when larger).")
    Long timeoutMs;

    @Option(names = "--no-progress-limit", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up (exit 6) after this long without verified progress, whatever the retries, plus at "
                    + "most one wait of the bootloader's 120 s inactivity timer: a silent board ends within about 3 "
                    + "minutes, and a board that recovers and fails again is not waited for twice "
                    + "(default: ${DEFAULT-VALUE} s).")
    long noProgressLimitSeconds;

    @Option(names = "--reset", paramLabel = "dtr|rts",
            description = "Pulse this control line to reset the board into its bootloader when it stays silent (boards wired for it).")
    String resetLine;

    @Option(names = "--reset-pulse-ms", paramLabel = "MS", defaultValue = "50",
            description = "Width of the reset pulse (default: ${DEFAULT-VALUE} ms).")
    long resetPulseMs;

    @Option(names = "--port-wait", paramLabel = "MS", defaultValue = "5000",
            description = "How long to wait for the port to come back after a reset (default: ${DEFAULT-VALUE} ms).")
    long portWaitMs;

    @Option(names = "--json", description = "One JSON object per line per event; the last one is the summary.")
    boolean json;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics of this update at http://HOST:PORT/metrics (PORT alone: 127.0.0.1).")
    String metrics;

    @Option(names = "--metrics-linger", paramLabel = "S", defaultValue = "0",
            description = "With --metrics: keep serving S seconds after the update, so a scrape sees its final counts.")
    long metricsLingerSeconds;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write every frame both ways, decoded, with timestamps, to FILE (what support asks for first).")
    Path trace;

    private PrintWriter traceOut;

    @Parameters(paramLabel = "PACKAGE", description = "DFU package (.zip) made by nrfutil pkg generate.")
    Path packageFile;

    /**
     * Netty registers its JFR events when its first classes initialise (about 0.3 s of start-up, before the first
     * frame); a flash does not need them. An explicit {@code -Dio.netty.jfr.enabled} wins.
     */
    static void skipNettyJfr() {
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
    }

    @Override
    public Integer call() {
        skipNettyJfr();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<DfuPackage> pkg = PackageLoading.load(() -> {
            DfuPackageReader reader = new DfuPackageReader();
            return key == null ? reader.read(packageFile) : reader.read(packageFile, PublicKeys.read(key));
        }, json, out, err);
        if (pkg.isEmpty()) {
            return ExitCodes.INVALID_PACKAGE;
        }
        // the port is this command's alone while it runs: a station or another dfu flash on it fails at once
        PortLock lease = null;
        if (port.path != null) {
            try {
                lease = PortLock.lease(port.path);
            } catch (SerialPortException e) {
                if (json) {
                    out.println(JsonLinesRenderer.failedBeforeStart(
                            new TransportClosedException(port.path, e.getMessage(), e)));
                    out.flush();
                }
                err.println("error: " + e.getMessage());
                err.flush();
                return ExitCodes.PORT_ERROR;
            }
        }
        EventRenderer renderer = EventRenderer.choose(json, System.console() != null, out);
        try (MetricsExport export = MetricsExport.forFlash(spec.commandLine(), metrics, packageFile, err)) {
            int exit = new UpdateRunner(export.client())
                    .run(transport(), pkg.get(), options(), renderer, err, resumeHint());
            export.linger(metricsLingerSeconds, err);
            return exit;
        } finally {
            if (lease != null) {
                lease.close();
            }
            if (traceOut != null) {
                traceOut.close();
            }
        }
    }

    /** The port's transport, traced to {@code --trace FILE} when given. */
    private DfuTransport transport() {
        DfuTransport t = NettyDfuTransport.serial(transportOptions());
        if (trace == null) {
            return t;
        }
        try {
            traceOut = new PrintWriter(Files.newBufferedWriter(trace, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--trace " + trace + ": cannot write: " + e.getMessage());
        }
        return new FrameTracing(t, traceOut, Clock.systemUTC());
    }

    SerialTransportOptions transportOptions() {
        PortSelector selector = port.path != null ? PortSelector.path(port.path) : PortSelector.serialNumber(port.serialNumber);
        SerialSettings settings = SerialSettings.defaults().withBaudRate(baud).withFlowControl(flowControl);
        SerialTransportOptions options = SerialTransportOptions.of(selector).withSettings(settings)
                .withPortWait(Duration.ofMillis(portWaitMs), Duration.ofMillis(100));
        if (resetLine != null) {
            ResetSequence.Line line = switch (resetLine.toLowerCase(java.util.Locale.ROOT)) {
                case "dtr" -> ResetSequence.Line.DTR;
                case "rts" -> ResetSequence.Line.RTS;
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--reset takes dtr or rts, not " + resetLine);
            };
            options = options.withReset(ResetSequence.pulse(line, true, Duration.ofMillis(resetPulseMs),
                    Duration.ofMillis(500)));
        }
        return options;
    }

    DfuOptions options() {
        if (noProgressLimitSeconds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--no-progress-limit takes a number of seconds of at least 1, not " + noProgressLimitSeconds);
        }
        DfuOptions.Builder b = DfuOptions.builder().policy(policy)
                .withoutProgress(Duration.ofSeconds(noProgressLimitSeconds));
        if (prn != null) {
            b.prn(prn);
        }
        if (window != null) {
            b.window(window);
        }
        if (timeoutMs != null) {
            Duration base = Duration.ofMillis(timeoutMs);
            DfuOptions defaults = DfuOptions.defaults();
            for (OpCode op : OpCode.values()) {
                Duration d = (op == OpCode.CREATE || op == OpCode.EXECUTE)
                        ? max(base, defaults.timeout(op)) : base;
                b.timeout(op, d);
            }
        }
        return b.build();
    }

    /** The same command line, for "run this to resume" (the parse result's arguments start at the top command's). */
    String resumeHint() {
        List<String> args = new ArrayList<>();
        args.add("dfu");
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            args.add(arg.isEmpty() || arg.matches(".*[\\s'\"$`\\\\].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return String.join(" ", args);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** resume|restart, case-insensitive. */
    static final class PolicyConverter implements picocli.CommandLine.ITypeConverter<ResumePolicy> {
        @Override
        public ResumePolicy convert(String value) {
            return ResumePolicy.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }
}
