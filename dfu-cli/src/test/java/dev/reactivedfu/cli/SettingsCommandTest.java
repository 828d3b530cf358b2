package dev.reactivedfu.cli;

import dev.reactivedfu.archive.InitPacketSignature;
import dev.reactivedfu.archive.hex.IntelHex;
import dev.reactivedfu.archive.hex.IntelHexReader;
import dev.reactivedfu.archive.keys.SigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.reactivedfu.cli.KeysCommandTest.reference;
import static dev.reactivedfu.cli.KeysCommandTest.referenceText;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code dfu settings generate} with the commands of nrfutil-reference/README.md. */
class SettingsCommandTest {

    @TempDir
    Path dir;

    @Test
    void crc_settings_are_nrfutils_records_and_print_its_report() throws IOException {
        Path app = reference(dir, "app_12k.hex");
        Path out = dir.resolve("settings.hex");

        CliRun run = CliRun.dfu("settings", "generate", "--family", "NRF52840", "--application", app.toString(),
                "--application-version", "3", "--bootloader-version", "2", "--bl-settings-version", "2",
                "--app-boot-validation", "VALIDATE_GENERATED_CRC", out.toString());

        assertThat(run.exit()).isZero();
        assertThat(Files.readString(out)).isEqualTo(referenceText("ref_settings_crc.hex"));
        assertThat(run.out()).isEqualTo("\nGenerated Bootloader DFU settings .hex file and stored it in: " + out
                + "\n\nBootloader DFU Settings:\n"
                + "* File:                     " + out + "\n"
                + "* Family:                   NRF52840\n"
                + "* Start Address:            0x000FF000\n"
                + "* CRC:                      0xD7C1C262\n"
                + "* Settings Version:         0x00000002 (2)\n"
                + "* App Version:              0x00000003 (3)\n"
                + "* Bootloader Version:       0x00000002 (2)\n"
                + "* Bank Layout:              0x00000000\n"
                + "* Current Bank:             0x00000000\n"
                + "* Application Size:         0x0000303C (12348 bytes)\n"
                + "* Application CRC:          0x9092A168\n"
                + "* Bank0 Bank Code:          0x00000001\n"
                + "* Softdevice Size:          0x00000000 (0 bytes)\n"
                + "* Boot Validation CRC:      0x4EC6ED63\n"
                + "* SD Boot Validation Type:  0x00000000 (0)\n"
                + "* App Boot Validation Type: 0x00000001 (1)\n\n");
    }

    @Test
    void version_1_settings_are_nrfutils_records() throws IOException {
        Path out = dir.resolve("v1.hex");

        CliRun run = CliRun.dfu("settings", "generate", "--family", "NRF52840", "--application",
                reference(dir, "app_12k.hex").toString(), "--application-version", "3", "--bootloader-version", "2",
                "--bl-settings-version", "1", out.toString());

        assertThat(run.exit()).isZero();
        assertThat(Files.readString(out)).isEqualTo(referenceText("ref_settings_v1.hex"));
    }

    @Test
    void ecdsa_boot_validation_signs_the_application_with_the_key_file() {
        Path out = dir.resolve("ecdsa.hex");
        Path key = reference(dir, "ref_private.pem");

        CliRun run = CliRun.dfu("settings", "generate", "--family", "NRF52840", "--application",
                reference(dir, "app_12k.hex").toString(), "--application-version-string", "1.2.3",
                "--bootloader-version", "0x2", "--bl-settings-version", "2", "--app-boot-validation",
                "VALIDATE_ECDSA_P256_SHA256", "--key-file", key.toString(), "--no-backup", out.toString());

        assertThat(run.exit()).isZero();
        IntelHex hex = IntelHexReader.read(out);
        assertThat(hex.segments()).hasSize(1);
        byte[] page = hex.segments().get(0).data();
        assertThat(dev.reactivedfu.protocol.DfuCodec.u32(page, 0x08)).isEqualTo(10203); // 1.2.3
        byte[] app = IntelHexReader.read(dir.resolve("app_12k.hex")).toBinary(4);
        assertThat(InitPacketSignature.verify(SigningKey.read(key).publicKey(), app,
                Arrays.copyOfRange(page, 0x2A2, 0x2A2 + 64))).isTrue();
        assertThat(run.out()).contains("* App Boot Validation Type: 0x00000003 (3)\n");
    }

