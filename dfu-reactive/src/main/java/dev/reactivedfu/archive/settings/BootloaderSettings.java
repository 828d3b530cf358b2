package dev.reactivedfu.archive.settings;

import dev.reactivedfu.archive.hex.IntelHex;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.ImageCrc;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A bootloader settings page ({@code nrf_dfu_settings_t}) as nrfutil generates it: the fields a factory sets, no
 * DFU progress, no init command. Little-endian words at these offsets (SDK 17.1 {@code nrf_dfu_types.h}):
 *
 * <pre>
 * 0x000 crc                 CRC-32 of bytes 0x004..0x05B (the words below, up to the init command)
 * 0x004 settings_version    1 (SDK 12.0–15.2) or 2 (SDK 15.3 and later)
 * 0x008 app_version         0x00C bootloader_version
 * 0x010 bank_layout         0x014 bank_current (both 0 from nrfutil)
 * 0x018 bank_0 image_size   0x01C bank_0 image_crc   0x020 bank_0 bank_code (1: valid application)
 * 0x024 bank_1 (12 bytes)   0x030 write_offset       0x034 sd_size
 * 0x038 progress (32 bytes) 0x058 enter_buttonless_dfu
 * 0x05C init_command[512]                                   (version 1 ends here: 92 bytes)
 * 0x25C boot_validation_crc CRC-32 of bytes 0x260..0x322 (the three boot validation entries)
 * 0x260 boot_validation_softdevice  type u8, bytes[64]
 * 0x2A1 boot_validation_app         type u8, bytes[64]
 * 0x2E2 boot_validation_bootloader  type u8, bytes[64]     (0x323: nrfutil 6.1.7 writes one 0xFF here)
 * </pre>
 *
 * @param address           where the page starts
 * @param version           settings version, 1 or 2
 * @param appVersion        version of the application in bank 0
 * @param bootloaderVersion version of the bootloader
 * @param bankLayout        bank layout (0: dual bank)
 * @param bankCurrent       the current bank (0)
 * @param appSize           bank 0 image size in bytes
 * @param appCrc            CRC-32 of the bank 0 image
 * @param bank0Code         bank 0 bank code (1: a valid application; 0: none)
 * @param sdSize            SoftDevice size in bytes (without the MBR)
 * @param sdValidation      how the SoftDevice is checked at boot (version 2)
 * @param appValidation     how the application is checked at boot (version 2)
 * @param backupAddress     where the backup copy of the page goes, when it is written
 */
