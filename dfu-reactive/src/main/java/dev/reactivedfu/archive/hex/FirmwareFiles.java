package dev.reactivedfu.archive.hex;

import dev.reactivedfu.error.PackageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Firmware images from the files nrfutil takes: an Intel HEX file ({@code .hex}, any case) becomes the bytes from
 * the start of its image region's data to its highest address, holes {@code 0xFF}, padded with {@code 0xFF} to a
 * multiple of 4 bytes; any other file is taken as the raw image ({@code .bin}).
 *
 * <p>What nrfutil 6.1.7 does (pc-nrfutil {@code nordicsemi/dfu/package.py} {@code normalize_firmware_to_bin} and
 * {@code nordicsemi/dfu/nrfhex.py} {@code nRFHex}), for every input kind alike:
 * <ol>
 *   <li>it silently drops all data at or above {@code 0x10000000} (FICR, UICR: {@code _removeuicr});</li>
 *   <li>it converts with intelhex {@code tobinfile} from {@code max(mbr_end, lowest address)} to the highest
 *       address, so data below the MBR end is silently dropped, from an application or bootloader as much as from
 *       a SoftDevice;</li>
 *   <li>{@code mbr_end} is {@code 0x1000} unless the SoftDevice info struct magic {@code 0x51B1E5DB} is not at
 *       {@code 0x3004} but is at {@code 0x4004}, {@code 0x5004}, {@code 0x6004} or {@code 0x7004}: nrfutil calls that
 *       variant "s132" and uses {@code 0x3000} (its {@code s132_mbr_end_address}). nrfutil reads the magic with
 *       Python's {@code unpack('L', 4 bytes)}: {@code L} is the native {@code unsigned long}, 8 bytes on 64-bit
 *       Linux and macOS, so there the unpack raises, the exception is swallowed, and nrfutil always uses
 *       {@code 0x1000}; only where {@code long} is 4 bytes (Windows) does the "s132" rule take effect.</li>
 * </ol>
 *
 * <p>What this class does with a hex file, per {@link Kind} (nRF52 facts: flash is {@code 0..}{@link #FLASH_END},
 * the MBR owns the page below {@link #MBR_SIZE}, FICR is at {@code 0x10000000} and UICR at {@code 0x10001000};
 * neither is flash a DFU package can write):
 * <ul>
 *   <li>an application or bootloader's image region is {@code [0x1000, FLASH_END)}. Data below {@code 0x1000} (the
 *       MBR page) is refused: nrfutil would drop it and package an image missing bytes the file was built to hold,
 *       which could never work; such a file is usually a merged hex (MBR, SoftDevice, bootloader) given in place
 *       of the image's own hex;</li>
 *   <li>a SoftDevice's image region is {@code [0, FLASH_END)}; its MBR below the MBR end ({@code 0x1000}, or
 *       {@code 0x3000} for nrfutil's "s132" variant, decided as nrfutil's source intends, on every platform) is
 *       left out as nrfutil leaves it out: the bootloader never replaces the MBR;</li>
 *   <li>FICR and UICR records ({@code 0x10000000..0x10001FFF}) are left out, as nrfutil leaves them out: every
 *       SDK bootloader hex carries its start address ({@code NRFFW[0]} at {@code 0x10001014}) and the MBR parameter
 *       page address there, which describe the chip and were programmed with the first bootloader;</li>
 *   <li>any other data outside the image region (above {@code FLASH_END} and not FICR/UICR: no nRF52 flash, RAM,
 *       peripherals) is refused rather than dropped. The error is one line naming the option, the file and the first
 *       address range outside the region.</li>
 * </ul>
 * A {@code .bin} has no addresses and is taken as it is.
 */
public final class FirmwareFiles {

    /** Data at or above this address (FICR, UICR) is not part of an image. */
    public static final long IMAGE_REGION_END = 0x10000000L;
    /**
     * The end of nRF52 flash, the largest part's: nRF52840's 1 MiB. {@code pkg generate} has no {@code --family}, so
     * a smaller part's limit (nRF52832: 512 KiB) is left to the bootloader, which refuses an image that does not fit.
     */
    public static final long FLASH_END = 0x100000L;
    /** The MBR's size: a SoftDevice image starts after it, and no application or bootloader may hold data in it. */
    public static final long MBR_SIZE = 0x1000;
    /** nrfutil's MBR end for the SoftDevice variant it calls "s132" ({@code s132_mbr_end_address}). */
    public static final long S132_MBR_END = 0x3000;
    /** The SoftDevice info struct's magic number nrfutil looks for. */
    static final long INFO_STRUCT_MAGIC = 0x51B1E5DBL;
    private static final long FICR = 0x10000000L;
    private static final long UICR = 0x10001000L;
    private static final long UICR_END = 0x10002000L;

    /** What a firmware file is given as: the {@code pkg generate} option, which decides its image region. */
    public enum Kind {
        APPLICATION("--application", "an application"),
        BOOTLOADER("--bootloader", "a bootloader"),
        SOFTDEVICE("--softdevice", "a SoftDevice");

        private final String option;
        private final String noun;

        Kind(String option, String noun) {
            this.option = option;
            this.noun = noun;
        }

        /** The {@code pkg generate} option that takes this kind. */
        public String option() {
            return option;
        }
    }

    private FirmwareFiles() {
    }

