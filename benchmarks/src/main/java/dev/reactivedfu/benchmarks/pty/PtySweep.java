package dev.reactivedfu.benchmarks.pty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.benchmarks.link.ModelLimit;
import dev.reactivedfu.simulator.SimulatorConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The update as a factory user runs it: {@code dfu flash --json} through the launcher, over a pseudo-terminal, against
 * a fresh {@code dfu simulate --pty ... --flash-timing nrf52840 --public-key ...} per run, with the 200 KiB signed
 * application and the default options. Per case it prints the flash's own time (its summary event), the board's view
 * (first to last host frame in the simulator's trace, in model time), the model limit ({@link ModelLimit}, as
 * {@code LinkSweep} uses it), limit / time, and the retries by reason (a timeout over a pty with flow control is the
 * symptom of issue 10: requests that were only queued behind the held line timing out).
 *
 * <pre>
 * ./mvnw -q -B -pl benchmarks,dfu-cli -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.reactivedfu.benchmarks.pty.PtySweep \
 *     [--dfu ./dfu] [--baud 1000000,115200] [--flow on,off] [--runs 1] [--flash-opts "--prn 0"]
 * </pre>
 * Latency follows the baud as in issue 10: 16 ms (an FTDI adapter's latency timer) at 1 Mbaud, 1 ms at 115200.
 */
public final class PtySweep {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One case. */
    record Case(long baud, int latencyMs, boolean flowControl) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "pty UART %7d baud %2d ms %-6s", baud, latencyMs,
                    flowControl ? "fc" : "no fc");
        }
    }

    /** What one run measured. */
    record Result(double seconds, double boardSeconds, int retries, TreeMap<String, Integer> reasons, String result) {
    }

    private PtySweep() {
    }

    public static void main(String[] args) throws Exception {
        Path dfu = Path.of("dfu");
        List<Long> bauds = List.of(1_000_000L, 115_200L);
        List<Boolean> flows = List.of(true, false);
        int runs = 1;
        List<String> flashOpts = List.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            List<String> v = Arrays.asList(args[i + 1].split(","));
            switch (args[i]) {
                case "--dfu" -> dfu = Path.of(args[i + 1]);
                case "--baud" -> bauds = v.stream().map(Long::parseLong).toList();
                case "--flow" -> flows = v.stream().map(s -> s.equals("on")).toList();
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--flash-opts" -> flashOpts = Arrays.asList(args[i + 1].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        dfu = dfu.toAbsolutePath();
        Path dir = Files.createTempDirectory("dfu-pty-sweep-");
        Path zip = StartupTime.Fixtures.copy("/fixtures/app_200k.zip", dir);
        Path key = StartupTime.Fixtures.copy("/fixtures/public.pem", dir);
        DfuPackage pkg = new DfuPackageReader().read(zip, PublicKeys.read(key));
        System.out.println("options: " + (flashOpts.isEmpty() ? "defaults" : String.join(" ", flashOpts)));
        System.out.println("| case | time (s) | board: first to last frame (s) | model limit (s) | limit / time "
                + "| retries |");
        System.out.println("|---|---|---|---|---|---|");
        int n = 0;
        for (long baud : bauds) {
            int latency = baud >= 1_000_000 ? 16 : 1;
            for (boolean flow : flows) {
                Case c = new Case(baud, latency, flow);
                // the limit of the board `dfu simulate` serves in this case, as LinkSweep works it out
                ModelLimit limit = ModelLimit.of(pkg.images().get(0), SimulatorConfig.builder()
                        .profile(SimulatorConfig.Profile.UART).baud(baud).latency(Duration.ofMillis(latency))
                        .flowControl(flow).flashTiming(SimulatorConfig.FlashTiming.NRF52840).build());
                double limitSeconds = limit.total().toNanos() / 1e9;
                for (int r = 0; r < runs; r++) {
                    Result res = run(dfu, Files.createDirectories(dir.resolve("run" + n++)), zip, key, c, flashOpts);
                    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %d%s%s |%n", c, res.seconds(),
                            res.boardSeconds(), limitSeconds, limitSeconds / res.seconds(), res.retries(),
                            res.reasons().isEmpty() ? "" : " " + res.reasons(),
                            res.result().equals("ok") ? "" : " " + res.result().toUpperCase(Locale.ROOT));
                }
            }
        }
        System.out.println("load average: " + StartupTime.loadAverage() + "; runs in " + dir);
    }

    static Result run(Path dfu, Path dir, Path zip, Path key, Case c, List<String> flashOpts)
            throws IOException, InterruptedException {
        List<String> board = new ArrayList<>(List.of("--baud", Long.toString(c.baud()), "--latency-ms",
                Integer.toString(c.latencyMs()), "--flash-timing", "nrf52840", "--public-key", key.toString()));
        if (c.flowControl()) {
            board.add("--flow-control");
        }
        try (SimulatorProcess sim = SimulatorProcess.start(dfu, dir, board)) {
            List<String> command = new ArrayList<>(List.of(dfu.toString(), "flash", "--port", sim.link().toString(),
                    "--baud", Long.toString(c.baud()), "--json"));
            if (c.flowControl()) {
                command.add("--flow-control");
            }
            command.addAll(flashOpts);
            command.add(zip.toString());
            Path out = dir.resolve("flash.jsonl");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(dir.resolve("flash.err").toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            double seconds = Double.NaN;
            int retries = 0;
            String result = "no summary";
            TreeMap<String, Integer> reasons = new TreeMap<>();
            for (String line : Files.readAllLines(out)) {
                JsonNode n = JSON.readTree(line);
                String event = n.path("event").asText();
                if (event.equals("object_retried")) {
                    reasons.merge(n.path("reason").asText(), 1, Integer::sum);
                } else if (event.equals("summary")) {
                    seconds = n.path("duration_ms").asLong() / 1000.0;
                    retries = n.path("retries").asInt();
                    result = n.path("result").asText();
                }
            }
            List<Double> frames = sim.framesIn();
            double boardSeconds = frames.isEmpty() ? Double.NaN : frames.get(frames.size() - 1) - frames.get(0);
            return new Result(seconds, boardSeconds, retries, reasons, result);
        }
    }
}
