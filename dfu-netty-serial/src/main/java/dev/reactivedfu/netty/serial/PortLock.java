package dev.reactivedfu.netty.serial;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Exclusive use of a serial port across processes: two hosts talking to one bootloader corrupt each other's update,
 * so a second station or {@code dfu flash} on a port in use must fail at once with "port busy".
 *
 * <p>An advisory lock ({@code fcntl}, through {@link FileChannel#tryLock()}) on a lock file named after the port's
 * real path (symbolic links such as {@code /dev/serial/by-path/...} or a socat link resolved, so every name of one
 * device shares one lock) in {@code $TMPDIR/dfu-port-locks}; the file holds the owner's pid for the message. On top
 * of it jSerialComm opens the port itself exclusively ({@code TIOCEXCL} and {@code flock}, its default).
 *
 * <p>Two kinds of holds, counted per JVM (a file lock is per process, so the JVM keeps its own registry):
 * <ul>
 *   <li>a {@linkplain #lease lease}, held by a command for as long as it runs (a station for every socket, between
 *       updates too; {@code dfu flash} for its port), so nobody else gets the port between two connections;</li>
 *   <li>a {@linkplain #forChannel channel hold}, taken by {@link SerialChannel} while the port is open: inside a lease
 *       of this JVM it is granted (one open channel at a time), without one it takes the file lock itself.</li>
 * </ul>
 * Thread-safe.
 */
public final class PortLock implements AutoCloseable {

    private static final Map<String, Held> HELD = new HashMap<>();

    /** One lock file held by this JVM. Guarded by {@code HELD}. */
    private static final class Held {
        final FileChannel file;
        final FileLock lock;
        boolean leased;
        boolean channelOpen;

        Held(FileChannel file, FileLock lock) {
            this.file = file;
            this.lock = lock;
        }
    }

    private final String key;
    private final String path;
    private final boolean lease;
    private boolean closed;

    private PortLock(String key, String path, boolean lease) {
        this.key = key;
        this.path = path;
        this.lease = lease;
    }

    /**
     * Leases {@code path} for this command's lifetime.
     *
     * @throws SerialPortException "port busy" naming the holder, when another process (or another lease of this JVM)
     *                             holds it
     */
    public static PortLock lease(String path) throws SerialPortException {
        String key = key(path);
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h != null) {
                throw busy(path, h.leased ? "it is already used by this process" : "a connection of this process has it open");
            }
            Held taken = take(path, key);
            taken.leased = true;
            HELD.put(key, taken);
        }
        return new PortLock(key, path, true);
    }

    /**
     * Holds {@code path} while a channel has it open: granted inside this JVM's lease, else the file lock is taken.
     *
     * @throws SerialPortException "port busy" when another process holds the port or a channel has it open already
     */
    static PortLock forChannel(String path) throws SerialPortException {
        String key = key(path);
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h == null) {
                h = take(path, key);
                HELD.put(key, h);
            } else if (h.channelOpen) {
                throw busy(path, "another connection of this process has it open");
            }
            h.channelOpen = true;
        }
        return new PortLock(key, path, false);
    }

    /** The port this lock is for. */
    public String path() {
        return path;
    }

    /** Releases this hold; the file lock goes when neither a lease nor a channel holds the port. Idempotent. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held h = HELD.get(key);
            if (h == null) {
                return;
            }
            if (lease) {
                h.leased = false;
            } else {
                h.channelOpen = false;
            }
            if (!h.leased && !h.channelOpen) {
                HELD.remove(key);
                try {
                    h.lock.release();
                    h.file.close();
                } catch (IOException e) {
                    // the lock goes with the file descriptor anyway
                }
            }
        }
    }

    private static Held take(String path, String key) throws SerialPortException {
        Path lockFile = lockDir().resolve(key.replace('/', '_') + ".lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(lockFile.getParent());
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                String owner = owner(ch);
                ch.close();
                throw busy(path, "another program" + owner + " uses it (a station or dfu flash)");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            return new Held(ch, lock);
        } catch (OverlappingFileLockException e) {
            close(ch);
            throw busy(path, "it is already used by this process");
        } catch (IOException e) {
            if (e instanceof SerialPortException s) {
                throw s;
            }
            close(ch);
            throw (SerialPortException) new SerialPortException(path,
                    "cannot lock the port (lock file " + lockFile + "): " + e.getMessage(), 0).initCause(e);
        }
    }

    private static String owner(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            int n = ch.read(b, 0);
            String pid = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    private static SerialPortException busy(String path, String why) {
        return new SerialPortException(path, "port busy: " + why
                + "; two hosts on one bootloader corrupt each other's update: stop the other one first", 0);
    }

    /** The port's real path (links resolved), or the path as given when it does not exist (yet). */
    private static String key(String path) {
        try {
            return Paths.get(path).toRealPath().toString();
        } catch (IOException e) {
            return Paths.get(path).toAbsolutePath().normalize().toString();
        }
    }

    private static Path lockDir() {
        return Paths.get(System.getProperty("java.io.tmpdir"), "dfu-port-locks");
    }
}
