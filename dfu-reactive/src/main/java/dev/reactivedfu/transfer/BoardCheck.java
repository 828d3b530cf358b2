package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.error.WrongBoardException;
import dev.reactivedfu.protocol.DfuResponse;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wrong-board check: what the bootloader reported in the device probe against what the first image's init
 * packet requires, before anything of the package is sent. It refuses only what the bootloader would certainly
 * refuse at the init packet's EXECUTE, and lets everything it cannot judge through (the bootloader still has the
 * last word):
 *
 * <ol>
 *   <li>No check for a debug package ({@code is_debug}: a debug bootloader skips the hardware check) or when the
 *       device reported no hardware.</li>
 *   <li>Hardware: SDK 15–17 bootloaders compare {@code hw_version} with {@code NRF_DFU_HW_VERSION}, by default the
 *       chip family (52 for every nRF52), and 0x0A reports the chip's part number (FICR INFO.PART, 0x52840). A
 *       {@code hw_version} that names a family (51–54) or a part (52840 in decimal or 0x52840) that the reported part
 *       does not belong to is a wrong board; any other {@code hw_version} is a board-specific number the part cannot
 *       confirm or deny.</li>
 *   <li>SoftDevice: 0x0B reports the installed SoftDevice's version, not the FWID that {@code sd_req} lists, so only
 *       one case is certain: the device reports its images (the bootloader answered) but no SoftDevice, and
 *       {@code sd_req} accepts neither 0x00 ("no SoftDevice needed") nor 0xFFFE ("any").</li>
 * </ol>
 * Only the first image is checked: a later image's requirements refer to what the earlier images install.
 */
final class BoardCheck {

    /** sd_req value accepting any SoftDevice. */
    static final int SD_REQ_ANY = 0xFFFE;
    /** sd_req value for "no SoftDevice needed". */
    static final int SD_REQ_NONE = 0x00;
    private static final Pattern NORDIC_PART = Pattern.compile("(5[1-4])\\d{3}");

    private BoardCheck() {
    }

    /** The mismatch between the device and the init packet, if the bootloader would certainly refuse it. */
    static Optional<WrongBoardException> check(String port, DfuEvent.DeviceInfo device, InitPacket init) {
        if (device.hardware().isPresent() && !init.isDebug()) {
            long part = device.hardware().get().part();
            Optional<WrongBoardException> hw = hardware(port, part, init.hwVersion());
            if (hw.isPresent()) {
                return hw;
            }
        }
        return softDevice(port, device.firmware(), init.sdReq());
    }

    private static Optional<WrongBoardException> hardware(String port, long part, int hwVersion) {
        OptionalInt family = family(part);
        if (family.isEmpty()) {
            return Optional.empty();
        }
        String partHex = Long.toHexString(part);
        boolean namesFamily = hwVersion >= 51 && hwVersion <= 54;
        boolean namesPart = NORDIC_PART.matcher(Integer.toString(hwVersion)).matches()
                || NORDIC_PART.matcher(Integer.toHexString(hwVersion)).matches();
        if (namesFamily && hwVersion != family.getAsInt()) {
            return Optional.of(new WrongBoardException(port, WrongBoardException.Mismatch.HARDWARE,
                    "an nRF" + partHex + " (part 0x" + partHex + ", family " + family.getAsInt() + ")",
                    "hw_version " + hwVersion + " (an nRF" + hwVersion + " board)"));
        }
        if (namesPart && !namesFamily && !Integer.toString(hwVersion).equals(partHex)
                && !Integer.toHexString(hwVersion).equals(partHex)) {
            return Optional.of(new WrongBoardException(port, WrongBoardException.Mismatch.HARDWARE,
                    "an nRF" + partHex + " (part 0x" + partHex + ")",
                    "hw_version " + hwVersion + " (0x" + Integer.toHexString(hwVersion) + ")"));
        }
        return Optional.empty();
    }

    /** The chip family of a Nordic part number (0x52840 is family 52), if it is one. */
    static OptionalInt family(long part) {
        Matcher m = NORDIC_PART.matcher(Long.toHexString(part));
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    private static Optional<WrongBoardException> softDevice(String port, List<DfuResponse.FirmwareVersion> firmware,
                                                            List<Integer> sdReq) {
        if (firmware.isEmpty() || sdReq.isEmpty() || sdReq.contains(SD_REQ_NONE) || sdReq.contains(SD_REQ_ANY)) {
            return Optional.empty();
        }
        boolean softDevice = firmware.stream().anyMatch(f -> f.type() == 0);
        if (softDevice) {
            return Optional.empty();
        }
        return Optional.of(new WrongBoardException(port, WrongBoardException.Mismatch.SOFTDEVICE,
                "no SoftDevice installed", "sd_req " + WrongBoardException.hexList(sdReq)));
    }
}
