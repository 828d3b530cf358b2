package dev.reactivedfu.archive.hex;

import dev.reactivedfu.error.PackageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Firmware images from the files nrfutil takes: an Intel HEX file ({@code .hex}, any case) becomes the bytes from
 * its lowest to its highest address, holes {@code 0xFF}, padded with {@code 0xFF} to a multiple of 4 bytes; any
 * other file is taken as the raw image ({@code .bin}). Data at or above {@code 0x10000000} (UICR, FICR) is not
 * firmware and is dropped from a hex file.
 */
public final class FirmwareFiles {

    /** Data at or above this address (UICR, FICR) is not part of an image. */
    public static final long IMAGE_REGION_END = 0x10000000L;
    /** The MBR's size: a SoftDevice image starts after it. */
    public static final long MBR_SIZE = 0x1000;

    private FirmwareFiles() {
    }

    /**
     * An application or bootloader image.
     *
     * @throws PackageException with fault {@code IO} (missing, unreadable) or {@code HEX} (malformed, or no data)
     */
    public static byte[] image(Path file) {
        return image(file, 0);
    }

    /** A SoftDevice image: from a hex file, without the MBR (below {@link #MBR_SIZE}); must be a hex file. */
    public static byte[] softDevice(Path file) {
        if (!isHex(file)) {
            throw new PackageException(file.toString(), PackageException.Fault.HEX,
                    "a SoftDevice must be given as its Intel HEX file (.hex), so that the MBR can be left out");
        }
        return image(file, MBR_SIZE);
    }

    /** Whether {@code file} is taken as Intel HEX (its name ends in {@code .hex}). */
    public static boolean isHex(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".hex");
    }

    private static byte[] image(Path file, long from) {
        if (isHex(file)) {
            IntelHex hex = IntelHexReader.read(file).slice(from, IMAGE_REGION_END);
            if (hex.isEmpty()) {
                throw new PackageException(file.toString(), PackageException.Fault.HEX, "holds no firmware data"
                        + (from > 0 ? String.format(" above 0x%X", from) : ""));
            }
            return hex.toBinary(4);
        }
        try {
            byte[] bin = Files.readAllBytes(file);
            if (bin.length == 0) {
                throw new PackageException(file.toString(), PackageException.Fault.IO, "the file is empty");
            }
            return bin;
        } catch (NoSuchFileException e) {
            throw new PackageException(file.toString(), PackageException.Fault.IO, "no such file", e);
        } catch (IOException e) {
            throw new PackageException(file.toString(), PackageException.Fault.IO, "cannot read: " + e.getMessage(), e);
        }
    }
}
