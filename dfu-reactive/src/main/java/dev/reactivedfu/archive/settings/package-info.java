/**
 * The bootloader settings page ({@code nrf_dfu_settings_t} of nRF5 SDK 12 to 17.1) as {@code nrfutil settings
 * generate} writes it: {@link dev.reactivedfu.archive.settings.SettingsGenerator} builds
 * {@link dev.reactivedfu.archive.settings.BootloaderSettings} from a {@link dev.reactivedfu.archive.settings.SettingsRequest}
 * (application, versions, SoftDevice, boot validation, addresses), which encodes to the page, its backup and the
 * Intel HEX file nrfutil makes, and decodes back from flash.
 */
package dev.reactivedfu.archive.settings;