    @Test
    void a_generated_file_programmed_beside_the_application_boots_it_on_the_simulator() {
        Path app = reference(dir, "app_12k.hex");
        Path key = reference(dir, "ref_private.pem");
        Path out = dir.resolve("settings.hex");
        CliRun run = CliRun.dfu("settings", "generate", "--family", "NRF52840", "--application", app.toString(),
                "--application-version", "3", "--bootloader-version", "2", "--bl-settings-version", "2",
                "--app-boot-validation", "VALIDATE_ECDSA_P256_SHA256", "--key-file", key.toString(), out.toString());
        assertThat(run.exit()).isZero();
        // program both hex files into an erased 1 MiB flash, as nrfjprog --program would
        byte[] image = new byte[dev.reactivedfu.simulator.MemoryLayout.FLASH_SIZE];
        Arrays.fill(image, (byte) 0xFF);
        for (IntelHex hex : List.of(IntelHexReader.read(app), IntelHexReader.read(out))) {
            for (IntelHex.Segment s : hex.segments()) {
                System.arraycopy(s.data(), 0, image, (int) s.address(), s.data().length);
            }
        }
        var withKey = dev.reactivedfu.simulator.SimulatorConfig.builder()
                .publicKey(SigningKey.read(key).publicKey()).build();
        var otherKey = dev.reactivedfu.simulator.SimulatorConfig.builder()
                .publicKey(SigningKey.generate(new java.security.SecureRandom()).publicKey()).build();

        var good = new dev.reactivedfu.simulator.SimulatedBootloader(withKey,
                new dev.reactivedfu.simulator.Flash(image));
        var wrongKey = new dev.reactivedfu.simulator.SimulatedBootloader(otherKey,
                new dev.reactivedfu.simulator.Flash(image));

        assertThat(good.boot(false, false).mode()).isEqualTo(dev.reactivedfu.simulator.SimulatedBootloader.Mode.APPLICATION);
        assertThat(good.application()).hasValueSatisfying(a -> assertThat(a)
                .isEqualTo(IntelHexReader.read(app).toBinary(4)));
        assertThat(wrongKey.boot(false, false).mode()).isEqualTo(dev.reactivedfu.simulator.SimulatedBootloader.Mode.DFU);
    }

    @Test
    void custom_addresses_move_both_pages() {
        Path out = dir.resolve("moved.hex");

        CliRun run = CliRun.dfu("settings", "generate", "--family", "NRF52", "--bootloader-version", "1",
                "--bl-settings-version", "2", "--start-address", "0x7E000", "--backup-address", "0x70000",
                out.toString());

        assertThat(run.exit()).isZero();
        assertThat(IntelHexReader.read(out).segments()).extracting(IntelHex.Segment::address)
                .containsExactly(0x70000L, 0x7E000L);
        assertThat(run.out()).contains("* Family:                   nRF52\n", "* Start Address:            0x0007E000\n");
    }

