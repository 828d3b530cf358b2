package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes an output file so that it is never seen half-written: the content goes to a temporary file beside the
 * target (same directory, so same file system), is flushed to disk ({@code fsync}), and is then moved over the
 * target with {@link StandardCopyOption#ATOMIC_MOVE}. An existing target is replaced only once the new file is
 * complete; on any error the temporary file is deleted and the target is left as it was.
 */
public final class AtomicFiles {

    /** What to write; may throw, in which case nothing is left behind. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    /** Writes {@code bytes} to {@code target} atomically (mode {@code rw-r--r--}, or the replaced file's mode). */
    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code content} to {@code target} atomically (mode {@code rw-r--r--}, or the replaced file's mode).
     *
     * @throws PackageException with fault {@code IO} when the directory is missing or not writable, the target is a
     *                          directory, or the content fails; the target is then untouched and no file is left
     */
    public static void write(Path target, Content content) {
        write(target, content, false);
    }

    /** As {@link #write(Path, Content)}, readable by the owner only ({@code rw-------}): for private keys. */
    public static void writePrivate(Path target, Content content) {
        write(target, content, true);
    }

    private static void write(Path target, Content content, boolean owner) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = target.toString();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new PackageException(name, PackageException.Fault.IO,
                    "cannot write: directory " + dir + " does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new PackageException(name, PackageException.Fault.IO, "cannot write: it is a directory");
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".part");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(channel)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            setMode(temp, absolute, owner);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            syncDirectory(dir);
        } catch (AccessDeniedException e) {
            throw new PackageException(name, PackageException.Fault.IO,
                    "cannot write: permission denied in " + dir, e);
        } catch (FileSystemException e) {
            throw new PackageException(name, PackageException.Fault.IO, "cannot write: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof PackageException p) {
                throw p;
            }
            throw new PackageException(name, PackageException.Fault.IO, "cannot write: " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    /** Keeps the mode of a file being replaced; a new file gets {@code rw-r--r--} (or owner-only for keys). */
    private static void setMode(Path temp, Path target, boolean owner) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> mode = owner ? PRIVATE : PUBLIC;
        if (!owner && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            PosixFileAttributeView old = Files.getFileAttributeView(target, PosixFileAttributeView.class);
            mode = old.readAttributes().permissions();
        }
        view.setPermissions(mode);
    }

    /** Makes the rename itself durable (Linux allows fsync on a directory; elsewhere this is skipped). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not supported on this platform: the file itself is already on disk
        }
    }
}
