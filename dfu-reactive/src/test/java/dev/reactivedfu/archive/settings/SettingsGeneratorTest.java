package dev.reactivedfu.archive.settings;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.InitPacketSignature;
import dev.reactivedfu.archive.hex.FirmwareFiles;
import dev.reactivedfu.archive.hex.IntelHex;
import dev.reactivedfu.archive.hex.IntelHexReader;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import dev.reactivedfu.protocol.DfuCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings pages against what nrfutil 6.1.7 made from app_12k.hex. */
class SettingsGeneratorTest {

    static final String REF = "nrfutil-reference/";

    static byte[] app12k() {
        return IntelHexReader.parse("app_12k.hex", Fixtures.bytes(REF + "app_12k.hex")).toBinary(4);
    }

    static String text(String fixture) {
        return new String(Fixtures.bytes(REF + fixture), StandardCharsets.US_ASCII);
    }

    static SigningKey referenceKey() {
        return SigningKey.parse("ref_private.pem", text("ref_private.pem"));
    }

    @Test
    void version_2_with_crc_boot_validation_gives_nrfutils_hex_records() {
        // nrfutil settings generate --family NRF52840 --application app_12k.hex --application-version 3
        //   --bootloader-version 2 --bl-settings-version 2 --app-boot-validation VALIDATE_GENERATED_CRC
        BootloaderSettings s = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withApplication(app12k(), 3, BootValidationType.VALIDATE_GENERATED_CRC));

