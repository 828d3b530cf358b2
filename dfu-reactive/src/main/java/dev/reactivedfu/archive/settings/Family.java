package dev.reactivedfu.archive.settings;

/**
 * nRF IC families as {@code nrfutil settings generate --family} names them, each with the address of its settings
 * page (the last flash page, where the SDK's linker scripts put {@code m_bootloader_settings}).
 */
public enum Family {
    /** nRF51 (256 KiB). */
    NRF51(0x0003FC00L, 0x400, "nRF51"),
    /** nRF52832 (512 KiB). */
    NRF52(0x0007F000L, 0x1000, "nRF52"),
    /** nRF52832-QFAB (256 KiB). */
    NRF52QFAB(0x0003F000L, 0x1000, "nRF52QFAB"),
    /** nRF52810 (192 KiB). */
    NRF52810(0x0002F000L, 0x1000, "NRF52810"),
    /** nRF52840 (1 MiB). */
    NRF52840(0x000FF000L, 0x1000, "NRF52840");

    /** nrfutil puts the backup page this far below the settings, on every family. */
    public static final long BACKUP_DISTANCE = 0x1000;

    private final long settingsAddress;
    private final int pageSize;
    private final String label;

    Family(long settingsAddress, int pageSize, String label) {
        this.settingsAddress = settingsAddress;
        this.pageSize = pageSize;
        this.label = label;
    }

    /** Where the settings page starts. */
    public long settingsAddress() {
        return settingsAddress;
    }

    /** The flash page size. */
    public int pageSize() {
        return pageSize;
    }

    /** The family as nrfutil prints it ({@code * Family:}). */
    public String label() {
        return label;
    }
}