public record BootloaderSettings(long address, int version, long appVersion, long bootloaderVersion, long bankLayout,
                                 long bankCurrent, long appSize, long appCrc, long bank0Code, long sdSize,
                                 BootValidation sdValidation, BootValidation appValidation,
                                 OptionalLong backupAddress) {

    /** Bank code of a valid application ({@code NRF_DFU_BANK_VALID_APP}). */
    public static final int BANK_VALID_APP = 0x01;
    /** Bytes of a version 1 page nrfutil writes: up to the init command. */
    public static final int V1_LENGTH = 0x5C;
    /** Bytes of a version 2 page nrfutil writes: up to the bootloader's boot validation, plus its 0xFF byte. */
    public static final int V2_LENGTH = 0x324;

    static final int CRC = 0x00;
    static final int SETTINGS_VERSION = 0x04;
    static final int APP_VERSION = 0x08;
    static final int BOOTLOADER_VERSION = 0x0C;
    static final int BANK_LAYOUT = 0x10;
    static final int BANK_CURRENT = 0x14;
    static final int BANK0_SIZE = 0x18;
    static final int BANK0_CRC = 0x1C;
    static final int BANK0_CODE = 0x20;
    static final int SD_SIZE = 0x34;
    static final int INIT_COMMAND = 0x5C;
    static final int BOOT_VALIDATION_CRC = 0x25C;
    static final int SD_VALIDATION = 0x260;
    static final int APP_VALIDATION = 0x2A1;
    static final int BOOT_VALIDATION_END = 0x323;

    /**
     * One {@code boot_validation_t}: a type and its bytes (64, zero-padded).
     *
     * @param type  how the image is checked
     * @param bytes what it is checked against: 64 bytes, of which the type uses 0, 4, 32 or 64
     */
    public record BootValidation(BootValidationType type, byte[] bytes) {

        /** No check. */
        public static final BootValidation NONE = new BootValidation(BootValidationType.NO_VALIDATION, new byte[0]);

        public BootValidation {
            if (bytes.length > 64) {
                throw new IllegalArgumentException("boot validation holds at most 64 bytes, not " + bytes.length);
            }
            bytes = Arrays.copyOf(bytes, 64);
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BootValidation v && v.type == type && Arrays.equals(v.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return type.name();
        }
    }

    public BootloaderSettings {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("settings version must be 1 or 2, not " + version);
        }
    }

    /** These settings with another backup address (empty: no backup page). */
    public BootloaderSettings withBackupAddress(OptionalLong backup) {
        return new BootloaderSettings(address, version, appVersion, bootloaderVersion, bankLayout, bankCurrent,
                appSize, appCrc, bank0Code, sdSize, sdValidation, appValidation, backup);
    }

    /** The page's bytes as nrfutil writes them ({@link #V1_LENGTH} or {@link #V2_LENGTH}), both CRCs filled in. */
    public byte[] page() {
        byte[] p = new byte[version == 1 ? V1_LENGTH : V2_LENGTH];
        DfuCodec.putU32(p, SETTINGS_VERSION, version);
        DfuCodec.putU32(p, APP_VERSION, appVersion);
        DfuCodec.putU32(p, BOOTLOADER_VERSION, bootloaderVersion);
        DfuCodec.putU32(p, BANK_LAYOUT, bankLayout);
        DfuCodec.putU32(p, BANK_CURRENT, bankCurrent);
        DfuCodec.putU32(p, BANK0_SIZE, appSize);
        DfuCodec.putU32(p, BANK0_CRC, appCrc);
        DfuCodec.putU32(p, BANK0_CODE, bank0Code);
        DfuCodec.putU32(p, SD_SIZE, sdSize);
        if (version == 2) {
            put(p, SD_VALIDATION, sdValidation);
            put(p, APP_VALIDATION, appValidation);
            DfuCodec.putU32(p, BOOT_VALIDATION_CRC, ImageCrc.extend(0, p, SD_VALIDATION,
                    BOOT_VALIDATION_END - SD_VALIDATION));
            p[BOOT_VALIDATION_END] = (byte) 0xFF;
        }
        DfuCodec.putU32(p, CRC, ImageCrc.extend(0, p, SETTINGS_VERSION, INIT_COMMAND - SETTINGS_VERSION));
        return p;
    }

    /** The settings CRC ({@code crc}, the page's first word). */
    public long crc() {
        return DfuCodec.u32(page(), CRC);
    }

    /** The boot validation CRC; 0 for version 1. */
    public long bootValidationCrc() {
        return version == 1 ? 0 : DfuCodec.u32(page(), BOOT_VALIDATION_CRC);
    }

    /** The page, and its backup copy when there is one, as the Intel HEX file nrfutil writes. */
    public IntelHex toHex() {
        byte[] page = page();
        IntelHex.Builder b = IntelHex.builder().put(address, page);
        backupAddress.ifPresent(backup -> b.put(backup, page));
        return b.build();
    }

    /**
     * Reads a settings page as the bootloader does: the version must be 1 or 2 and the CRC must match (an erased or
     * corrupt page gives empty). The backup address is not known from one page and is left empty.
     *
     * @param address where the page was read from
     * @param page    its bytes (at least {@link #V1_LENGTH}, or {@link #BOOT_VALIDATION_END} for version 2)
     */
    public static Optional<BootloaderSettings> decode(long address, byte[] page) {
        if (page.length < V1_LENGTH) {
            return Optional.empty();
        }
        long version = DfuCodec.u32(page, SETTINGS_VERSION);
        if (version != 1 && version != 2
                || DfuCodec.u32(page, CRC) != ImageCrc.extend(0, page, SETTINGS_VERSION, INIT_COMMAND - SETTINGS_VERSION)
                || version == 2 && page.length < BOOT_VALIDATION_END) {
            return Optional.empty();
        }
        BootValidation sd = BootValidation.NONE;
        BootValidation app = BootValidation.NONE;
        if (version == 2) {
            Optional<BootValidation> s = validation(page, SD_VALIDATION);
            Optional<BootValidation> a = validation(page, APP_VALIDATION);
            if (s.isEmpty() || a.isEmpty()) {
                return Optional.empty();
            }
            sd = s.get();
            app = a.get();
        }
        return Optional.of(new BootloaderSettings(address, (int) version, DfuCodec.u32(page, APP_VERSION),
                DfuCodec.u32(page, BOOTLOADER_VERSION), DfuCodec.u32(page, BANK_LAYOUT),
                DfuCodec.u32(page, BANK_CURRENT), DfuCodec.u32(page, BANK0_SIZE), DfuCodec.u32(page, BANK0_CRC),
                DfuCodec.u32(page, BANK0_CODE), DfuCodec.u32(page, SD_SIZE), sd, app, OptionalLong.empty()));
    }

    /**
     * Whether a version 2 page's boot validation CRC matches its three entries (SDK 17.1 falls back to the backup
     * page's entries when it does not); always true for version 1.
     */
    public static boolean bootValidationIntact(byte[] page) {
        return DfuCodec.u32(page, SETTINGS_VERSION) != 2 || page.length >= BOOT_VALIDATION_END
                && DfuCodec.u32(page, BOOT_VALIDATION_CRC)
                == ImageCrc.extend(0, page, SD_VALIDATION, BOOT_VALIDATION_END - SD_VALIDATION);
    }

    /**
     * What {@code nrfutil settings generate} prints after the file name line, in its words and layout.
     *
     * @param file   the file name to show
     * @param family the family label to show ({@link Family#label()})
     */
    public String describe(String file, String family) {
        long crc = crc();
        return "\nBootloader DFU Settings:\n"
                + "* File:                     " + file + "\n"
                + "* Family:                   " + family + "\n"
                + "* Start Address:            " + hex(address) + "\n"
                + "* CRC:                      " + hex(crc) + "\n"
                + "* Settings Version:         " + hex(version) + " (" + version + ")\n"
                + "* App Version:              " + hex(appVersion) + " (" + appVersion + ")\n"
                + "* Bootloader Version:       " + hex(bootloaderVersion) + " (" + bootloaderVersion + ")\n"
                + "* Bank Layout:              " + hex(bankLayout) + "\n"
                + "* Current Bank:             " + hex(bankCurrent) + "\n"
                + "* Application Size:         " + hex(appSize) + " (" + appSize + " bytes)\n"
                + "* Application CRC:          " + hex(appCrc) + "\n"
                + "* Bank0 Bank Code:          " + hex(bank0Code) + "\n"
                + "* Softdevice Size:          " + hex(sdSize) + " (" + sdSize + " bytes)\n"
                + "* Boot Validation CRC:      " + hex(bootValidationCrc()) + "\n"
                + "* SD Boot Validation Type:  " + hex(sdValidation.type().code()) + " ("
                + sdValidation.type().code() + ")\n"
                + "* App Boot Validation Type: " + hex(appValidation.type().code()) + " ("
                + appValidation.type().code() + ")\n";
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "0x%08X", v);
    }

    private static void put(byte[] p, int at, BootValidation v) {
        p[at] = (byte) v.type().code();
        System.arraycopy(v.bytes, 0, p, at + 1, 64);
    }

    private static Optional<BootValidation> validation(byte[] page, int at) {
        int code = page[at] & 0xFF;
        if (code > BootValidationType.VALIDATE_ECDSA_P256_SHA256.code()) {
            return Optional.empty();
        }
        return Optional.of(new BootValidation(BootValidationType.ofCode(code),
                Arrays.copyOfRange(page, at + 1, at + 65)));
    }
}
