package dev.reactivedfu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.ForgedPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dfu pkg display} run in-process against the nrfutil fixtures. */
class PkgDisplayCommandTest {


    @TempDir
    Path dir;



    private String fixture(String name) {
        return Fixtures.copy(name, dir).toString();
    }

    /** SHA-256 of a zip entry, byte-reversed as the init packet stores it, in hex. */
    private static String storedHashOf(String fixture, String entry) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Fixtures.bytes(fixture)))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(entry)) {
                    byte[] sha = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
                    byte[] reversed = new byte[sha.length];
                    for (int i = 0; i < sha.length; i++) {
                        reversed[i] = sha[sha.length - 1 - i];
                    }
                    return HexFormat.of().formatHex(reversed);
                }
            }
        }
        throw new AssertionError(entry + " not in " + fixture);
    }

    private Path otherKeyPem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        return Files.writeString(dir.resolve("other.pem"), pem, StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- --json, valid packages

    @Test
    void json_of_the_signed_application_has_every_field_of_the_issue() throws Exception {
        String file = fixture(Fixtures.APP_24K);

        CliRun run = CliRun.dfu("pkg", "display", file, "--json");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode root = run.json();
        assertThat(root.get("file").asText()).isEqualTo(file);
        assertThat(root.has("error")).isFalse();
        assertThat(root.get("images")).hasSize(1);
        JsonNode app = root.get("images").get(0);
        assertThat(app.get("kind").asText()).isEqualTo("application");
        assertThat(app.get("bin_file").asText()).isEqualTo("app_24k.bin");
        assertThat(app.get("dat_file").asText()).isEqualTo("app_24k.dat");
        assertThat(app.get("size").asLong()).isEqualTo(24_576);
        JsonNode init = app.get("init");
        assertThat(init.get("fw_version").asLong()).isEqualTo(1);
        assertThat(init.get("hw_version").asLong()).isEqualTo(52);
        assertThat(init.get("sd_req")).extracting(JsonNode::asInt).containsExactly(0xCA, 0xB6);
        assertThat(init.get("type").asText()).isEqualTo("APPLICATION");
        assertThat(init.get("sd_size").asLong()).isZero();
        assertThat(init.get("bl_size").asLong()).isZero();
        assertThat(init.get("app_size").asLong()).isEqualTo(24_576);
        assertThat(init.get("hash_type").asText()).isEqualTo("SHA256");
        assertThat(init.get("hash").asText()).isEqualTo(storedHashOf(Fixtures.APP_24K, "app_24k.bin"));
        assertThat(init.get("is_debug").isBoolean()).isTrue();
        assertThat(init.get("is_debug").asBoolean()).isFalse();
        assertThat(init.get("boot_validation")).hasSize(1);
        assertThat(init.get("boot_validation").get(0).get("type").asText()).isEqualTo("VALIDATE_GENERATED_CRC");
        assertThat(init.get("boot_validation").get(0).get("bytes").isTextual()).isTrue();
        assertThat(app.get("signature_type").asText()).isEqualTo("ECDSA_P256_SHA256");
        assertThat(app.get("signature_valid").isNull()).as("no --key: no verdict").isTrue();
        assertThat(app.get("hash_valid").asBoolean()).isTrue();
    }

    @Test
    void json_lists_softdevice_bootloader_before_the_application_with_its_sizes() throws Exception {
        CliRun run = CliRun.dfu("pkg", "display", fixture(Fixtures.SD_BL_APP_24K), "--json");

        assertThat(run.exit()).isZero();
        JsonNode images = run.json().get("images");
        assertThat(images).extracting(i -> i.get("kind").asText())
                .containsExactly("softdevice_bootloader", "application");
        JsonNode sdBl = images.get(0);
        assertThat(sdBl.get("size").asLong()).isEqualTo(178_688);
        assertThat(sdBl.get("init").get("type").asText()).isEqualTo("SOFTDEVICE_BOOTLOADER");
        assertThat(sdBl.get("init").get("sd_size").asLong()).isEqualTo(155_648);
        assertThat(sdBl.get("init").get("bl_size").asLong()).isEqualTo(23_040);
        assertThat(sdBl.get("init").get("fw_version").asLong()).isEqualTo(2);
        assertThat(sdBl.get("init").get("hash").asText()).isEqualTo(storedHashOf(Fixtures.SD_BL_APP_24K, "sd_bl.bin"));
        assertThat(images.get(1).get("init").get("sd_req")).extracting(JsonNode::asInt).containsExactly(0xCA);
    }

    @Test
    void json_with_the_fixture_key_as_pem_or_hex_says_every_signature_is_valid() {
        String file = fixture(Fixtures.SD_BL_APP_24K);
        for (String key : new String[] {fixture(Fixtures.PUBLIC_PEM), fixture(Fixtures.PUBLIC_HEX)}) {
            CliRun run = CliRun.dfu("pkg", "display", file, "--key", key, "--json");

            assertThat(run.exit()).as(key).isZero();
            assertThat(run.json().get("images")).allSatisfy(i -> {
                assertThat(i.get("signature_valid").asBoolean()).isTrue();
                assertThat(i.get("signature_valid").isBoolean()).isTrue();
                assertThat(i.get("hash_valid").asBoolean()).isTrue();
            });
        }
    }

    @Test
    void unsigned_package_shows_null_signature_type_and_no_verdict() {
        CliRun run = CliRun.dfu("pkg", "display", fixture(Fixtures.APP_24K_UNSIGNED), "--json");

        assertThat(run.exit()).isZero();
        JsonNode app = run.json().get("images").get(0);
        assertThat(app.get("signature_type").isNull()).isTrue();
        assertThat(app.get("signature_valid").isNull()).isTrue();
        assertThat(app.get("hash_valid").asBoolean()).isTrue();
    }

    // ---------------------------------------------------------------- --json, invalid packages

    @Test
    void another_key_makes_signatures_invalid_and_the_exit_code_nonzero() throws Exception {
        CliRun run = CliRun.dfu("pkg", "display", fixture(Fixtures.APP_24K), "--key", otherKeyPem().toString(), "--json");

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        JsonNode root = run.json();
        assertThat(root.get("images").get(0).get("signature_valid").asBoolean()).isFalse();
        assertThat(root.get("images").get(0).get("signature_valid").isBoolean()).isTrue();
        assertThat(root.get("error").get("type").asText()).isEqualTo("SIGNATURE_INVALID");
        assertThat(run.errLines()).hasSize(1);
    }

    @Test
    void unsigned_package_checked_against_a_key_is_refused_with_no_signature_verdict() {
        CliRun run = CliRun.dfu("pkg", "display", fixture(Fixtures.APP_24K_UNSIGNED), "--key", fixture(Fixtures.PUBLIC_PEM),
                "--json");

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.json().get("images").get(0).get("signature_valid").isNull()).isTrue();
        assertThat(run.json().get("error").get("type").asText()).isEqualTo("UNSIGNED");
    }

    @Test
    void tampered_package_shows_its_hash_invalid_and_exits_nonzero_with_one_error_line() {
        String file = fixture(Fixtures.TAMPERED);

        CliRun run = CliRun.dfu("pkg", "display", file, "--key", fixture(Fixtures.PUBLIC_PEM), "--json");

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        JsonNode root = run.json();
        JsonNode app = root.get("images").get(0);
        assertThat(app.get("hash_valid").asBoolean()).isFalse();
        assertThat(app.get("signature_valid").asBoolean()).as("signed before it was tampered with").isTrue();
        assertThat(root.get("error").get("type").asText()).isEqualTo("HASH_MISMATCH");
        assertThat(root.get("error").get("message").asText()).startsWith(file + ": app_24k.bin: SHA-256");
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + file + ": app_24k.bin: SHA-256");
    }

    @Test
    void a_file_that_is_not_a_zip_gets_a_json_error_object() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.zip"), "not a zip");

        CliRun run = CliRun.dfu("pkg", "display", file.toString(), "--json");

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        JsonNode root = run.json();
        List<String> fields = new ArrayList<>();
        root.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("file", "error");
        assertThat(root.get("file").asText()).isEqualTo(file.toString());
        assertThat(root.get("error").get("type").asText()).isEqualTo("NOT_A_ZIP");
        assertThat(root.get("error").get("message").asText()).startsWith(file + ": not a zip file");
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + file + ": not a zip file");
    }

    @Test
    void a_truncated_package_gets_a_json_error_object() throws IOException {
        byte[] zip = Fixtures.bytes(Fixtures.APP_24K);
        Path file = Files.write(dir.resolve("cut.zip"), java.util.Arrays.copyOf(zip, zip.length / 2));

        CliRun run = CliRun.dfu("pkg", "display", file.toString(), "--json");

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.json().get("error").get("type").asText()).isEqualTo("TRUNCATED");
    }

    @Test
    void a_missing_file_and_an_unreadable_key_exit_with_the_invalid_package_code() throws IOException {
        CliRun missing = CliRun.dfu("pkg", "display", dir.resolve("nope.zip").toString(), "--json");
        assertThat(missing.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(missing.json().get("error").get("type").asText()).isEqualTo("IO");

        Path badKey = Files.writeString(dir.resolve("key.txt"), "not a key");
        CliRun key = CliRun.dfu("pkg", "display", fixture(Fixtures.APP_24K), "--key", badKey.toString());
        assertThat(key.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(key.out()).isEmpty();
        assertThat(key.errLines()).singleElement().asString().startsWith("error: " + badKey + ": not a P-256 public key");
    }

    // ---------------------------------------------------------------- human output

    @Test
    void human_report_shows_every_field_of_each_image() {
        String file = fixture(Fixtures.SD_BL_APP_24K);

        CliRun run = CliRun.dfu("pkg", "display", file, "--key", fixture(Fixtures.PUBLIC_PEM));

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith(file + ": valid, 2 images (softdevice_bootloader, application), "
                + "203264 firmware bytes");
        assertThat(run.out().indexOf("\nsoftdevice_bootloader\n")).isLessThan(run.out().indexOf("\napplication\n"));
        assertThat(run.out()).contains(
                "  bin_file         sd_bl.bin (178688 bytes)",
                "  dat_file         sd_bl.dat (151 bytes)",
                "  type             SOFTDEVICE_BOOTLOADER",
                "  fw_version       2",
                "  hw_version       52",
                "  sd_req           0xCA, 0xB6",
                "  sd_size          155648",
                "  bl_size          23040",
                "  app_size         0",
                "  manifest sizes   sd_size 155648, bl_size 23040 (info_read_only_metadata)",
                "  hash_type        SHA256",
                "  hash             d53462cd268fa335a9c2f28270f6a0b193c9981dafc5eab1a618afa25d280838",
                "  hash_valid       yes, matches sd_bl.bin",
                "  boot_validation  VALIDATE_GENERATED_CRC, VALIDATE_GENERATED_CRC",
                "  is_debug         false",
                "  signature_type   ECDSA_P256_SHA256",
                "  signature_valid  yes, verified with the key",
                "  sd_req           0xCA\n",
                "  app_size         24576");
    }

    @Test
    void human_report_without_key_says_the_signature_was_not_checked() {
        CliRun run = CliRun.dfu("pkg", "display", fixture(Fixtures.APP_24K));

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("  signature_valid  not checked (pass --key PUBLIC_KEY)");
    }

    @Test
    void human_report_of_a_tampered_package_names_the_problem_and_ends_with_one_error_line() {
        String file = fixture(Fixtures.TAMPERED);

        CliRun run = CliRun.dfu("pkg", "display", file);

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.out()).startsWith(file + ": INVALID, 1 image (application)")
                .contains("  hash_valid       NO, app_24k.bin does not match")
                .contains("  problem          HASH_MISMATCH: app_24k.bin: SHA-256 of the firmware is");
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("error: " + file + ": app_24k.bin: SHA-256 of the firmware is")
                .endsWith("(rebuild the package with nrfutil pkg generate)");
    }

    @Test
    void human_report_of_a_hostile_file_is_one_error_line_and_nothing_else() throws IOException {
        Path file = Files.write(dir.resolve("empty.zip"), new byte[0]);

        CliRun run = CliRun.dfu("pkg", "display", file.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly("error: " + file + ": not a zip file: the file is empty "
                + "(rebuild the package with nrfutil pkg generate)");
    }

    // ---------------------------------------------------------------- command line

    @Test
    void display_without_a_file_is_a_usage_error() {
        CliRun run = CliRun.dfu("pkg", "display");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void display_help_describes_the_options_and_exit_codes() {
        CliRun run = CliRun.dfu("pkg", "display", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: dfu pkg display", "--key=PUBLIC_KEY", "--json", "FILE",
                "3    invalid package or key");
    }

    @Test
    void pkg_alone_lists_its_subcommands() {
        CliRun run = CliRun.dfu("pkg");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: dfu pkg", "display");
    }

    // ---------------------------------------------------------------- issue 8: forged init packets

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(ForgedPackages.Forgery.class)
    void display_with_the_key_refuses_a_package_whose_bin_changed_after_signing(ForgedPackages.Forgery forgery)
            throws IOException {
        Path file = Files.write(dir.resolve("forged.zip"), ForgedPackages.zip(forgery));
        Path key = Fixtures.copy(Fixtures.PUBLIC_PEM, dir);

        CliRun run = CliRun.dfu("pkg", "display", file.toString(), "--key", key.toString());

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("error: " + file + ": app_24k.dat: init packet refused, nrfutil never writes one like it: ")
                .contains("do not flash it");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(ForgedPackages.Forgery.class)
    void display_json_names_the_fault_of_a_forged_package(ForgedPackages.Forgery forgery) throws IOException {
        Path file = Files.write(dir.resolve("forged.zip"), ForgedPackages.zip(forgery));
        Path key = Fixtures.copy(Fixtures.PUBLIC_PEM, dir);

        CliRun run = CliRun.dfu("pkg", "display", file.toString(), "--key", key.toString(), "--json");

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.json().get("error").toString()).contains("NONSTANDARD_INIT_PACKET");
    }
}
