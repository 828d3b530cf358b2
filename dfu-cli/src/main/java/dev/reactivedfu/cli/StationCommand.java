package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.archive.Sha256;
import dev.reactivedfu.cli.render.StationView;
import dev.reactivedfu.netty.serial.PortLock;
import dev.reactivedfu.netty.serial.SerialPortException;
import dev.reactivedfu.netty.transport.DfuEventLoops;
import dev.reactivedfu.netty.transport.SerialSettings;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.station.FrameTracing;
import dev.reactivedfu.station.SerialSockets;
import dev.reactivedfu.station.SimulatedFloor;
import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.StationConfig;
import dev.reactivedfu.station.StationConfigException;
import dev.reactivedfu.station.StationEvent;
import dev.reactivedfu.station.StationSocket;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.RecordStore;
import dev.reactivedfu.station.records.RecordStoreException;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.DfuTransport;
import dev.reactivedfu.transfer.ResumePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** {@code dfu station}: updates every board on every socket at once, with a live view and a record per board. */
@Command(name = "station",
        mixinStandardHelpOptions = true,
        subcommands = StationReportCommand.class,
        description = {
                "Update every board on every socket at once: each socket is idle until a bootloader answers on it,",
                "updates that board, records the attempt (SQLite station.db, or --db), and waits for the board to",
                "leave before taking the next. Watch mode (default) runs until Ctrl-C; --once updates the boards",
                "present now and exits 0 only if every one passed. Options override the configuration file.",
                "",
                "A complete station.yaml:",
                "  name: line-3                    # recorded in every row",
                "  package: firmware/app_24k.zip   # relative paths: from the file's directory",
                "  key: keys/public.pem",
                "  db: jdbc:sqlite:station.db      # or jdbc:postgresql://HOST/DB?user=U&password=P",
                "  parallel: 16                    # most updates at once (default: one per socket)",
                "  poll_ms: 250                    # how often an idle socket pings for a board",
                "  serial: {baud: 1000000, flow_control: true}",
                "  engine: {prn: 3, window: 4, policy: resume, timeout_ms: 1000}",
                "  sockets:",
                "    - {name: s1, port: /dev/serial/by-path/pci-0000:00:14.0-usb-0:1.1:1.0-port0}",
                "    - {name: s2, usb_serial: E1A2B3C4D5E6}   # native USB CDC, followed across re-enumeration",
                "    - {name: bench, port: /dev/ttyUSB*}      # a glob: one socket per port, bench-ttyUSB0 ...",
                "    - {name: dk, usb_id: \"1366:1015\"}        # vendor:product: one socket per port",
                ""},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class StationCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Station configuration (station.yaml).")
    Path config;

    @Option(names = "--package", paramLabel = "ZIP",
            description = "DFU package for every board (default with --simulate: the built-in signed 24 KiB application).")
    Path packageFile;

    @Option(names = "--key", paramLabel = "PEM", description = "Check the package's signature with this public key first.")
    Path key;

    @Option(names = "--port", paramLabel = "PATH_OR_GLOB",
            description = "A socket's port (repeatable): a path, a /dev/serial/by-path link, or a glob such as /dev/ttyUSB*.")
    List<String> ports = new ArrayList<>();

    @Option(names = "--simulate", paramLabel = "N",
            description = "Serve N simulated boards in this process instead of serial ports (dry runs, demos, tests).")
    Integer simulate;

    @Option(names = "--once", description = "Update the boards present now, then exit (0 only if every board passed).")
    boolean once;

    @Option(names = "--parallel", paramLabel = "N", description = "Most updates at once (default: one per socket).")
    Integer parallel;

    @Option(names = "--json", description = "One JSON object per line per event, each tagged with its socket.")
    boolean json;

    @Option(names = "--trace", paramLabel = "DIR",
            description = "Write every frame both ways, decoded, with timestamps, to DIR/<socket>.trace.")
    Path traceDir;

    @Option(names = "--db", paramLabel = "URL",
            description = "Records database: jdbc:sqlite:FILE (default jdbc:sqlite:station.db) or jdbc:postgresql://...")
    String db;

    @Option(names = "--name", paramLabel = "NAME", description = "The station's name in the records (default: station).")
    String name;

    @Option(names = "--baud", paramLabel = "N", description = "Baud rate of every port (default 115200; USB CDC ignores it).")
    Integer baud;

    @Option(names = "--flow-control", description = "RTS/CTS hardware flow control on every port.")
    Boolean flowControl;

    @Option(names = "--prn", paramLabel = "N", description = "PRN interval (default " + DfuOptions.DEFAULT_PRN + ").")
    Integer prn;

    @Option(names = "--window", paramLabel = "N", description = "PRN notifications' worth of writes in flight.")
    Integer window;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Serve the station page, its events, records and Prometheus metrics at http://HOST:PORT/ "
                    + "(PORT alone: 127.0.0.1 only).")
    String http;

    @Option(names = "--poll-ms", paramLabel = "MS", description = "How often an idle socket pings for a board (default 250).")
    Integer pollMs;

    @Mixin
    SimulatedBoardsOptions sim = new SimulatedBoardsOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StationConfig cfg;
        try {
            cfg = config == null ? StationConfig.empty() : StationConfig.read(config);
        } catch (StationConfigException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        if (simulate == null && ports.isEmpty() && cfg.sockets().isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "no sockets: give --port PATH (repeatable), --simulate N, or sockets in --config FILE");
        }
        if (simulate != null && simulate < 1) {
            throw new ParameterException(spec.commandLine(), "--simulate needs at least 1 board, was " + simulate);
        }
        Path pkgPath = packageFile != null ? packageFile : cfg.packageFile() == null ? null : Path.of(cfg.packageFile());
        Path keyPath = key != null ? key : cfg.key() == null ? null : Path.of(cfg.key());
        if (pkgPath == null && simulate == null) {
            throw new ParameterException(spec.commandLine(), "no package: give --package ZIP or package: in --config");
        }
        ECPublicKey[] boardKey = new ECPublicKey[1];
        byte[][] zip = new byte[1][];
        Optional<DfuPackage> loaded = PackageLoading.load(() -> {
            DfuPackageReader reader = new DfuPackageReader();
            if (pkgPath == null) {
                boardKey[0] = PublicKeys.parse("built-in key",
                        new String(resource(DemoCommand.BUILT_IN_KEY), StandardCharsets.US_ASCII));
                zip[0] = resource(DemoCommand.BUILT_IN_PACKAGE);
                return reader.read("built-in app_24k.zip", zip[0], boardKey[0]);
            }
            boardKey[0] = keyPath == null ? null : PublicKeys.read(keyPath);
            if (!Files.isReadable(pkgPath)) {
                return reader.read(pkgPath); // reports the missing or unreadable file
            }
            zip[0] = readAll(pkgPath);
            String source = pkgPath.toString();
            return boardKey[0] == null ? reader.read(source, zip[0]) : reader.read(source, zip[0], boardKey[0]);
        }, json, out, err);
        if (loaded.isEmpty()) {
            return ExitCodes.INVALID_PACKAGE;
        }
        DfuPackage pkg = loaded.get();
        String fileName = pkgPath == null ? "app_24k.zip (built-in)" : pkgPath.getFileName().toString();

        SimulatedFloor floor = null;
        List<StationSocket> sockets;
        List<StationConfig.Socket> entries = List.of();
        SerialSockets serial = null;
        if (simulate != null) {
            try {
                sim.validate(simulate);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            floor = SimulatedFloor.builder().sockets(simulate).boards(sim.boards(boardKey[0]))
                    .boardsPerSocket(once ? 1 : sim.boardsPerSocket).presentAtStart(once)
                    .swapDelay(sim.swapDelay()).keepBoards(once)
                    .verifier(d -> holdsImage(pkg, d.application())).build();
            sockets = floor.sockets();
        } else {
            entries = new ArrayList<>(cfg.sockets());
            for (String p : ports) {
                entries.add(new StationConfig.Socket(null, p, null, null));
            }
            SerialSettings settings = SerialSettings.defaults()
                    .withBaudRate(baud != null ? baud : cfg.serial() != null && cfg.serial().baud() != null
                            ? cfg.serial().baud() : 115200)
                    .withFlowControl(flowControl != null ? flowControl : cfg.serial() != null
                            && Boolean.TRUE.equals(cfg.serial().flowControl()));
            try {
                serial = new SerialSockets(settings, DfuEventLoops.shared(), Schedulers.parallel());
                // watch mode: a glob or USB id that matches nothing yet is fine, its ports are found as they appear
                sockets = serial.resolve(entries, once);
            } catch (StationConfigException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return ExitCodes.PORT_ERROR;
            }
        }

        // every port is the station's alone for as long as it runs, between updates too
        List<PortLock> leases = new java.util.concurrent.CopyOnWriteArrayList<>();
        if (floor == null) {
            for (StationSocket s : sockets) {
                if (s.port().startsWith("usb-serial:")) {
                    continue; // its path is only known when the board is there; the channel locks it when open
                }
                try {
                    leases.add(PortLock.lease(s.port()));
                } catch (SerialPortException e) {
                    leases.forEach(PortLock::close);
                    err.println("error: " + e.getMessage());
                    err.flush();
                    return ExitCodes.PORT_ERROR;
                }
            }
        }
        String url = db != null ? db : cfg.db() != null ? cfg.db() : RecordStore.defaultUrl();
        Map<String, PrintWriter> traces = new java.util.concurrent.ConcurrentHashMap<>();
        RecordStore store = null;
        StationView view = null;
        MetricsExport web = MetricsExport.none();
        try {
            store = RecordStore.open(url);
            if (traceDir != null) {
                Files.createDirectories(traceDir);
                for (StationSocket s : sockets) {
                    traces.put(s.name(), new PrintWriter(Files.newBufferedWriter(traceDir.resolve(s.name() + ".trace"),
                            StandardCharsets.UTF_8)));
                }
            }
            Station.Builder b = Station.builder()
                    .name(name != null ? name : cfg.name() != null ? cfg.name() : "station")
                    .pkg(pkg, fileName, sha256(zip[0]))
                    .options(options(cfg, simulate != null))
                    .sockets(sockets)
                    .once(once)
                    .records(store)
                    .parallel(parallel != null ? parallel : cfg.parallel() != null ? cfg.parallel() : 0)
                    .pollInterval(Duration.ofMillis(pollMs != null ? pollMs : cfg.pollMs() != null ? cfg.pollMs()
                            : simulate != null ? 50 : 250));
            if (traceDir != null) {
                b.updateTransport(s -> (DfuTransport) new FrameTracing(s.transport(), traces.computeIfAbsent(s.name(),
                        n -> traceWriter(traceDir, n)), Clock.systemUTC()));
            }
            if (serial != null && !once) {
                b.discover(serial.watch(entries, Duration.ofSeconds(1)).filter(s -> {
                    try {
                        leases.add(PortLock.lease(s.port()));
                        return true;
                    } catch (SerialPortException e) {
                        err.println("warning: " + e.getMessage() + "; socket " + s.name() + " is left out");
                        err.flush();
                        return false;
                    }
                }));
            }
            if (floor != null) {
                b.companion(floor::operate);
            }
            MetricsExport http = MetricsExport.forStation(spec.commandLine(), this.http, zip[0], b);
            Station station = b.build();
            web = http.serve(station, err);
            view = StationView.choose(json, System.console() != null, out);
            return run(station, view, floor, pkg, out, err);
        } catch (RecordStoreException e) {
            err.println("error: " + e.getMessage() + " (" + e.advice() + ")");
            err.flush();
            return ExitCodes.INTERNAL;
        } catch (IOException e) {
            err.println("error: cannot write traces to " + traceDir + ": " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        } finally {
            web.close();
            if (view != null) {
                view.close();
            }
            if (store != null) {
                store.close();
            }
            if (floor != null) {
                floor.dispose();
            }
            traces.values().forEach(PrintWriter::close);
            leases.forEach(PortLock::close);
        }
    }

    private int run(Station station, StationView view, SimulatedFloor floor, DfuPackage pkg, PrintWriter out,
                    PrintWriter err) {
        Object renderLock = new Object();
        // the view draws on its own thread: a slow terminal or a JSON pipe nobody reads never holds an update back
        // (the station keeps a bounded backlog for it and coalesces its progress meanwhile)
        Scheduler viewThread = Schedulers.newSingle("station-view");
        Disposable events = station.events().publishOn(viewThread, 256).subscribe(e -> {
            synchronized (renderLock) {
                view.onEvent(e);
            }
        }, e -> {
            synchronized (renderLock) {
                err.println("error: " + e.getMessage());
                err.flush();
            }
        });
        try {
            return runViewed(station, view, floor, pkg, out, err, renderLock, events, viewThread);
        } finally {
            viewThread.dispose();
        }
    }

    /** The trace file of a socket found while watching. */
    private static PrintWriter traceWriter(Path dir, String socket) {
        try {
            return new PrintWriter(Files.newBufferedWriter(dir.resolve(socket + ".trace"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the view has drawn every event the station emitted so far. */
    private static void caughtUp(Scheduler viewThread) {
        Mono.fromRunnable(() -> { }).subscribeOn(viewThread).then().block(Duration.ofSeconds(10));
    }

    private int runViewed(Station station, StationView view, SimulatedFloor floor, DfuPackage pkg, PrintWriter out,
                    PrintWriter err, Object renderLock, Disposable events, Scheduler viewThread) {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Station.StationOutcome> outcome = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicReference<List<Station.InProgress>> inProgress = new AtomicReference<>(List.of());
        Disposable running = station.run()
                .doFinally(s -> done.countDown())
                .subscribe(outcome::set, error::set);
        Interrupts.Registration interrupt = Interrupts.onInterrupt(() -> {
            inProgress.set(station.inProgress());
            running.dispose();
        });
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.dispose();
        } finally {
            interrupt.close();
        }
        if (interrupt.fired()) {
            station.recordsWritten().block(Duration.ofSeconds(10));
            caughtUp(viewThread);
            events.dispose();
            synchronized (renderLock) {
                view.onStopped(inProgress.get());
            }
            return ExitCodes.INTERRUPTED;
        }
        caughtUp(viewThread);
        events.dispose();
        if (error.get() != null) {
            Throwable t = error.get();
            String message = t instanceof RecordStoreException r ? t.getMessage() + " (" + r.advice() + ")"
                    : ExitCodes.describe(t);
            err.println("error: " + message);
            err.flush();
            return t instanceof RecordStoreException ? ExitCodes.INTERNAL : ExitCodes.of(t);
        }
        Station.StationOutcome o = outcome.get();
        synchronized (renderLock) {
            view.onFinished(o);
        }
        int exit = exitCode(o);
        if (floor != null && once && exit == ExitCodes.OK) {
            exit = verify(floor, pkg, out, err);
        }
        return exit;
    }

    /** 0 when every board passed; else the exit code of the worst failure (port errors before device errors). */
    static int exitCode(Station.StationOutcome o) {
        if (o.boards().isEmpty()) {
            return ExitCodes.TIMEOUT;
        }
        if (o.allPassed()) {
            return ExitCodes.OK;
        }
        int code = ExitCodes.OK;
        for (StationEvent.BoardDone b : o.boards()) {
            if (b.result() == AttemptResult.PASSED) {
                continue;
            }
            int c = switch (b.errorType().orElse("")) {
                case "PackageException" -> ExitCodes.INVALID_PACKAGE;
                case "TransportClosedException" -> ExitCodes.PORT_ERROR;
                case "DfuTimeoutException", "DeviceUnresponsiveException" -> ExitCodes.TIMEOUT;
                case "" -> ExitCodes.INTERRUPTED;
                default -> ExitCodes.DEVICE_ERROR;
            };
            code = code == ExitCodes.OK ? c : Math.min(code, c);
        }
        return code;
    }

    /** After a simulated {@code --once}: every board that passed must hold the package's application. */
    private int verify(SimulatedFloor floor, DfuPackage pkg, PrintWriter out, PrintWriter err) {
        Optional<FirmwareImage> app = pkg.images().stream().filter(i -> i.kind() == ImageKind.APPLICATION).findFirst();
        if (app.isEmpty()) {
            return ExitCodes.OK;
        }
        int good = 0;
        for (SimulatedFloor.PlacedBoard b : floor.history()) {
            if (holdsImage(pkg, b.device().application())) {
                good++;
            } else {
                err.printf("error: simulated board %s does not hold %s%n", b.socket(), app.get().binFile());
            }
        }
        if (good != floor.history().size()) {
            err.flush();
            return ExitCodes.DEVICE_ERROR;
        }
        if (!json) {
            out.printf("verified: all %d simulated boards hold %s (%d bytes, sha256 %s)%n", good,
                    app.get().binFile(), app.get().firmware().length, sha256(app.get().firmware()));
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static boolean holdsImage(DfuPackage pkg, Optional<byte[]> application) {
        return pkg.images().stream().filter(i -> i.kind() == ImageKind.APPLICATION).findFirst()
                .map(app -> application.map(a -> Arrays.equals(a, app.firmware())).orElse(false))
                .orElse(true);
    }

    private DfuOptions options(StationConfig cfg, boolean simulated) {
        DfuOptions.Builder o = DfuOptions.builder();
        StationConfig.Engine e = cfg.engine();
        Integer p = prn != null ? prn : e != null ? e.prn() : null;
        Integer w = window != null ? window : e != null ? e.window() : null;
        if (p != null) {
            o.prn(p);
        }
        if (w != null) {
            o.window(w);
        }
        if (e != null && e.policy() != null) {
            o.policy(ResumePolicy.valueOf(e.policy().trim().toUpperCase(Locale.ROOT)));
        }
        if (e != null && e.timeoutMs() != null) {
            Duration base = Duration.ofMillis(e.timeoutMs());
            for (OpCode op : OpCode.values()) {
                Duration d = DfuOptions.defaults().timeout(op);
                o.timeout(op, op == OpCode.CREATE || op == OpCode.EXECUTE ? (base.compareTo(d) > 0 ? base : d) : base);
            }
        }
        if (simulated) {
            // a simulated board that goes silent is gone (pulled, or a fault): no 125 s inactivity wait
            o.inactivityWait(Duration.ZERO).retriesPerImage(3).backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        }
        return o.build();
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // the reader reports a missing or unreadable file with a typed error
            return new byte[0];
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.digest(bytes));
    }

    private static byte[] resource(String name) {
        try (InputStream in = StationCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("built-in resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
