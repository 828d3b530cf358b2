package dev.reactivedfu.simulator;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A simulated board's flash kept in a file ({@code dfu simulate --flash FILE}): the whole 1 MiB image, written with a
 * temp file and a rename, so the file always holds one complete image the device really had, never a torn one.
 *
 * <p>Thread-safe, and safe to call from anywhere, including a {@link SimulatedDevice#onReset reset listener} (which
 * runs with the device's lock held), a polling loop and a shutdown hook at once. Lock order (the flake of
 * {@code FlashOverPtyTest}'s SIGKILL-and-rerun test): the device's lock, then this file's lock, never the other way
 * round; the device's image and its generation are read together under the device's lock before this file's lock is
 * taken, and an image older than the one already written is dropped, so concurrent saves end with the newest.
 */
public final class FlashFile {

    private final SimulatedDevice device;
    private final Path file;
    private long writtenGeneration = -1;
    private boolean closed;

    /** Keeps {@code device}'s flash in {@code file}; nothing is written before the first save. */
    public FlashFile(SimulatedDevice device, Path file) {
        this.device = device;
        this.file = file;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Writes the device's flash as it is now (unless a newer image was written meanwhile, or the file is closed). */
    public void save() throws IOException {
        long generation;
        byte[] image;
        synchronized (device) {
            if (isClosed() || device.isDisposed()) {
                return;
            }
            generation = device.flashGeneration();
            image = device.flashImage();
        }
        write(generation, image);
    }

    /** Writes the device's flash when it changed since the last save; reports a failure on stderr. */
    public void saveIfChanged() {
        long generation;
        byte[] image;
        synchronized (device) {
            if (isClosed() || device.isDisposed()) {
                return;
            }
            generation = device.flashGeneration();
            if (generation == writtenGeneration()) {
                return;
            }
            image = device.flashImage();
        }
        try {
            write(generation, image);
        } catch (IOException e) {
            warn(e);
        }
    }

    /** {@link #save()}, reporting a failure on stderr instead of throwing (for listeners and hooks). */
    public void saveQuietly() {
        try {
            save();
        } catch (IOException e) {
            warn(e);
        }
    }

    /**
     * The final save: writes the device's flash as it is now, then ignores every later save (a shutdown hook running
     * after the device was disposed). Call it before disposing of the device; calling it again does nothing.
     */
    public void close() {
        saveQuietly();
        synchronized (this) {
            closed = true;
        }
    }

    /** Writes {@code bytes} to {@code target} through a temp file and a rename: readers see the old or the new file. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid()
                + "." + Thread.currentThread().getId() + ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private synchronized void write(long generation, byte[] image) throws IOException {
        // the generation only grows: an image read before the one already written is older, drop it
        if (closed || generation <= writtenGeneration) {
            return;
        }
        writeAtomically(file, image);
        writtenGeneration = generation;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private synchronized long writtenGeneration() {
        return writtenGeneration;
    }

    private void warn(IOException e) {
        System.err.println("warning: could not save the flash to " + file + ": " + e.getMessage());
    }
}
