package dev.reactivedfu.simulator.pty;

import dev.reactivedfu.simulator.SimulatedDevice;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A pseudo-terminal for a simulated device, made by socat: {@code socat -d -d pty,raw,echo=0,link=PATH,ignoreeof -}.
 * socat creates the pty pair, makes {@code PATH} a link to the end hosts open, and copies bytes between the other end
 * and its stdin/stdout, which this class pumps to and from the device. {@code ignoreeof} keeps socat alive when a
 * host closes the port, so hosts can come and go as with a real serial port. Like a real pty, it ignores baud rates:
 * configure timing on the device.
 *
 * <p>Closing stops socat (which removes the link) and detaches the device.
 */
public final class SocatPty implements AutoCloseable {

    private final Path link;
    private final Process socat;
    private final SimulatedDevice device;
    private final Consumer<byte[]> toHost;
    private final Thread reader;
    private final StringBuilder log = new StringBuilder();

    private SocatPty(Path link, Process socat, SimulatedDevice device) {
        this.link = link;
        this.socat = socat;
        this.device = device;
        OutputStream stdin = socat.getOutputStream();
        this.toHost = frame -> {
            try {
                stdin.write(frame);
                stdin.flush();
            } catch (IOException e) {
                // socat is gone; exited() reports it
            }
        };
        this.reader = new Thread(this::pump, "socat-pty-reader " + link);
        this.reader.setDaemon(true);
        Thread errors = new Thread(this::drainErrors, "socat-pty-log " + link);
        errors.setDaemon(true);
        errors.start();
    }

    /** Whether a {@code socat} executable is on the PATH. */
    public static boolean socatAvailable() {
        return socatExecutable().isPresent();
    }

    private static Optional<Path> socatExecutable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "socat");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts socat and serves {@code device} on a pty linked at {@code link}; returns once the link exists.
     *
     * @throws IOException when socat is not installed, fails to start, or the link does not appear within 5 s
     */
    public static SocatPty start(Path link, SimulatedDevice device) throws IOException {
        Path exe = socatExecutable().orElseThrow(() -> new IOException(
                "socat is not installed; install it (Debian/Ubuntu: apt-get install socat) to serve a pseudo-terminal"));
        Path absolute = link.toAbsolutePath();
        if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isSymbolicLink(absolute)) {
                throw new IOException(absolute + " exists and is not a link; choose another --pty path");
            }
            Files.delete(absolute); // a stale link from a killed run
        }
        List<String> command = new ArrayList<>(List.of(exe.toString(), "-d", "-d",
                "pty,raw,echo=0,ignoreeof,link=" + absolute, "-"));
        Process process = new ProcessBuilder(command).start();
        SocatPty pty = new SocatPty(absolute, process, device);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(absolute)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroy();
                throw new IOException("socat did not create " + absolute + ": " + pty.socatLog());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting socat", e);
            }
        }
        device.attachHost(pty.toHost);
        pty.reader.start();
        return pty;
    }

    private void pump() {
        byte[] buffer = new byte[4096];
        try (InputStream in = socat.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n > 0) {
                    byte[] chunk = new byte[n];
                    System.arraycopy(buffer, 0, chunk, 0, n);
                    device.hostWrite(chunk);
                }
            }
        } catch (IOException e) {
            // socat closed its stdout: it is exiting
        }
    }

    private void drainErrors() {
        try (InputStream err = socat.getErrorStream()) {
            byte[] buffer = new byte[1024];
            int n;
            while ((n = err.read(buffer)) >= 0) {
                synchronized (log) {
                    log.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (log.length() > 16_384) {
                        log.delete(0, log.length() - 8_192);
                    }
                }
            }
        } catch (IOException e) {
            // socat is gone
        }
    }

    /** The link hosts open. */
    public Path link() {
        return link;
    }

    /** Whether socat still runs. */
    public boolean isAlive() {
        return socat.isAlive();
    }

    /**
     * Waits until socat exits, for at most {@code timeout}.
     *
     * @return whether it exited
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return socat.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** socat's exit code (only after it exited). */
    public int exitCode() {
        return socat.exitValue();
    }

    /** What socat printed (its -d -d notices), for error messages. */
    public String socatLog() {
        synchronized (log) {
            return log.toString().trim();
        }
    }

    /** Detaches the device and stops socat. Idempotent. */
    @Override
    public void close() {
        device.detachHost(toHost);
        socat.destroy();
        try {
            if (!socat.waitFor(2, TimeUnit.SECONDS)) {
                socat.destroyForcibly();
            }
        } catch (InterruptedException e) {
            socat.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            if (Files.isSymbolicLink(link)) {
                Files.delete(link);
            }
        } catch (IOException e) {
            // socat removes it itself on a normal exit
        }
    }
}
