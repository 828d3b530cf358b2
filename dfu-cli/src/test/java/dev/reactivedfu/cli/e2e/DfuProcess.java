package dev.reactivedfu.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code dfu} command running in its own JVM, as a user runs it: its stdout lines are collected as they come, so a
 * test can wait for a line (a JSON event, the simulator's "ready"), then kill the process or wait for its exit.
 */
final class DfuProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<String> args;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = Collections.synchronizedList(new ArrayList<>());
    private final Path stderr;
    private final Thread reader;

    private DfuProcess(Process process, List<String> args, Path stderr) {
        this.process = process;
        this.args = args;
        this.stderr = stderr;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.add(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "dfu-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code dfu ARGS} in a new JVM on this test's class path. */
    static DfuProcess start(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("dev.reactivedfu.cli.DfuCli");
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile(workDir, "stderr-", ".txt");
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectError(err.toFile()).start();
            p.getOutputStream().close();
            return new DfuProcess(p, List.of(args), err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a stdout line matching {@code match}; fails with everything printed so far when it does not come. */
    String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && match.test(line)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no matching line from dfu " + String.join(" ", args) + " within " + timeout
                + "; alive=" + process.isAlive() + "\nstdout:\n" + String.join("\n", all) + "\nstderr:\n" + stderr());
    }

    /** Waits for a JSON event line whose fields satisfy {@code match}. */
    JsonNode awaitEvent(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        String line = awaitLine(l -> l.startsWith("{") && match.test(parse(l)), timeout);
        return parse(line);
    }

    /** Waits for the exit and returns its code; fails when it does not exit within {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dfu " + String.join(" ", args) + " did not exit within " + timeout
                    + "\nstdout:\n" + String.join("\n", all) + "\nstderr:\n" + stderr());
        }
        reader.join(5_000); // the last lines
        return process.exitValue();
    }

    /** The last JSON line printed (the summary of a {@code --json} run). */
    JsonNode lastJson() {
        synchronized (all) {
            for (int k = all.size() - 1; k >= 0; k--) {
                if (all.get(k).startsWith("{")) {
                    JsonNode n = parse(all.get(k));
                    if ("summary".equals(n.path("event").asText())) {
                        return n;
                    }
                }
            }
        }
        throw new AssertionError("no summary line\nstdout:\n" + String.join("\n", all) + "\nstderr:\n" + stderr());
    }

    /** SIGKILL: no chance to clean up, as when a station's host crashes. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGINT, as Ctrl-C in a terminal sends it. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertExit(kill.waitFor(), "kill -INT");
    }

    private static void assertExit(int code, String what) {
        if (code != 0) {
            throw new AssertionError(what + " exited with " + code);
        }
    }

    /** SIGTERM, then wait. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * SIGTERM, as a user stops {@code dfu simulate}, and waits for the process to end by itself; fails with its
     * threads (where it hangs) and output when it does not, instead of SIGKILLing it and letting a later assertion on
     * what it should have saved (a flash file) fail without a clue.
     */
    void stopCleanly(Duration timeout) throws InterruptedException {
        process.destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
        }
        String threads = threadDump();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("dfu " + String.join(" ", args) + " did not stop within " + timeout
                + " of SIGTERM\nthreads:\n" + threads + "\nstdout:\n" + output() + "\nstderr:\n" + stderr());
    }

    private String threadDump() throws InterruptedException {
        try {
            Path out = Files.createTempFile(stderr.getParent(), "threads-", ".txt");
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
            return Files.readString(out);
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    long pid() {
        return process.pid();
    }

    String output() {
        synchronized (all) {
            return String.join("\n", all);
        }
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            // the command stops its own children (dfu simulate its socat) on SIGTERM; only leftovers are killed
            List<ProcessHandle> children = process.descendants().toList();
            stop();
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
