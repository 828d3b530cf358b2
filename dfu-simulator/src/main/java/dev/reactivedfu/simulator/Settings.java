package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.DfuCodec;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The bootloader settings (Nordic's {@code nrf_dfu_settings_t}), as held in RAM and saved to the settings page and
 * its backup: versions, the two banks, the DFU progress and the init packet. Immutable; the bootloader replaces its
 * copy as it goes. The simulator keeps the installed SoftDevice's id, version and end here too (the real bootloader
 * reads them from the SoftDevice information structure in flash).
 *
 * @param appVersion        version of the application in bank 0
 * @param bootloaderVersion version of the bootloader
 * @param bank0             the current image
 * @param bank1             the received image
 * @param softDeviceId      FWID of the installed SoftDevice, checked against sd_req
 * @param softDeviceVersion version of the installed SoftDevice
 * @param softDeviceEnd     end address of the SoftDevice: where applications start
 * @param progress          DFU progress
 * @param initCommand       the received init packet bytes ({@code progress.commandOffset()} of them are valid)
 */
public record Settings(long appVersion, long bootloaderVersion, Bank bank0, Bank bank1, int softDeviceId,
                       long softDeviceVersion, long softDeviceEnd, Progress progress, byte[] initCommand) {

    /** Bank state, with Nordic's wire values. */
    public enum BankCode {
        INVALID(0x00),
        VALID_APP(0x01),
        VALID_SD(0xA5),
        VALID_BL(0xAA),
        VALID_SD_BL(0xAC);

        private final int code;

        BankCode(int code) {
            this.code = code;
        }

        /** Nordic's value of the bank code. */
        public int code() {
            return code;
        }

        static BankCode fromCode(int code) {
            for (BankCode c : values()) {
                if (c.code == code) {
                    return c;
                }
            }
            return null;
        }
    }

    /** One bank: an image's size, its CRC-32 and what it holds. */
    public record Bank(long imageSize, long imageCrc, BankCode code) {
        /** An empty, invalid bank. */
        public static final Bank INVALID = new Bank(0, 0, BankCode.INVALID);
    }

    /**
     * DFU progress ({@code nrf_dfu_progress_t}).
     *
     * @param commandSize        size of the command object created
     * @param commandOffset      init packet bytes received
     * @param commandCrc         CRC-32 of them
     * @param dataObjectSize     size of the data object created (0 after it was executed)
     * @param firmwareOffset     firmware bytes received, over all objects
     * @param firmwareCrc        CRC-32 of the firmware up to {@code firmwareOffset}
     * @param firmwareOffsetLast end of the last executed data object
     * @param firmwareCrcLast    CRC-32 up to {@code firmwareOffsetLast}
     */
    public record Progress(long commandSize, long commandOffset, long commandCrc, long dataObjectSize,
                           long firmwareOffset, long firmwareCrc, long firmwareOffsetLast, long firmwareCrcLast) {
        /** No progress at all. */
        public static final Progress ZERO = new Progress(0, 0, 0, 0, 0, 0, 0, 0);

        /** This progress with the data fields of {@code other} (command fields kept). */
        public Progress withDataOf(Progress other) {
            return new Progress(commandSize, commandOffset, commandCrc, other.dataObjectSize, other.firmwareOffset,
                    other.firmwareCrc, other.firmwareOffsetLast, other.firmwareCrcLast);
        }
    }

    private static final long MAGIC = 0x53494D53L; // "SMIS": settings written by this simulator
    private static final int LAYOUT_VERSION = 1;
    private static final int HEADER_WORDS = 21;

    public Settings {
        initCommand = Arrays.copyOf(initCommand, MemoryLayout.INIT_COMMAND_MAX_SIZE);
    }

    /** Settings of a fresh board: the configured SoftDevice and bootloader, no application, no progress. */
    public static Settings fresh(SimulatorConfig config) {
        return new Settings(0, config.bootloaderVersion(), Bank.INVALID, Bank.INVALID, config.softDeviceId(),
                config.softDeviceVersion(), config.applicationStart(), Progress.ZERO, new byte[0]);
    }

    /** The stored init packet: the first {@code progress.commandOffset()} bytes. */
    @Override
    public byte[] initCommand() {
        return Arrays.copyOf(initCommand, (int) Math.min(progress.commandOffset(), initCommand.length));
    }

    /** Start of the application (bank 0). */
    public long applicationStart() {
        return softDeviceEnd;
    }

    /** These settings with {@code p} as the progress. */
    public Settings withProgress(Progress p) {
        return new Settings(appVersion, bootloaderVersion, bank0, bank1, softDeviceId, softDeviceVersion,
                softDeviceEnd, p, initCommand);
    }

    /** These settings holding {@code bytes} as the init packet. */
    public Settings withInitCommand(byte[] bytes) {
        return new Settings(appVersion, bootloaderVersion, bank0, bank1, softDeviceId, softDeviceVersion,
                softDeviceEnd, progress, bytes);
    }

    /** These settings with the two banks replaced. */
    public Settings withBanks(Bank b0, Bank b1) {
        return new Settings(appVersion, bootloaderVersion, b0, b1, softDeviceId, softDeviceVersion, softDeviceEnd,
                progress, initCommand);
    }

    /** These settings with the application and bootloader versions replaced. */
    public Settings withVersions(long app, long bootloader) {
        return new Settings(app, bootloader, bank0, bank1, softDeviceId, softDeviceVersion, softDeviceEnd, progress,
                initCommand);
    }

    /** These settings with another installed SoftDevice (id, version, end address). */
    public Settings withSoftDevice(int id, long version, long end) {
        return new Settings(appVersion, bootloaderVersion, bank0, bank1, id, version, end, progress, initCommand);
    }

    /** The settings as one flash page: a CRC-32 over the rest, then the fields, then the init packet. */
    byte[] encode() {
        byte[] page = new byte[MemoryLayout.PAGE_SIZE];
        Arrays.fill(page, (byte) 0xFF);
        long[] words = {
                MAGIC, LAYOUT_VERSION, appVersion, bootloaderVersion,
                bank0.imageSize, bank0.imageCrc, bank0.code.code(),
                bank1.imageSize, bank1.imageCrc, bank1.code.code(),
                softDeviceId, softDeviceVersion, softDeviceEnd,
                progress.commandSize, progress.commandOffset, progress.commandCrc, progress.dataObjectSize,
                progress.firmwareOffset, progress.firmwareCrc, progress.firmwareOffsetLast, progress.firmwareCrcLast};
        for (int i = 0; i < HEADER_WORDS; i++) {
            DfuCodec.putU32(page, 4 + 4 * i, words[i]);
        }
        System.arraycopy(initCommand, 0, page, 4 + 4 * HEADER_WORDS, initCommand.length);
        CRC32 crc = new CRC32();
        crc.update(page, 4, length() - 4);
        DfuCodec.putU32(page, 0, crc.getValue());
        return page;
    }

    /** Decodes a settings page; empty when it is erased, written by something else, or its CRC fails. */
    static Optional<Settings> decode(byte[] page) {
        CRC32 crc = new CRC32();
        crc.update(page, 4, length() - 4);
        if (DfuCodec.u32(page, 0) != crc.getValue() || DfuCodec.u32(page, 4) != MAGIC
                || DfuCodec.u32(page, 8) != LAYOUT_VERSION) {
            return Optional.empty();
        }
        long[] w = new long[HEADER_WORDS];
        for (int i = 0; i < HEADER_WORDS; i++) {
            w[i] = DfuCodec.u32(page, 4 + 4 * i);
        }
        BankCode c0 = BankCode.fromCode((int) w[6]);
        BankCode c1 = BankCode.fromCode((int) w[9]);
        if (c0 == null || c1 == null) {
            return Optional.empty();
        }
        byte[] init = Arrays.copyOfRange(page, 4 + 4 * HEADER_WORDS, 4 + 4 * HEADER_WORDS
                + MemoryLayout.INIT_COMMAND_MAX_SIZE);
        return Optional.of(new Settings(w[2], w[3], new Bank(w[4], w[5], c0), new Bank(w[7], w[8], c1), (int) w[10],
                w[11], w[12], new Progress(w[13], w[14], w[15], w[16], w[17], w[18], w[19], w[20]), init));
    }

    private static int length() {
        return 4 + 4 * HEADER_WORDS + MemoryLayout.INIT_COMMAND_MAX_SIZE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings s && appVersion == s.appVersion && bootloaderVersion == s.bootloaderVersion
                && bank0.equals(s.bank0) && bank1.equals(s.bank1) && softDeviceId == s.softDeviceId
                && softDeviceVersion == s.softDeviceVersion && softDeviceEnd == s.softDeviceEnd
                && progress.equals(s.progress) && Arrays.equals(initCommand, s.initCommand);
    }

    @Override
    public int hashCode() {
        return progress.hashCode() * 31 + Arrays.hashCode(initCommand);
    }

    @Override
    public String toString() {
        return "Settings[app v" + appVersion + ", bootloader v" + bootloaderVersion + ", bank0 " + bank0 + ", bank1 "
                + bank1 + String.format(", sd 0x%02X v%d end 0x%X, ", softDeviceId, softDeviceVersion, softDeviceEnd)
                + progress + ", init " + HexFormat.of().formatHex(initCommand()) + "]";
    }
}
