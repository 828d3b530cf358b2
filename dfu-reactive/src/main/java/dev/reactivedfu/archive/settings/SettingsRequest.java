package dev.reactivedfu.archive.settings;

import dev.reactivedfu.archive.keys.SigningKey;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code nrfutil settings generate} is asked for, with its option names.
 *
 * @param family             {@code --family}: gives the settings address unless {@code startAddress} is set
 * @param settingsVersion    {@code --bl-settings-version}: 1 or 2
 * @param application        {@code --application}, as its image bytes (a {@code .hex} already padded to 4 bytes)
 * @param applicationVersion {@code --application-version}
 * @param bootloaderVersion  {@code --bootloader-version}
 * @param softDevice         {@code --softdevice}, as its image bytes without the MBR
 * @param appValidation      {@code --app-boot-validation}
 * @param sdValidation       {@code --sd-boot-validation}
 * @param key                {@code --key-file}, for {@link BootValidationType#VALIDATE_ECDSA_P256_SHA256}
 * @param startAddress       {@code --start-address}: the settings page's address instead of the family's
 * @param backup             whether the backup page is written ({@code --no-backup} clears it)
 * @param backupAddress      {@code --backup-address}: instead of one page below the settings
 */
public record SettingsRequest(Family family, int settingsVersion, Optional<byte[]> application,
                              long applicationVersion, long bootloaderVersion, Optional<byte[]> softDevice,
                              BootValidationType appValidation, BootValidationType sdValidation,
                              Optional<SigningKey> key, OptionalLong startAddress, boolean backup,
                              OptionalLong backupAddress) {

    public SettingsRequest {
        Objects.requireNonNull(family, "family");
        application = application.map(byte[]::clone);
        softDevice = softDevice.map(byte[]::clone);
        Objects.requireNonNull(appValidation, "appValidation");
        Objects.requireNonNull(sdValidation, "sdValidation");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(startAddress, "startAddress");
        Objects.requireNonNull(backupAddress, "backupAddress");
    }

    /** A request with only the required options: no application, no SoftDevice, the family's addresses, a backup. */
    public static SettingsRequest of(Family family, int settingsVersion, long bootloaderVersion) {
        return new SettingsRequest(family, settingsVersion, Optional.empty(), 0, bootloaderVersion, Optional.empty(),
                BootValidationType.NO_VALIDATION, BootValidationType.NO_VALIDATION, Optional.empty(),
                OptionalLong.empty(), true, OptionalLong.empty());
    }

    /** This request with an application (version and boot validation). */
    public SettingsRequest withApplication(byte[] image, long version, BootValidationType validation) {
        return new SettingsRequest(family, settingsVersion, Optional.of(image), version, bootloaderVersion,
                softDevice, validation, sdValidation, key, startAddress, backup, backupAddress);
    }

    /** This request with a SoftDevice (without its MBR) and its boot validation. */
    public SettingsRequest withSoftDevice(byte[] image, BootValidationType validation) {
        return new SettingsRequest(family, settingsVersion, application, applicationVersion, bootloaderVersion,
                Optional.of(image), appValidation, validation, key, startAddress, backup, backupAddress);
    }

    /** This request signing with {@code signingKey}. */
    public SettingsRequest withKey(SigningKey signingKey) {
        return new SettingsRequest(family, settingsVersion, application, applicationVersion, bootloaderVersion,
                softDevice, appValidation, sdValidation, Optional.of(signingKey), startAddress, backup,
                backupAddress);
    }

    /** This request with other addresses: the settings page, whether to write a backup, and where. */
    public SettingsRequest withAddresses(OptionalLong start, boolean writeBackup, OptionalLong backupAt) {
        return new SettingsRequest(family, settingsVersion, application, applicationVersion, bootloaderVersion,
                softDevice, appValidation, sdValidation, key, start, writeBackup, backupAt);
    }
}