    @Test
    void refusals_are_one_line_errors_naming_the_option_and_leave_no_file() throws IOException {
        String app = reference(dir, "app_12k.hex").toString();
        String out = dir.resolve("out.hex").toString();
        List<String[]> cases = List.of(
                new String[] {"--bootloader-version", "2", "--bl-settings-version", "2", out},
                new String[] {"--family", "NRF53", "--bootloader-version", "2", "--bl-settings-version", "2", out},
                new String[] {"--family", "NRF52840", "--bl-settings-version", "2", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "3", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "two", "--bl-settings-version", "2", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "2",
                        "--application", app, out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "2",
                        "--application", app, "--application-version-string", "1.2", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "2",
                        "--application", app, "--application-version", "1", "--app-boot-validation",
                        "VALIDATE_ECDSA_P256_SHA256", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "1",
                        "--application", app, "--application-version", "1", "--app-boot-validation",
                        "VALIDATE_GENERATED_CRC", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "2",
                        "--app-boot-validation", "VALIDATE_MD5", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "2",
                        "--sd-boot-validation", "VALIDATE_GENERATED_CRC", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "2",
                        "--start-address", "0xFF001", out},
                new String[] {"--family", "NRF52840", "--bootloader-version", "2", "--bl-settings-version", "2",
                        "--no-backup", "--backup-address", "0xFE000", out});
        List<String> expected = List.of(
                "error: --family: required (NRF51, NRF52, NRF52QFAB, NRF52810 or NRF52840)",
                "error: --family NRF53: not NRF51, NRF52, NRF52QFAB, NRF52810 or NRF52840",
                "error: --bootloader-version: required",
                "error: --bl-settings-version: required (1 for SDK 12.0 to 15.2, 2 for 15.3 and later)",
                "error: --bl-settings-version 3: not 1 (SDK 12.0 to 15.2) or 2 (SDK 15.3 and later)",
                "error: --bootloader-version two: not an integer (decimal, 0x hex or 0 octal)",
                "error: --application-version: required with --application (or --application-version-string)",
                "error: --application-version-string 1.2: not major.minor.patch (for example 2.7.31)",
                "error: --key-file: required with VALIDATE_ECDSA_P256_SHA256 (the private key to sign with) "
                        + "(fix the option the message names)",
                "error: --app-boot-validation: settings version 1 has no boot validation (use --bl-settings-version 2)"
                        + " (fix the option the message names)",
                "error: --app-boot-validation VALIDATE_MD5: not NO_VALIDATION, VALIDATE_GENERATED_CRC, "
                        + "VALIDATE_GENERATED_SHA256 or VALIDATE_ECDSA_P256_SHA256",
                "error: --sd-boot-validation: needs --softdevice (the image to validate) "
                        + "(fix the option the message names)",
                "error: --start-address: 0xFF001 is not on a flash page boundary (pages of 0x1000 bytes) "
                        + "(fix the option the message names)",
                "error: --backup-address: contradicts --no-backup (fix the option the message names)");
        for (int i = 0; i < cases.size(); i++) {
            String[] args = Stream.concat(Stream.of("settings", "generate"), Arrays.stream(cases.get(i)))
                    .toArray(String[]::new);

            CliRun run = CliRun.dfu(args);

            assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(run.errLines()).as(String.join(" ", args)).containsExactly(expected.get(i));
            assertThat(run.out()).isEmpty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("app_12k.hex"));
        }
    }

    @Test
    void a_corrupt_hex_or_missing_file_or_directory_is_one_line_and_leaves_no_file() throws IOException {
        Path corrupt = Files.writeString(dir.resolve("bad.hex"), ":0100000042BC\n:00000001FF\n");
        Path out = dir.resolve("out.hex");
        String[] base = {"settings", "generate", "--family", "NRF52840", "--bootloader-version", "2",
                "--bl-settings-version", "2", "--application-version", "1"};

        CliRun bad = CliRun.dfu(concat(base, "--application", corrupt.toString(), out.toString()));
        CliRun missing = CliRun.dfu(concat(base, "--application", "missing.hex", out.toString()));
        CliRun noDir = CliRun.dfu(concat(base, dir.resolve("nope/out.hex").toString()));

        assertThat(bad.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(bad.errLines()).containsExactly("error: " + corrupt
                + ": line 1: checksum 0xBC, expected 0xBD (the record is corrupt) "
                + "(check that the file is an Intel HEX file as the compiler wrote it)");
        assertThat(missing.errLines()).singleElement().asString().startsWith("error: missing.hex: no such file");
        assertThat(noDir.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(noDir.errLines()).singleElement().asString()
                .contains("cannot write: directory " + dir.resolve("nope") + " does not exist");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(corrupt);
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }
}