    /**
     * The image {@code file} holds as {@code kind}: from a hex file, only its image region (see the class Javadoc), a
     * SoftDevice's MBR left out; a {@code .bin} as it is.
     *
     * @throws PackageException with fault {@code IO} (missing, unreadable, empty), {@code HEX} (malformed, or no data
     *                          in the image) or {@code OPTION} (data outside the image region: the message names the
     *                          option and the range)
     */
    public static byte[] read(Path file, Kind kind) {
        if (!isHex(file)) {
            return bin(file);
        }
        IntelHex hex = IntelHexReader.read(file);
        long from = kind == Kind.SOFTDEVICE ? mbrEnd(hex) : MBR_SIZE;
        long regionStart = kind == Kind.SOFTDEVICE ? 0 : MBR_SIZE;
        for (IntelHex.Segment s : hex.segments()) {
            if (s.address() < regionStart) {
                throw outside(file, kind, s.address(), Math.min(s.end(), regionStart),
                        "the MBR page below 0x1000 belongs to the MBR, which no update replaces; give the "
                                + kind.option.substring(2) + "'s own hex, not a merged one");
            }
            if (s.address() >= FICR && s.end() <= UICR_END) {
                // FICR/UICR records (an SDK bootloader hex carries NRFFW[0] and the MBR parameter page address at
                // 0x10001014/0x10001018) describe the chip, not the image: left out, as nrfutil leaves them out
                continue;
            }
            if (s.end() > FLASH_END) {
                long lo = Math.max(s.address(), FLASH_END);
                throw outside(file, kind, lo, s.end(), beyond(lo) + " is not an image region and a DFU package "
                        + "cannot write it; remove those records from the hex file");
            }
        }
        IntelHex image = hex.slice(from, FLASH_END);
        if (image.isEmpty()) {
            throw new PackageException(file.toString(), PackageException.Fault.HEX, "holds no firmware data"
                    + String.format(" in %s's image region 0x%X..0x%X", kind.noun, from, FLASH_END - 1));
        }
        return image.toBinary(4);
    }

    /**
     * An image without checks: from a hex file, its lowest to its highest address, data at or above
     * {@code 0x10000000} dropped (unlike nrfutil, data below {@code 0x1000} is kept). Kept for callers other than
     * {@code pkg generate}, which uses the checked {@link #read(Path, Kind)}.
     *
     * @throws PackageException with fault {@code IO} (missing, unreadable) or {@code HEX} (malformed, or no data)
     */
    public static byte[] image(Path file) {
        return isHex(file) ? dropping(file, 0) : bin(file);
    }

    /**
     * A SoftDevice image as nrfutil converts it: from a hex file, without the MBR (below {@link #mbrEnd(IntelHex)})
     * and without data at or above {@code 0x10000000}; must be a hex file.
     */
    public static byte[] softDevice(Path file) {
        if (!isHex(file)) {
            throw new PackageException(file.toString(), PackageException.Fault.HEX,
                    "a SoftDevice must be given as its Intel HEX file (.hex), so that the MBR can be left out");
        }
        return dropping(file, -1);
    }

    /**
     * Where a SoftDevice hex's image starts, as nrfutil's {@code nRFHex.get_mbr_end_address} decides it:
     * {@link #S132_MBR_END} when the info struct magic is not at {@code 0x3004} but at {@code 0x4004}, {@code 0x5004},
     * {@code 0x6004} or {@code 0x7004} (read as a 4-byte little-endian word, all four bytes present); otherwise
     * {@link #MBR_SIZE}.
     */
    public static long mbrEnd(IntelHex hex) {
        if (hasMagic(hex, 0x3004)) {
            return MBR_SIZE;
        }
        for (long at = 0x4004; at <= 0x7004; at += 0x1000) {
            if (hasMagic(hex, at)) {
                return S132_MBR_END;
            }
        }
        return MBR_SIZE;
    }

    /** Whether {@code file} is taken as Intel HEX (its name ends in {@code .hex}). */
    public static boolean isHex(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".hex");
    }

    private static boolean hasMagic(IntelHex hex, long address) {
        for (IntelHex.Segment s : hex.segments()) {
            if (s.address() <= address && address + 4 <= s.end()) {
                byte[] d = s.data();
                int i = (int) (address - s.address());
                long word = (d[i] & 0xFFL) | (d[i + 1] & 0xFFL) << 8 | (d[i + 2] & 0xFFL) << 16
                        | (d[i + 3] & 0xFFL) << 24;
                return word == INFO_STRUCT_MAGIC;
            }
        }
        return false;
    }

    private static String beyond(long address) {
        if (address >= UICR && address < UICR_END) {
            return "UICR (0x10001000..)";
        }
        if (address >= FICR && address < UICR) {
            return "FICR (0x10000000..)";
        }
        return address < FICR ? "the range above nRF52 flash (1 MiB at most)" : "memory outside nRF52 flash";
    }

    private static PackageException outside(Path file, Kind kind, long lo, long end, String why) {
        long regionStart = kind == Kind.SOFTDEVICE ? 0 : MBR_SIZE;
        return new PackageException(file.toString(), PackageException.Fault.OPTION, String.format(
                "%s holds data at 0x%08X..0x%08X, outside %s's image region 0x%08X..0x%08X: %s",
                kind.option, lo, end - 1, kind.noun, regionStart, FLASH_END - 1, why));
    }

    private static byte[] dropping(Path file, long from) {
        IntelHex read = IntelHexReader.read(file);
        long start = from < 0 ? mbrEnd(read) : from;
        IntelHex hex = read.slice(start, IMAGE_REGION_END);
        if (hex.isEmpty()) {
            throw new PackageException(file.toString(), PackageException.Fault.HEX, "holds no firmware data"
                    + String.format(" above 0x%X", start));
        }
        return hex.toBinary(4);
    }

    private static byte[] bin(Path file) {
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
