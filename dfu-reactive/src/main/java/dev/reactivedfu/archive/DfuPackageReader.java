package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads nrfutil DFU packages ({@code .zip}) into {@link DfuPackage}s and validates them before any device is touched:
 * the slim API over {@link SafeZip} (the archive, hostile input refused), {@link Manifest} (the images and their
 * entries, in send order: softdevice_bootloader, softdevice, bootloader, application), {@link InitPacket} (each
 * {@code .dat}, parsed from its signed bytes) and {@link PackageValidator} (hash, sizes, type, signature).
 *
 * <p>Hostile input is refused with a {@link PackageException} naming the file and the fault, and nothing is ever
 * written anywhere: the archive is read in memory, never extracted. Besides the archive's faults ({@link SafeZip}):
 * a manifest or image file that is missing ({@link Fault#MISSING_ENTRY}), malformed or ill-shaped JSON
 * ({@link Fault#MANIFEST}), an init packet that is not a protobuf {@code Packet} holding an init command
 * ({@link Fault#INIT_PACKET}) or is one nrfutil could not have written ({@link Fault#NONSTANDARD_INIT_PACKET}).
 *
 * <p>Instances are immutable and thread-safe; {@code with...} methods return a reader with another limit.
 */
public final class DfuPackageReader {

    /** Largest entry (inflated) by default: 16 MiB, far more than any nRF52 flash. */
    public static final long DEFAULT_MAX_IMAGE_SIZE = 16L * 1024 * 1024;
    /** Largest total of inflated entries by default: 32 MiB. */
    public static final long DEFAULT_MAX_ARCHIVE_SIZE = 32L * 1024 * 1024;
    /** Most entries an archive may hold (a package has at most one manifest and two files per image kind). */
    public static final int MAX_ENTRIES = SafeZip.MAX_ENTRIES;

    /** The name of the manifest entry. */
    public static final String MANIFEST = Manifest.ENTRY;

    private final long maxImageSize;
    private final long maxArchiveSize;

    /** A reader with the default limits ({@value #DEFAULT_MAX_IMAGE_SIZE} bytes per entry). */
    public DfuPackageReader() {
        this(DEFAULT_MAX_IMAGE_SIZE, DEFAULT_MAX_ARCHIVE_SIZE);
    }

    private DfuPackageReader(long maxImageSize, long maxArchiveSize) {
        if (maxImageSize <= 0 || maxArchiveSize <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxImageSize = maxImageSize;
        this.maxArchiveSize = maxArchiveSize;
    }

    /** A reader refusing any entry that inflates to more than {@code bytes}. */
    public DfuPackageReader withMaxImageSize(long bytes) {
        return new DfuPackageReader(bytes, maxArchiveSize);
    }

    /** A reader refusing an archive (the file, and all its entries inflated together) of more than {@code bytes}. */
    public DfuPackageReader withMaxArchiveSize(long bytes) {
        return new DfuPackageReader(maxImageSize, bytes);
    }

    /** The per-entry limit in bytes, inflated. */
    public long maxImageSize() {
        return maxImageSize;
    }

    /** The limit in bytes on the file and on all its entries inflated together. */
    public long maxArchiveSize() {
        return maxArchiveSize;
    }

    // ---------------------------------------------------------------- reading and validating

    /**
     * Reads a package and requires it valid (hash, sizes, hash type; signatures are not checked).
     *
     * @throws PackageException naming the file and the fault when it cannot be read or fails a check
     */
    public DfuPackage read(Path file) {
        return inspect(file).requireValid();
    }

    /**
     * Reads a package and requires it valid and every image signed with {@code key}.
     *
     * @throws PackageException naming the file and the fault when it cannot be read, fails a check, is unsigned
     *                          ({@link Fault#UNSIGNED}) or not signed by that key ({@link Fault#SIGNATURE_INVALID})
     */
    public DfuPackage read(Path file, ECPublicKey key) {
        return inspect(file, key).requireValid();
    }

    /**
     * Reads a package held in memory and requires it valid (signatures are not checked).
     *
     * @param source names the package in errors
     * @throws PackageException naming {@code source} and the fault
     */
    public DfuPackage read(String source, byte[] zip) {
        return inspect(source, zip).requireValid();
    }

    /**
     * Reads a package held in memory and requires it valid and every image signed with {@code key}.
     *
     * @param source names the package in errors
     * @throws PackageException naming {@code source} and the fault
     */
    public DfuPackage read(String source, byte[] zip, ECPublicKey key) {
        return inspect(source, zip, key).requireValid();
    }

    /**
     * Reads a package and reports every check without refusing a package that fails one (signatures not checked).
     *
     * @throws PackageException when the file cannot be read as a package at all (see the class comment)
     */
    public PackageValidation inspect(Path file) {
        return validate(parse(file.toString(), readFile(file)), null);
    }

    /**
     * Reads a package and reports every check, signatures against {@code key}, without refusing a package that fails
     * one.
     *
     * @throws PackageException when the file cannot be read as a package at all (see the class comment)
     */
    public PackageValidation inspect(Path file, ECPublicKey key) {
        return validate(parse(file.toString(), readFile(file)), requireKey(key));
    }

    /**
     * Reads a package held in memory and reports every check (signatures not checked).
     *
     * @param source names the package in errors
     * @throws PackageException when the bytes cannot be read as a package at all
     */
    public PackageValidation inspect(String source, byte[] zip) {
        return validate(parse(source, zip), null);
    }

    /**
     * Reads a package held in memory and reports every check, signatures against {@code key}.
     *
     * @param source names the package in errors
     * @throws PackageException when the bytes cannot be read as a package at all
     */
    public PackageValidation inspect(String source, byte[] zip, ECPublicKey key) {
        return validate(parse(source, zip), requireKey(key));
    }

    private static ECPublicKey requireKey(ECPublicKey key) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        return key;
    }

    // ---------------------------------------------------------------- the archive

    private byte[] readFile(Path file) {
        String source = file.toString();
        try {
            long size = Files.size(file);
            if (size > maxArchiveSize) {
                throw new PackageException(source, Fault.TOO_LARGE, "the file is " + size
                        + " bytes, more than the limit of " + maxArchiveSize + " bytes for a package");
            }
            if (Files.isDirectory(file)) {
                throw new PackageException(source, Fault.IO, "is a directory, not a package file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PackageException(source, Fault.IO, "no such file", e);
        } catch (IOException e) {
            throw new PackageException(source, Fault.IO, "cannot read the file: " + e.getMessage(), e);
        }
    }

    private DfuPackage parse(String source, byte[] zip) {
        Map<String, byte[]> entries = SafeZip.read(source, zip, maxImageSize, maxArchiveSize);
        byte[] manifestBytes = entries.get(MANIFEST);
        if (manifestBytes == null) {
            throw new PackageException(source, Fault.MISSING_ENTRY,
                    "no " + MANIFEST + " (entries: " + String.join(", ", entries.keySet()) + ")");
        }
        Manifest manifest = Manifest.parse(source, manifestBytes);
        List<FirmwareImage> images = new ArrayList<>();
        for (Manifest.Image m : manifest.images()) {
            byte[] dat = entry(source, entries, m.kind(), m.datFile());
            byte[] bin = entry(source, entries, m.kind(), m.binFile());
            InitPacket init;
            try {
                init = InitPacket.parse(m.datFile(), dat);
            } catch (PackageException e) {
                throw new PackageException(source, e.fault(), e.getMessage(), e);
            }
            if (bin.length == 0) {
                throw new PackageException(source, Fault.SIZE_MISMATCH, m.binFile() + ": the "
                        + m.kind().manifestKey() + " image is empty");
            }
            images.add(new FirmwareImage(m.kind(), m.binFile(), m.datFile(), dat, bin, init, m.metadata()));
        }
        return new DfuPackage(source, images);
    }

    private static byte[] entry(String source, Map<String, byte[]> entries, ImageKind kind, String name) {
        String unsafe = SafeZip.unsafeName(name);
        if (unsafe != null) {
            throw new PackageException(source, Fault.UNSAFE_ENTRY, MANIFEST + " names " + SafeZip.quote(name)
                    + " for the " + kind.manifestKey() + ", which " + unsafe);
        }
        byte[] bytes = entries.get(name);
        if (bytes == null) {
            throw new PackageException(source, Fault.MISSING_ENTRY, MANIFEST + " names " + SafeZip.quote(name)
                    + " for the " + kind.manifestKey() + ", but the archive has no such entry");
        }
        return bytes;
    }

    private static PackageValidation validate(DfuPackage dfuPackage, ECPublicKey key) {
        return PackageValidator.validate(dfuPackage, key);
    }
}
