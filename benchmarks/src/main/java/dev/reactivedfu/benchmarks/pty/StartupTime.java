package dev.reactivedfu.benchmarks.pty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Start-up time of {@code dfu flash}: launch to the first byte the board receives. Each run starts a fresh board
 * ({@code dfu simulate --pty --trace}, whose trace opens with the wall-clock time of its model time 0), waits until
 * the board's JVM is idle (its own start-up done: a real board does not share the host's cores), notes the
 * wall clock, starts {@code dfu flash --port LINK PACKAGE} through the launcher, and waits for the first host frame
 * in the trace (the simulator logs a request when its last byte arrived; with no modelled baud that is when socat
 * handed it over); then stops the flash (Ctrl-C: it stops between frames) and the board. Prints each run, the
 * median, min and max, and the JVM command line the launcher used ({@code DFU_SHOW_JAVA=1}).
 *
 * <pre>
 * ./mvnw -q -B -pl benchmarks,dfu-cli -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.reactivedfu.benchmarks.pty.StartupTime \
 *     [--dfu ./dfu] [--runs 7] [--key] [--package FILE.zip]   (default: the 200 KiB application)
 *     [--java-opts "-X..."]   (DFU_JAVA_OPTS for dfu flash: more JVM flags, to try them)
 *     [--flash-dfu OTHER/dfu]  (dfu flash from another checkout, e.g. an older one; the board stays this one's)
 * </pre>
 */
public final class StartupTime {

    private StartupTime() {
    }

    public static void main(String[] args) throws Exception {
        Path dfu = Path.of("dfu");
        Path flashDfu = null;
        int runs = 7;
        boolean withKey = false;
        Path pkg = null;
        String javaOpts = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dfu" -> dfu = Path.of(args[++i]);
                case "--flash-dfu" -> flashDfu = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--key" -> withKey = true;
                case "--package" -> pkg = Path.of(args[++i]);
                case "--java-opts" -> javaOpts = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--dfu PATH, --flash-dfu PATH, --runs N, --key, --package FILE, --java-opts OPTS)");
            }
        }
        dfu = dfu.toAbsolutePath();
        flashDfu = flashDfu == null ? dfu : flashDfu.toAbsolutePath();
        Path dir = Files.createTempDirectory("dfu-startup-");
        if (pkg == null) {
            pkg = Fixtures.copy("/fixtures/app_200k.zip", dir);
        }
        Path key = Fixtures.copy("/fixtures/public.pem", dir);
        List<String> flash = new ArrayList<>(List.of("flash", "--port", "LINK"));
        if (withKey) {
            flash.addAll(List.of("--key", key.toString()));
        }
        flash.add(pkg.toString());
        System.out.println("dfu " + String.join(" ", flash));
        System.out.println("class data sharing archive: " + archiveCheck(flashDfu));
        List<Double> seconds = new ArrayList<>();
        List<Double> cpus = new ArrayList<>();
        String java = "";
        for (int r = 0; r < runs; r++) {
            Path runDir = Files.createDirectories(dir.resolve("run" + r));
            try (SimulatorProcess board = SimulatorProcess.start(dfu, runDir, List.of())) {
                settle(board.pid());
                List<String> command = new ArrayList<>(List.of(flashDfu.toString()));
                flash.forEach(a -> command.add(a.equals("LINK") ? board.link().toString() : a));
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectOutput(runDir.resolve("flash.out").toFile())
                        .redirectError(runDir.resolve("flash.err").toFile());
                pb.environment().put("DFU_SHOW_JAVA", "1");
                if (javaOpts != null) {
                    pb.environment().put("DFU_JAVA_OPTS", javaOpts);
                }
                Instant launch = Instant.now();
                Process p = pb.start();
                Optional<Double> first = Optional.empty();
                double cpu = Double.NaN;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (first.isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                    first = board.firstFrameIn();
                    if (first.isPresent()) {
                        cpu = cpuSeconds(p.pid());
                    }
                }
                if (first.isEmpty()) {
                    first = board.firstFrameIn();
                }
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                java = Files.readAllLines(runDir.resolve("flash.err")).stream()
                        .filter(l -> l.startsWith("dfu: java ")).findFirst().orElse(java);
                if (first.isEmpty()) {
                    System.out.println("run " + r + ": no frame reached the board; see " + runDir);
                    continue;
                }
                double s = Duration.between(launch, board.wallClock(first.get())).toNanos() / 1e9;
                seconds.add(s);
                if (!Double.isNaN(cpu)) {
                    cpus.add(cpu);
                }
                System.out.printf(Locale.ROOT, "run %d: first byte %.3f s after launch (CPU by then %.2f s)%n", r, s,
                        cpu);
            }
        }
        System.out.println(java.isEmpty() ? "(the launcher did not print its java command: DFU_SHOW_JAVA unsupported)"
                : java.substring("dfu: ".length()));
        if (!seconds.isEmpty()) {
            List<Double> sorted = seconds.stream().sorted(Comparator.naturalOrder()).toList();
            System.out.printf(Locale.ROOT, "launch -> first byte over %d runs: median %.3f s, min %.3f s, max %.3f s%n",
                    sorted.size(), median(sorted), sorted.get(0), sorted.get(sorted.size() - 1));
        }
        if (!cpus.isEmpty()) {
            List<Double> sorted = cpus.stream().sorted(Comparator.naturalOrder()).toList();
            System.out.printf(Locale.ROOT, "CPU (all threads) of dfu flash by its first byte: median %.2f s, min %.2f s,"
                    + " max %.2f s (seen within 5 ms of the byte)%n", median(sorted), sorted.get(0),
                    sorted.get(sorted.size() - 1));
        }
        System.out.println("load average: " + loadAverage());
    }

    /**
     * Whether the launcher's class data sharing archive is really used: {@code dfu --version} with {@code -Xshare:on}
     * added, which makes the JVM fail instead of silently starting without it.
     */
    static String archiveCheck(Path dfu) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(dfu.toString(), "--version").redirectErrorStream(true);
        pb.environment().put("DFU_JAVA_OPTS", "-Xshare:on");
        pb.environment().put("DFU_SHOW_JAVA", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        boolean ok = p.waitFor() == 0;
        boolean named = out.contains("-XX:SharedArchiveFile=");
        return ok && named ? "used (-Xshare:on accepts it)" : named ? "NOT usable: " + out.trim() : "none (the launcher "
                + "passed no -XX:SharedArchiveFile)";
    }

    /**
     * Waits until the board's JVM has used no CPU for 100 ms (at most 3 s): it prints its link before its own
     * start-up has quite ended, and a real board is not on the host's cores, so the flash is timed on an idle machine.
     */
    static void settle(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        double before = cpuSeconds(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            double now = cpuSeconds(pid);
            if (now == before) {
                return;
            }
            before = now;
        }
    }

    /** User + system CPU seconds of a process so far (Linux {@code /proc/PID/stat}, 100 ticks a second), or NaN. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime: fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The benchmarks' fixtures, copied out of the jar. */
    static final class Fixtures {
        private Fixtures() {
        }

        static Path copy(String resource, Path dir) throws IOException {
            Path target = dir.resolve(Path.of(resource).getFileName().toString());
            try (InputStream in = StartupTime.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                Files.copy(in, target);
            }
            return target;
        }
    }
}
