package dev.reactivedfu.netty.serial;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A pseudo-terminal pair made by {@code socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B}: what is written
 * to one end is read at the other, as over a null-modem cable. Killing socat makes reads at both ends return -1,
 * as an unplugged USB adapter does. Tests that need it are skipped with a clear message when socat is missing.
 */
public final class SocatPty implements AutoCloseable {

    private final Process process;
    private final Path a;
    private final Path b;

    private SocatPty(Process process, Path a, Path b) {
        this.process = process;
        this.a = a;
        this.b = b;
    }

    /** Starts socat with links {@code dir/name-a} and {@code dir/name-b}; waits (bounded) for both to appear. */
    public static SocatPty start(Path dir, String name) throws IOException {
        Assumptions.assumeTrue(socatInstalled(),
                "socat is not installed: install it (Debian/Ubuntu: apt-get install socat) to run the pty tests");
        Path a = dir.resolve(name + "-a");
        Path b = dir.resolve(name + "-b");
        Process p = new ProcessBuilder("socat", "-d", "-d",
                "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + "-socat.log").toFile())
                .start();
        SocatPty pty = new SocatPty(p, a, b);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                pty.close();
                throw new IOException("socat did not create " + a + " and " + b + "; see " + name + "-socat.log");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return pty;
    }

    static boolean socatInstalled() {
        try {
            Process p = new ProcessBuilder("socat", "-V").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One end. */
    public String a() {
        return a.toString();
    }

    /** The other end. */
    public String b() {
        return b.toString();
    }

    /** The socat process (its pid, to kill it like a pulled cable). */
    public Process process() {
        return process;
    }

    /** Kills socat at once (SIGKILL) and waits for it to be gone: both ends hang up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
