package dev.reactivedfu.archive.settings;

import dev.reactivedfu.archive.Sha256;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.ImageCrc;

import java.util.OptionalLong;

/**
 * Builds the settings page {@code nrfutil settings generate} makes, so that a board programmed with it boots the
 * application it describes:
 * <ol>
 *   <li>with an application: bank 0 holds its size and CRC-32 and bank code 1 (valid application); without one,
 *       all three are 0 (the application version is written as given either way, as nrfutil does);</li>
 *   <li>with a SoftDevice: {@code sd_size} is the size of its image without the MBR;</li>
 *   <li>settings version 2 adds boot validation for the application and the SoftDevice (the image's CRC-32, its
 *       SHA-256 byte-reversed, or an ECDSA P-256 signature of it made with the key, r‖s little-endian) and their
 *       CRC; version 1 has none;</li>
 *   <li>bank layout and current bank 0; no progress, no init command;</li>
 *   <li>the page at the family's address (or {@code --start-address}), and a copy one page ({@code 0x1000}) below
 *       it unless {@code --no-backup} (or at {@code --backup-address}).</li>
 * </ol>
 * Refused, as {@link PackageException} with fault {@code OPTION} naming nrfutil's option: a settings version other
 * than 1 or 2; boot validation with version 1, without its image, or ECDSA without a key; a version beyond 32 bits;
 * addresses off a page boundary, outside the 32-bit space, or a backup on the settings page itself.
 */
public final class SettingsGenerator {

    private static final long U32 = 0xFFFFFFFFL;

    private SettingsGenerator() {
    }

    /** The settings {@code request} asks for. @throws PackageException (fault {@code OPTION}) as listed above */
    public static BootloaderSettings generate(SettingsRequest request) {
        check(request);
        Family family = request.family();
        long address = request.startAddress().orElse(family.settingsAddress());
        OptionalLong backup = request.backup()
                ? OptionalLong.of(request.backupAddress().orElse(address - Family.BACKUP_DISTANCE))
                : OptionalLong.empty();

        long appSize = 0;
        long appCrc = 0;
        long bankCode = 0;
        long appVersion = request.applicationVersion();
        BootloaderSettings.BootValidation app = BootloaderSettings.BootValidation.NONE;
        if (request.application().isPresent()) {
            byte[] image = request.application().get();
            appSize = image.length;
            appCrc = ImageCrc.upTo(image, image.length);
            bankCode = BootloaderSettings.BANK_VALID_APP;
            app = validation(request.appValidation(), image, request);
        }
        long sdSize = 0;
        BootloaderSettings.BootValidation sd = BootloaderSettings.BootValidation.NONE;
        if (request.softDevice().isPresent()) {
            byte[] image = request.softDevice().get();
            sdSize = image.length;
            sd = validation(request.sdValidation(), image, request);
        }
        if (request.settingsVersion() == 1) {
            app = BootloaderSettings.BootValidation.NONE;
            sd = BootloaderSettings.BootValidation.NONE;
        }
        return new BootloaderSettings(address, request.settingsVersion(), appVersion, request.bootloaderVersion(),
                0, 0, appSize, appCrc, bankCode, sdSize, sd, app, backup);
    }

    private static BootloaderSettings.BootValidation validation(BootValidationType type, byte[] image,
                                                                SettingsRequest request) {
        return switch (type) {
            case NO_VALIDATION -> BootloaderSettings.BootValidation.NONE;
            case VALIDATE_GENERATED_CRC -> {
                byte[] crc = new byte[4];
                DfuCodec.putU32(crc, 0, ImageCrc.upTo(image, image.length));
                yield new BootloaderSettings.BootValidation(type, crc);
            }
            case VALIDATE_GENERATED_SHA256 -> new BootloaderSettings.BootValidation(type, Sha256.initPacketHash(image));
            case VALIDATE_ECDSA_P256_SHA256 -> {
                SigningKey key = request.key().orElseThrow();
                yield new BootloaderSettings.BootValidation(type, key.sign(image));
            }
        };
    }

    private static void check(SettingsRequest r) {
        if (r.settingsVersion() != 1 && r.settingsVersion() != 2) {
            throw refused("--bl-settings-version", r.settingsVersion()
                    + " is not a settings version: 1 (SDK 12.0 to 15.2) or 2 (SDK 15.3 and later)");
        }
        u32("--application-version", r.applicationVersion());
        u32("--bootloader-version", r.bootloaderVersion());
        if (r.appValidation() != BootValidationType.NO_VALIDATION && r.application().isEmpty()) {
            throw refused("--app-boot-validation", "needs --application (the image to validate)");
        }
        if (r.sdValidation() != BootValidationType.NO_VALIDATION && r.softDevice().isEmpty()) {
            throw refused("--sd-boot-validation", "needs --softdevice (the image to validate)");
        }
        if (r.settingsVersion() == 1) {
            if (r.appValidation() != BootValidationType.NO_VALIDATION) {
                throw refused("--app-boot-validation", "settings version 1 has no boot validation "
                        + "(use --bl-settings-version 2)");
            }
            if (r.sdValidation() != BootValidationType.NO_VALIDATION) {
                throw refused("--sd-boot-validation", "settings version 1 has no boot validation "
                        + "(use --bl-settings-version 2)");
            }
        }
        if ((r.appValidation() == BootValidationType.VALIDATE_ECDSA_P256_SHA256
                || r.sdValidation() == BootValidationType.VALIDATE_ECDSA_P256_SHA256) && r.key().isEmpty()) {
            throw refused("--key-file", "required with VALIDATE_ECDSA_P256_SHA256 (the private key to sign with)");
        }
        long pageSize = r.family().pageSize();
        long address = r.startAddress().orElse(r.family().settingsAddress());
        if (r.startAddress().isPresent()) {
            page("--start-address", address, pageSize);
        }
        if (!r.backup() && r.backupAddress().isPresent()) {
            throw refused("--backup-address", "contradicts --no-backup");
        }
        if (r.backup()) {
            long backup = r.backupAddress().orElse(address - Family.BACKUP_DISTANCE);
            String option = r.backupAddress().isPresent() ? "--backup-address" : "--start-address";
            if (backup < 0) {
                throw refused(option, String.format("the backup page would lie below address 0 (settings at 0x%X)",
                        address));
            }
            page(option, backup, pageSize);
            long length = r.settingsVersion() == 1 ? BootloaderSettings.V1_LENGTH : BootloaderSettings.V2_LENGTH;
            if (backup < address + length && address < backup + length) {
                throw refused(option, String.format("the backup page 0x%08X overlaps the settings page 0x%08X",
                        backup, address));
            }
        }
    }

    private static void page(String option, long address, long pageSize) {
        if (address < 0 || address + BootloaderSettings.V2_LENGTH > U32 + 1) {
            throw refused(option, String.format("0x%X is outside the 32-bit address space", address));
        }
        if (address % pageSize != 0) {
            throw refused(option, String.format("0x%X is not on a flash page boundary (pages of 0x%X bytes)",
                    address, pageSize));
        }
    }

    private static void u32(String option, long value) {
        if (value < 0 || value > U32) {
            throw refused(option, value + " is out of range (0 to 4294967295)");
        }
    }

    private static PackageException refused(String option, String detail) {
        return new PackageException(option, PackageException.Fault.OPTION, detail);
    }
}
