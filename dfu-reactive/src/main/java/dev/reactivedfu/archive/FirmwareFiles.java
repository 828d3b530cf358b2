package dev.reactivedfu.archive;

import dev.reactivedfu.archive.hex.IntelHex;
import dev.reactivedfu.archive.hex.IntelHexReader;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a firmware input of {@code pkg generate} into the image nrfutil would package (the one place inputs are
 * read): an Intel HEX file ({@code .hex}) or a raw binary (any other name).
 *
 * <p>As nrfutil's {@code nRFHex}: from a hex file, data at or above the UICR ({@code 0x10000000}) is dropped, and so
 * is data below the end of the master boot record (0x1000, or 0x3000 when the SoftDevice info structure's magic
 * number sits in a later page, as in an S132 hex); the image runs from the lowest remaining address to the highest,
 * holes filled with 0xFF. Every image, from a hex or a binary, is padded with 0xFF to a multiple of 4 bytes. The
 * {@code .bin} entry is named after the input, ".hex" replaced by ".bin".
 */
public final class FirmwareFiles {

    /** The largest binary input read. */
    public static final long MAX_BIN_BYTES = 16L << 20;

    private static final long UICR = 0x1000_0000L;
    private static final long INFO_BASE = 0x3000;
    private static final long INFO_MAGIC = 0x51B1E5DBL;

    private FirmwareFiles() {
    }

    /**
     * Reads {@code file}.
     *
     * @throws PackageException {@link Fault#IO} when it is missing or unreadable, {@link Fault#HEX} when a hex file
     *                          is malformed (the line named), {@link Fault#SIZE_MISMATCH} when it holds no data
     */
    public static DfuPackageWriter.Firmware read(Path file) {
        String fileName = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        byte[] image;
        if (fileName.toLowerCase(Locale.ROOT).endsWith(".hex")) {
            image = fromHex(IntelHexReader.read(file));
        } else {
            image = readBinary(file);
        }
        if (image.length == 0) {
            throw new PackageException(file.toString(), Fault.SIZE_MISMATCH, "holds no firmware data");
        }
        return new DfuPackageWriter.Firmware(fileName.replace(".hex", ".bin"), padded(image));
    }

    /** The image of a hex file, as nrfutil's {@code nRFHex.tobinfile} writes it (before padding). */
    static byte[] fromHex(IntelHex hex) {
        IntelHex below = hex.slice(0, UICR);
        if (below.isEmpty()) {
            return new byte[0];
        }
        long mbrEnd = mbrEnd(below);
        IntelHex firmware = below.slice(Math.max(mbrEnd, below.minAddress()), UICR);
        return firmware.toBinary();
    }

    private static long mbrEnd(IntelHex hex) {
        if (magicAt(hex, INFO_BASE + 4)) {
            return 0x1000;
        }
        for (int i = 1; i <= 4; i++) {
            if (magicAt(hex, INFO_BASE + 4 + 0x1000L * i)) {
                return 0x3000;
            }
        }
        return 0x1000;
    }

    private static boolean magicAt(IntelHex hex, long address) {
        IntelHex word = hex.slice(address, address + 4);
        if (word.dataSize() != 4) {
            return false;
        }
        byte[] b = word.toBinary();
        long v = (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24;
        return v == INFO_MAGIC;
    }

    private static byte[] readBinary(Path file) {
        String name = file.toString();
        try {
            if (Files.isDirectory(file)) {
                throw new PackageException(name, Fault.IO, "is a directory, not a firmware file");
            }
            if (Files.size(file) > MAX_BIN_BYTES) {
                throw new PackageException(name, Fault.TOO_LARGE, "larger than " + (MAX_BIN_BYTES >> 20)
                        + " MiB: not an nRF52 firmware image");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PackageException(name, Fault.IO, "no such file", e);
        } catch (IOException e) {
            throw new PackageException(name, Fault.IO, "cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] padded(byte[] image) {
        int length = (image.length + 3) / 4 * 4;
        if (length == image.length) {
            return image;
        }
        byte[] out = Arrays.copyOf(image, length);
        Arrays.fill(out, image.length, length, (byte) 0xFF);
        return out;
    }
}
