package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.hex.IntelHex;
import dev.reactivedfu.archive.hex.IntelHexReader;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.archive.settings.BootValidationType;
import dev.reactivedfu.archive.settings.Family;
import dev.reactivedfu.archive.settings.SettingsGenerator;
import dev.reactivedfu.archive.settings.SettingsRequest;
import dev.reactivedfu.simulator.SimulatedBootloader.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The round trip of issue 13: a settings page generated for app_12k.hex, programmed into the simulated flash beside
 * the application (as a factory programs a board), boots that application; the boot validation is checked the way
 * SDK 17.1's bootloader checks it, so a wrong CRC, hash or signature leaves the board in DFU mode.
 */
class FactorySettingsBootTest {

    private static final IntelHex APP_HEX = IntelHexReader.parse("app_12k.hex",
            Fixtures.bytes("nrfutil-reference/app_12k.hex"));
    private static final byte[] APP = APP_HEX.toBinary(4);
    private static final SigningKey KEY = SigningKey.parse("ref_private.pem",
            new String(Fixtures.bytes("nrfutil-reference/ref_private.pem"), StandardCharsets.US_ASCII));
    private static final SimulatorConfig WITH_KEY = SimulatorConfig.builder().publicKey(KEY.publicKey()).build();

    /** A flash programmed with the application hex and {@code settings}, as nrfjprog would from the two files. */
    private static Flash programmed(IntelHex settings) {
        byte[] image = new byte[MemoryLayout.FLASH_SIZE];
        Arrays.fill(image, (byte) 0xFF);
        for (IntelHex hex : new IntelHex[] {APP_HEX, settings}) {
            for (IntelHex.Segment s : hex.segments()) {
                System.arraycopy(s.data(), 0, image, (int) s.address(), s.data().length);
            }
        }
        return new Flash(image);
    }

    private static IntelHex settings(int version, BootValidationType validation) {
        SettingsRequest request = SettingsRequest.of(Family.NRF52840, version, 2).withApplication(APP, 3, validation)
                .withKey(KEY);
        return SettingsGenerator.generate(request).toHex();
    }

    private static SimulatedBootloader booted(Flash flash, SimulatorConfig config, Mode expected) {
        SimulatedBootloader bootloader = new SimulatedBootloader(config, flash);
        assertThat(bootloader.boot(false, false).mode()).isEqualTo(expected);
        return bootloader;
    }

    @ParameterizedTest
    @EnumSource(BootValidationType.class)
    void a_generated_settings_page_boots_the_application_it_describes(BootValidationType validation) {
        SimulatedBootloader bootloader = booted(programmed(settings(2, validation)), WITH_KEY, Mode.APPLICATION);

        assertThat(bootloader.application()).hasValueSatisfying(app -> assertThat(app).isEqualTo(APP));
        assertThat(bootloader.settings().appVersion()).isEqualTo(3);
        assertThat(bootloader.settings().bootloaderVersion()).isEqualTo(2);
    }

    @Test
    void the_reference_nrfutil_settings_file_boots_the_application_too() {
        IntelHex reference = IntelHexReader.parse("ref_settings_crc.hex",
                Fixtures.bytes("nrfutil-reference/ref_settings_crc.hex"));

        booted(programmed(reference), SimulatorConfig.defaults(), Mode.APPLICATION);
    }

    @ParameterizedTest
    @EnumSource(value = BootValidationType.class, names = "NO_VALIDATION", mode = EnumSource.Mode.EXCLUDE)
    void an_application_changed_after_the_settings_were_made_does_not_boot(BootValidationType validation) {
        Flash flash = programmed(settings(2, validation));
        corrupt(flash, config().applicationStart() + 1000);

        booted(flash, WITH_KEY, Mode.DFU);
    }

    @Test
    void without_boot_validation_a_changed_application_still_boots_as_on_sdk_17_1() {
        Flash flash = programmed(settings(2, BootValidationType.NO_VALIDATION));
        corrupt(flash, config().applicationStart() + 1000);

        booted(flash, WITH_KEY, Mode.APPLICATION);
    }

    @Test
    void version_1_settings_are_checked_by_bank_0_crc() {
        Flash good = programmed(settings(1, BootValidationType.NO_VALIDATION));
        Flash bad = programmed(settings(1, BootValidationType.NO_VALIDATION));
        corrupt(bad, config().applicationStart() + 12_000);

        booted(good, WITH_KEY, Mode.APPLICATION);
        booted(bad, WITH_KEY, Mode.DFU);
    }

    @Test
    void a_signature_by_another_key_or_a_bootloader_without_a_key_does_not_boot() {
        SigningKey other = SigningKey.generate(new SecureRandom());
        IntelHex signedByOther = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withApplication(APP, 3, BootValidationType.VALIDATE_ECDSA_P256_SHA256).withKey(other)).toHex();

        booted(programmed(signedByOther), WITH_KEY, Mode.DFU);
        booted(programmed(settings(2, BootValidationType.VALIDATE_ECDSA_P256_SHA256)), SimulatorConfig.defaults(),
                Mode.DFU);
    }

    @Test
    void a_corrupt_settings_page_falls_back_to_its_backup_and_without_one_stays_in_dfu() {
        Flash withBackup = programmed(settings(2, BootValidationType.VALIDATE_GENERATED_CRC));
        corrupt(withBackup, MemoryLayout.SETTINGS_PAGE + 0x18);
        IntelHex noBackup = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withApplication(APP, 3, BootValidationType.VALIDATE_GENERATED_CRC)
                .withAddresses(java.util.OptionalLong.empty(), false, java.util.OptionalLong.empty())).toHex();
        Flash without = programmed(noBackup);
        corrupt(without, MemoryLayout.SETTINGS_PAGE + 0x18);

        booted(withBackup, WITH_KEY, Mode.APPLICATION);
        booted(without, WITH_KEY, Mode.DFU);
    }

    @Test
    void a_corrupt_boot_validation_entry_does_not_boot() {
        Flash flash = programmed(settings(2, BootValidationType.VALIDATE_GENERATED_SHA256));
        // a byte of the stored hash, in both copies: the page CRC still passes, the boot validation CRC does not
        corrupt(flash, MemoryLayout.SETTINGS_PAGE + 0x2A2 + 5);
        corrupt(flash, MemoryLayout.SETTINGS_BACKUP_PAGE + 0x2A2 + 5);

        booted(flash, WITH_KEY, Mode.DFU);
    }

    private static SimulatorConfig config() {
        return SimulatorConfig.defaults();
    }

    /** Clears bit 0 of the byte at {@code address} (or sets it when already clear), as a stray write would. */
    private static void corrupt(Flash flash, long address) {
        int b = flash.readByte(address);
        byte[] one = {(byte) (b ^ 1)};
        if ((b & 1) == 1) {
            flash.write(address, one, 0, 1);
        } else {
            // flash can only clear bits: rewrite the page with the bit set
            byte[] page = flash.read(address / MemoryLayout.PAGE_SIZE * MemoryLayout.PAGE_SIZE, MemoryLayout.PAGE_SIZE);
            page[(int) (address % MemoryLayout.PAGE_SIZE)] ^= 1;
            flash.erasePages(address, 1);
            flash.write(address / MemoryLayout.PAGE_SIZE * MemoryLayout.PAGE_SIZE, page, 0, page.length);
        }
    }
}