        assertThat(s.toHex().toHex()).isEqualTo(text("ref_settings_crc.hex"));
        // what nrfutil printed for it
        assertThat(s.address()).isEqualTo(0x000FF000L);
        assertThat(s.crc()).isEqualTo(0xD7C1C262L);
        assertThat(s.appSize()).isEqualTo(0x303C);
        assertThat(s.appCrc()).isEqualTo(0x9092A168L);
        assertThat(s.bootValidationCrc()).isEqualTo(0x4EC6ED63L);
        assertThat(s.backupAddress()).hasValue(0x000FE000L);
    }

    @Test
    void version_1_gives_nrfutils_hex_records() {
        BootloaderSettings s = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 1, 2)
                .withApplication(app12k(), 3, BootValidationType.NO_VALIDATION));

        assertThat(s.toHex().toHex()).isEqualTo(text("ref_settings_v1.hex"));
        assertThat(s.crc()).isEqualTo(0x2F8E1A49L);
        assertThat(s.bootValidationCrc()).isZero();
    }

    @Test
    void the_description_is_nrfutils_text() {
        BootloaderSettings s = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withApplication(app12k(), 3, BootValidationType.VALIDATE_GENERATED_CRC));

        assertThat(s.describe("ref_settings_crc.hex", Family.NRF52840.label())).isEqualTo("""

                Bootloader DFU Settings:
                * File:                     ref_settings_crc.hex
                * Family:                   NRF52840
                * Start Address:            0x000FF000
                * CRC:                      0xD7C1C262
                * Settings Version:         0x00000002 (2)
                * App Version:              0x00000003 (3)
                * Bootloader Version:       0x00000002 (2)
                * Bank Layout:              0x00000000
                * Current Bank:             0x00000000
                * Application Size:         0x0000303C (12348 bytes)
                * Application CRC:          0x9092A168
                * Bank0 Bank Code:          0x00000001
                * Softdevice Size:          0x00000000 (0 bytes)
                * Boot Validation CRC:      0x4EC6ED63
                * SD Boot Validation Type:  0x00000000 (0)
                * App Boot Validation Type: 0x00000001 (1)
                """);
    }

    @Test
    void sha256_boot_validation_holds_the_hash_byte_reversed() throws Exception {
        byte[] app = app12k();
        BootloaderSettings s = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withApplication(app, 3, BootValidationType.VALIDATE_GENERATED_SHA256));

        byte[] page = s.page();
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(app);
        byte[] stored = Arrays.copyOfRange(page, 0x2A2, 0x2A2 + 32);
        for (int i = 0; i < 32; i++) {
            assertThat(stored[i]).isEqualTo(sha[31 - i]);
        }
        assertThat(page[0x2A1]).isEqualTo((byte) 2);
        assertThat(BootloaderSettings.decode(s.address(), page)).contains(s.withBackupAddress(OptionalLong.empty()));
    }

    @Test
    void ecdsa_boot_validation_is_a_signature_of_the_image_that_verifies_with_the_public_key() {
        byte[] app = app12k();
        BootloaderSettings s = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withApplication(app, 3, BootValidationType.VALIDATE_ECDSA_P256_SHA256)
                .withKey(referenceKey()));

        byte[] signature = Arrays.copyOfRange(s.page(), 0x2A2, 0x2A2 + 64);
        assertThat(s.page()[0x2A1]).isEqualTo((byte) 3);
        assertThat(InitPacketSignature.verify(referenceKey().publicKey(), app, signature)).isTrue();
        assertThat(BootloaderSettings.bootValidationIntact(s.page())).isTrue();
    }

    @Test
    void a_softdevice_gives_its_size_without_the_mbr_and_its_boot_validation(@TempDir Path dir) throws Exception {
        // MBR 0x000..0x0FF, SoftDevice 0x1000..0x1FFF (4 KiB), UICR data at 0x10001014 (not firmware)
        byte[] sd = new byte[0x1000];
        Arrays.fill(sd, (byte) 0x5A);
        Path hex = dir.resolve("sd.hex");
        Files.writeString(hex, IntelHex.builder().put(0, new byte[0x100]).put(0x1000, sd)
                .put(0x10001014L, new byte[] {0, 0, 0, 0}).build().toHex());

        byte[] image = FirmwareFiles.softDevice(hex);
        BootloaderSettings s = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withSoftDevice(image, BootValidationType.VALIDATE_GENERATED_CRC));

        assertThat(image).isEqualTo(sd);
        assertThat(s.sdSize()).isEqualTo(0x1000);
        assertThat(DfuCodec.u32(s.page(), 0x34)).isEqualTo(0x1000);
        assertThat(s.page()[0x260]).isEqualTo((byte) 1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(sd);
        assertThat(DfuCodec.u32(s.page(), 0x261)).isEqualTo(crc.getValue());
        assertThat(s.bank0Code()).isZero();
    }

    @Test
    void custom_addresses_and_no_backup_move_the_pages() {
        SettingsRequest base = SettingsRequest.of(Family.NRF52, 2, 1);

        IntelHex noBackup = SettingsGenerator.generate(base.withAddresses(OptionalLong.empty(), false,
                OptionalLong.empty())).toHex();
        IntelHex moved = SettingsGenerator.generate(base.withAddresses(OptionalLong.of(0x3E000), true,
                OptionalLong.of(0x30000))).toHex();

        assertThat(noBackup.segments()).hasSize(1);
        assertThat(noBackup.minAddress()).isEqualTo(0x7F000);
        assertThat(moved.segments()).extracting(IntelHex.Segment::address).containsExactly(0x30000L, 0x3E000L);
        assertThat(moved.segments().get(0).data()).isEqualTo(moved.segments().get(1).data());
    }

    @Test
    void every_family_has_its_settings_page() {
        assertThat(Arrays.stream(Family.values()).map(f -> SettingsGenerator.generate(SettingsRequest.of(f, 1, 1))
                .address()).toList()).containsExactly(0x3FC00L, 0x7F000L, 0x3F000L, 0x2F000L, 0xFF000L);
    }

    @Test
    void contradictory_options_are_refused_naming_the_option() {
        byte[] app = app12k();
        SettingsRequest v2 = SettingsRequest.of(Family.NRF52840, 2, 2);

        assertRefused(SettingsRequest.of(Family.NRF52840, 3, 2),
                "--bl-settings-version: 3 is not a settings version: 1 (SDK 12.0 to 15.2) or 2 (SDK 15.3 and later)");
        assertRefused(SettingsRequest.of(Family.NRF52840, 1, 2)
                        .withApplication(app, 1, BootValidationType.VALIDATE_GENERATED_CRC),
                "--app-boot-validation: settings version 1 has no boot validation (use --bl-settings-version 2)");
        assertRefused(v2.withApplication(app, 1, BootValidationType.VALIDATE_ECDSA_P256_SHA256),
                "--key-file: required with VALIDATE_ECDSA_P256_SHA256 (the private key to sign with)");
        assertRefused(v2.withSoftDevice(new byte[0], BootValidationType.NO_VALIDATION)
                        .withApplication(app, -1, BootValidationType.NO_VALIDATION),
                "--application-version: -1 is out of range (0 to 4294967295)");
        assertRefused(v2.withAddresses(OptionalLong.of(0xFF010), true, OptionalLong.empty()),
                "--start-address: 0xFF010 is not on a flash page boundary (pages of 0x1000 bytes)");
        assertRefused(v2.withAddresses(OptionalLong.empty(), true, OptionalLong.of(0xFF000)),
                "--backup-address: the backup page 0x000FF000 overlaps the settings page 0x000FF000");
        assertRefused(v2.withAddresses(OptionalLong.empty(), false, OptionalLong.of(0xFE000)),
                "--backup-address: contradicts --no-backup");
        assertRefused(new SettingsRequest(Family.NRF52840, 2, java.util.Optional.empty(), 0, 2,
                        java.util.Optional.empty(), BootValidationType.NO_VALIDATION,
                        BootValidationType.VALIDATE_GENERATED_SHA256, java.util.Optional.empty(),
                        OptionalLong.empty(), true, OptionalLong.empty()),
                "--sd-boot-validation: needs --softdevice (the image to validate)");
    }

    @Test
    void a_corrupt_page_does_not_decode() {
        byte[] page = SettingsGenerator.generate(SettingsRequest.of(Family.NRF52840, 2, 2)
                .withApplication(app12k(), 3, BootValidationType.VALIDATE_GENERATED_CRC)).page();
        page[0x18] ^= 1;

        assertThat(BootloaderSettings.decode(0xFF000, page)).isEmpty();
        byte[] erased = new byte[0x1000];
        Arrays.fill(erased, (byte) 0xFF);
        assertThat(BootloaderSettings.decode(0xFF000, erased)).isEmpty();
    }

    private static void assertRefused(SettingsRequest request, String message) {
        assertThatThrownBy(() -> SettingsGenerator.generate(request))
                .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.fault()).isEqualTo(Fault.OPTION))
                .hasMessage(message);
    }
}
