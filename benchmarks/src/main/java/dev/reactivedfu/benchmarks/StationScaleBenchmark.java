package dev.reactivedfu.benchmarks;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.SimulatedFloor;
import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.RecordStore;
import dev.reactivedfu.transfer.DfuOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many boards at once: a station of N simulated boards (UART at 1 Mbaud with RTS/CTS, 16 ms adapter latency each way,
 * nRF52840 flash timing), each updated once with a 64 KiB application, in this process, on the station's shared
 * scheduler and the engine as it is. Reports per N: the wall time, the aggregate firmware throughput against N times
 * one board's (both measured in the same run), process CPU per update (and how much of it the JIT compiler took),
 * peak heap (the simulated boards included) and peak live threads. Two warm-up runs of 32 boards come first
 * ({@code -Dwarmup.runs}, {@code -Dwarmup.boards}); {@code -Dcount.tasks=true} also prints the timer tasks scheduled
 * per update and where they come from.
 *
 * <pre>{@code
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.reactivedfu.benchmarks.StationScaleBenchmark 1 8 64 256
 * }</pre>
 */
public final class StationScaleBenchmark {

    static final int IMAGE = 64 * 1024;

    private StationScaleBenchmark() {
    }

    /** One row of the table. */
    record Result(int boards, int passed, double seconds, double aggregateBytesPerSecond, double cpuSecondsPerUpdate,
                  double jitSecondsPerUpdate, long peakHeapMiB, int peakThreads) {
    }

