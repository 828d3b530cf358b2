package dev.reactivedfu.benchmarks.pty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A fresh simulated board: {@code dfu simulate --pty LINK --trace TRACE ...} started through the launcher, ready once
 * it printed its link. Closing stops it (SIGTERM: its shutdown hook stops socat) and waits for it.
 */
final class SimulatorProcess implements AutoCloseable {

    private final Process process;
    private final Path link;
    private final Path trace;

    private SimulatorProcess(Process process, Path link, Path trace) {
        this.process = process;
        this.link = link;
        this.trace = trace;
    }

    /** Starts {@code dfu simulate} in {@code dir} with {@code options} beside {@code --pty} and {@code --trace}. */
    static SimulatorProcess start(Path dfu, Path dir, List<String> options) throws IOException {
        Path link = dir.resolve("ttyDFU");
        Path trace = dir.resolve("simulator-trace.log");
        List<String> command = new ArrayList<>(List.of(dfu.toString(), "simulate", "--pty", link.toString(),
                "--trace", trace.toString()));
        command.addAll(options);
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("simulator.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine(); // the link, once socat made it
        if (first == null) {
            p.destroy();
            throw new IOException("dfu simulate ended before serving: "
                    + Files.readString(dir.resolve("simulator.err")));
        }
        return new SimulatorProcess(p, link, trace);
    }

    Path link() {
        return link;
    }

    /** The board's process id (the JVM's: the launcher execs java). */
    long pid() {
        return process.pid();
    }

    /** The trace's lines so far. */
    List<String> traceLines() {
        try {
            return Files.exists(trace) ? Files.readAllLines(trace, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wall-clock time of model time 0, from the trace's first line. */
    Instant clock() {
        for (String line : traceLines()) {
            int at = line.indexOf("clock: model time 0 is ");
            if (at >= 0) {
                String rest = line.substring(at + "clock: model time 0 is ".length());
                return Instant.parse(rest.substring(0, rest.indexOf(' ')));
            }
        }
        throw new IllegalStateException("the simulator's trace has no clock line");
    }

    /** Model time in seconds of the first host frame, once there is one. */
    Optional<Double> firstFrameIn() {
        return framesIn().stream().findFirst();
    }

    /** Model times in seconds of every host frame so far. */
    List<Double> framesIn() {
        List<Double> times = new ArrayList<>();
        for (String line : traceLines()) {
            String[] f = line.trim().split("\\s+", 3);
            if (f.length >= 2 && f[1].equals("IN")) {
                times.add(Double.parseDouble(f[0]));
            }
        }
        return times;
    }

    /** Wall-clock time of a model time in seconds. */
    Instant wallClock(double modelSeconds) {
        return clock().plusNanos(Math.round(modelSeconds * 1e9));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
