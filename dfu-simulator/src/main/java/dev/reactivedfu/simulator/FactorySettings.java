package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.InitPacketSignature;
import dev.reactivedfu.archive.Sha256;
import dev.reactivedfu.archive.settings.BootloaderSettings;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.ImageCrc;

import java.util.Arrays;
import java.util.Optional;

/**
 * A settings page in Nordic's own layout ({@code nrf_dfu_settings_t}, as {@code nrfutil settings generate} or
 * {@code dfu settings generate} writes it and a factory programs it beside the bootloader), and the boot decision
 * SDK 17.1's {@code nrf_bootloader} takes from it. The simulator's own page format is {@link Settings}; this one is
 * read only when flash holds no page of that format.
 *
 * <p>The boot rules, in order ({@code app_is_valid()} and {@code nrf_dfu_validation_boot_validate()}):
 * <ol>
 *   <li>the settings page must pass its CRC, else the backup page is used; neither: no application;</li>
 *   <li>bank 0 must hold a valid application (bank code 1) that fits before the bootloader's data;</li>
 *   <li>settings version 1 has no boot validation: the bootloader upgrades it to a CRC check against bank 0's
 *       image CRC; version 2 must pass its boot validation CRC, then each entry is checked: none, the image's CRC-32,
 *       its SHA-256 (stored byte-reversed), or an ECDSA P-256 signature of it (r‖s little-endian) with the
 *       bootloader's public key ({@link SimulatorConfig#publicKey()}; without one, a signature never verifies);</li>
 *   <li>the application is the {@code image_size} bytes at the application start; the SoftDevice the
 *       {@code sd_size} bytes after the MBR.</li>
 * </ol>
 */
final class FactorySettings {

    private final BootloaderSettings settings;
    private final boolean validationIntact;

    private FactorySettings(BootloaderSettings settings, boolean validationIntact) {
        this.settings = settings;
        this.validationIntact = validationIntact;
    }

    /** The Nordic-format settings in {@code flash}: the settings page, else its backup; empty when neither decodes. */
    static Optional<FactorySettings> read(Flash flash) {
        return read(flash, MemoryLayout.SETTINGS_PAGE).or(() -> read(flash, MemoryLayout.SETTINGS_BACKUP_PAGE));
    }

    private static Optional<FactorySettings> read(Flash flash, long address) {
        byte[] page = flash.read(address, MemoryLayout.PAGE_SIZE);
        return BootloaderSettings.decode(address, page)
                .map(s -> new FactorySettings(s, BootloaderSettings.bootValidationIntact(page)));
    }

    /** What the bootloader takes from the page: versions and bank 0; SoftDevice from the configuration. */
    Settings toSettings(SimulatorConfig config) {
        Settings.BankCode code = Settings.BankCode.fromCode((int) settings.bank0Code());
        Settings.Bank bank0 = code == null ? Settings.Bank.INVALID
                : new Settings.Bank(settings.appSize(), settings.appCrc(), code);
        return new Settings(settings.appVersion(), settings.bootloaderVersion(), bank0, Settings.Bank.INVALID,
                config.softDeviceId(), config.softDeviceVersion(), config.applicationStart(), Settings.Progress.ZERO,
                new byte[0]);
    }

    /** Whether the bootloader starts the application (the rules above). */
    boolean applicationBoots(Flash flash, SimulatorConfig config) {
        if (settings.bank0Code() != BootloaderSettings.BANK_VALID_APP || settings.appSize() <= 0
                || config.applicationStart() + settings.appSize() > MemoryLayout.APP_REGION_END) {
            return false;
        }
        byte[] app = flash.read(config.applicationStart(), (int) settings.appSize());
        if (settings.version() == 1) {
            return ImageCrc.upTo(app, app.length) == settings.appCrc();
        }
        if (!validationIntact) {
            return false;
        }
        long sdSize = settings.sdSize();
        if (sdSize < 0 || MemoryLayout.SOFTDEVICE_START + sdSize > MemoryLayout.FLASH_SIZE) {
            return false;
        }
        byte[] sd = flash.read(MemoryLayout.SOFTDEVICE_START, (int) sdSize);
        return valid(settings.appValidation(), app, config) && valid(settings.sdValidation(), sd, config);
    }

    private static boolean valid(BootloaderSettings.BootValidation v, byte[] image, SimulatorConfig config) {
        byte[] bytes = v.bytes();
        return switch (v.type()) {
            case NO_VALIDATION -> true;
            case VALIDATE_GENERATED_CRC -> ImageCrc.upTo(image, image.length) == DfuCodec.u32(bytes, 0);
            case VALIDATE_GENERATED_SHA256 -> Arrays.equals(Sha256.initPacketHash(image), Arrays.copyOf(bytes, 32));
            case VALIDATE_ECDSA_P256_SHA256 -> config.publicKey()
                    .map(key -> InitPacketSignature.verify(key, image, bytes))
                    .orElse(false);
        };
    }
}