    /**
     * CPU seconds of this process's JIT compiler threads so far (from {@code /proc/self/task}, Linux; 0 elsewhere):
     * compilation is process CPU too, but belongs to no update, so the table shows it apart.
     */
    static double compilerCpuSeconds() {
        double ticks = 0;
        try (java.nio.file.DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.contains("CompilerThre")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return ticks / 100.0; // USER_HZ
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {1, 8, 64, 256}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        DfuPackage pkg = pkg();
        AtomicLong tasks = new AtomicLong();
        if (Boolean.getBoolean("count.tasks")) {
            java.util.concurrent.ConcurrentHashMap<String, AtomicLong> kinds = new java.util.concurrent.ConcurrentHashMap<>();
            reactor.core.scheduler.Schedulers.onScheduleHook("count", r -> {
                tasks.incrementAndGet();
                StackTraceElement[] st = new Throwable().getStackTrace();
                String where = "?";
                for (StackTraceElement e : st) {
                    if (e.getClassName().startsWith("dev.reactivedfu") && !e.getClassName().contains("benchmarks")) {
                        where = e.getClassName().replaceAll(".*\\.", "") + "." + e.getMethodName();
                        break;
                    }
                }
                kinds.computeIfAbsent(where, k -> new AtomicLong()).incrementAndGet();
                return r;
            });
            Runtime.getRuntime().addShutdownHook(new Thread(() -> kinds.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get())).limit(15)
                    .forEach(e -> System.out.println("  " + e.getValue() + " " + e.getKey()))));
        }
        // warm-up: JIT compilation and class loading out of every figure (a 1-board warm-up left the compiler
        // busy through the first runs, seconds of CPU that belong to no update)
        for (int i = 0; i < Integer.getInteger("warmup.runs", 2); i++) {
            run(Integer.getInteger("warmup.boards", 32), pkg);
        }
        double single = 0;
        System.out.println("| boards | passed | wall s | aggregate KiB/s | vs N x one board | CPU ms per update "
                + "| of which JIT | peak heap MiB | peak threads |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int n : sizes) {
            long t0 = tasks.get();
            Result r = run(n, pkg);
            if (Boolean.getBoolean("count.tasks")) {
                System.out.println("tasks per update: " + (tasks.get() - t0) / n);
            }
            if (n == 1 || single == 0) {
                single = r.aggregateBytesPerSecond() / n;
            }
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.2f | %.1f | %.1f | %d | %d |%n", r.boards(),
                    r.passed(), r.seconds(), r.aggregateBytesPerSecond() / 1024,
                    r.aggregateBytesPerSecond() / (n * single), r.cpuSecondsPerUpdate() * 1000,
                    r.jitSecondsPerUpdate() * 1000, r.peakHeapMiB(), r.peakThreads());
        }
    }

    static Result run(int n, DfuPackage pkg) throws Exception {
        System.gc();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        threads.resetPeakThreadCount();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        AtomicLong peakHeap = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(
                heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum(), Math::max), 0, 50, TimeUnit.MILLISECONDS);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path dir = Files.createTempDirectory("station-bench");
        // the simulated boards stand in for hardware: with -Dboards.threads=K they keep time on K threads of their
        // own instead of the station's scheduler (their CPU is the process's either way)
        int boardThreads = Integer.getInteger("boards.threads", 0);
        reactor.core.scheduler.Scheduler boardTime = boardThreads > 0
                ? reactor.core.scheduler.Schedulers.newParallel("boards", boardThreads)
                : reactor.core.scheduler.Schedulers.parallel();
        SimulatedFloor floor = SimulatedFloor.builder().sockets(n).boardsPerSocket(1).presentAtStart(true)
                .keepBoards(false).scheduler(boardTime)
                .boards((s, k) -> SimulatedFloor.BoardSpec.of(SimulatorConfig.builder().baud(1_000_000)
                        .flowControl(true).latency(Duration.ofMillis(16))
                        .flashTiming(SimulatorConfig.FlashTiming.NRF52840).seed(s).build()))
                .build();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().name("bench").pkg(pkg, "bench.zip", "-").sockets(floor.sockets())
                    .options(DfuOptions.builder().prn(3).window(16).build()).once(true).records(store).build();
            long cpu0 = os.getProcessCpuTime();
            double jit0 = compilerCpuSeconds();
            long t0 = System.nanoTime();
            Station.StationOutcome outcome = station.run().block(Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu = os.getProcessCpuTime() - cpu0;
            double jit = compilerCpuSeconds() - jit0;
            int passed = (int) outcome.boards().stream().filter(b -> b.result() == AttemptResult.PASSED).count();
            long bytes = (long) passed * IMAGE;
            return new Result(n, passed, seconds, bytes / seconds, cpu / 1e9 / n, jit / n, peakHeap.get() >> 20,
                    threads.getPeakThreadCount());
        } finally {
            sampler.shutdownNow();
            floor.dispose();
            if (boardThreads > 0) {
                boardTime.dispose();
            }
        }
    }

    /** SHA-256 of {@code bytes}, byte-reversed as init packets store it. */
    private static byte[] reversedSha256(byte[] bytes) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            for (int i = 0; i < h.length / 2; i++) {
                byte t = h[i];
                h[i] = h[h.length - 1 - i];
                h[h.length - 1 - i] = t;
            }
            return h;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A one-image application package of {@link #IMAGE} seeded bytes with an unsigned init packet. */
    static DfuPackage pkg() {
        byte[] firmware = Arrays.copyOf(Firmware.random(), IMAGE);
        byte[] dat = DfuCc.Packet.newBuilder()
                .setCommand(DfuCc.Command.newBuilder().setOpCode(DfuCc.OpCode.INIT)
                        .setInit(DfuCc.InitCommand.newBuilder().setFwVersion(1).setHwVersion(52).addSdReq(0xCA)
                                .setType(DfuCc.FwType.APPLICATION).setAppSize(IMAGE)
                                .setHash(DfuCc.Hash.newBuilder().setHashType(DfuCc.HashType.SHA256)
                                        .setHash(com.google.protobuf.ByteString.copyFrom(reversedSha256(firmware))))))
                .build().toByteArray();
        return new DfuPackage("bench-64k", List.of(new FirmwareImage(ImageKind.APPLICATION, "app.bin", "app.dat", dat,
                firmware, InitPacket.parse("app.dat", dat))));
    }

}
