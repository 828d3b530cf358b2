package dev.reactivedfu.simulator;

/**
 * The nRF52840 flash map the simulated bootloader uses (SDK 17.1, pca10056 secure bootloader):
 *
 * <pre>
 * 0x00000 ┬ MBR (one page)
 * 0x01000 ┼ SoftDevice, up to the application start (0x27000 for the default s140)
 * 0x27000 ┼ bank 0: the application; bank 1 starts on the next page after it (dual bank)
 * 0xF5000 ┼ application data (3 pages, never touched by DFU)
 * 0xF8000 ┼ bootloader (24 KiB)
 * 0xFE000 ┼ MBR parameter page: the backup of the bootloader settings
 * 0xFF000 ┴ bootloader settings
 * </pre>
 */
public final class MemoryLayout {

    /** Flash size: 1 MiB. */
    public static final int FLASH_SIZE = 0x100000;
    /** Flash page size: 4 KiB, the erase unit and the largest data object. */
    public static final int PAGE_SIZE = 0x1000;
    /** RAM size reported by HARDWARE VERSION: 256 KiB. */
    public static final int RAM_SIZE = 0x40000;
    /** Part number reported by HARDWARE VERSION. */
    public static final long PART = 0x52840;
    /** Variant reported by HARDWARE VERSION ("AAC0" in ASCII). */
    public static final long VARIANT = 0x41414330L;
    /** Start of the SoftDevice (end of the MBR). */
    public static final int SOFTDEVICE_START = 0x1000;
    /** Offset of the SoftDevice information structure from the SoftDevice start. */
    public static final int SOFTDEVICE_INFO_OFFSET = 0x2000;
    /** Magic number of a SoftDevice information structure (at {@code +4} in it). */
    public static final long SOFTDEVICE_MAGIC = 0x51B1E5DBL;
    /** Application data kept by the bootloader below itself: 3 pages. */
    public static final int APP_DATA_SIZE = 3 * PAGE_SIZE;
    /** Start of the bootloader. */
    public static final int BOOTLOADER_START = 0xF8000;
    /** Size of the bootloader region (up to the MBR parameter page). */
    public static final int BOOTLOADER_SIZE = 0x6000;
    /** End of the region DFU may write firmware to. */
    public static final int APP_REGION_END = BOOTLOADER_START - APP_DATA_SIZE;
    /** The MBR parameter page, which holds the backup of the settings. */
    public static final int SETTINGS_BACKUP_PAGE = 0xFE000;
    /** The bootloader settings page. */
    public static final int SETTINGS_PAGE = 0xFF000;

    /**
     * Bytes of the settings structure the bootloader writes on every settings save (to the page and its backup):
     * about 1 KiB in SDK 17.1 ({@code nrf_dfu_settings_t} with the init command, boot validation and peer data),
     * fitted so that a save takes Nordic's measured time on nRF52840 flash: 2 × (85 ms erase + 244 words × 41 µs)
     * ≈ 190 ms (issue 9, item 7).
     */
    public static final int SETTINGS_STRUCT_SIZE = 976;
    /** Largest init packet (command object). */
    public static final int INIT_COMMAND_MAX_SIZE = 512;
    /** Largest data object: one page. */
    public static final int DATA_OBJECT_MAX_SIZE = PAGE_SIZE;

    private MemoryLayout() {
    }

    /** {@code address} rounded up to a page boundary. */
    public static long pageAlignUp(long address) {
        return (address + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    }
}
