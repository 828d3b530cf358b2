package dev.reactivedfu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reactivedfu.archive.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dfu demo}: the README's main command, run in-process on the simulated board. */
class DemoCommandTest {

    @TempDir
    Path dir;



    @Test
    void demo_flashes_the_built_in_package_and_verifies_the_board_holds_it() {
        CliRun run = CliRun.dfu("demo", "--baud", "0");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("image 1/1: application, 24.0 KiB firmware")
                .contains("update done: 1 image(s)")
                .contains("verified: the board's application equals app_24k.bin (24576 bytes, sha256 "
                        + "5c9de54c1442b541f823eff688e9a4ace3bc4024e40c14832e046c483cc8e2d9)");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void demo_json_ends_with_an_ok_summary_counting_init_packet_and_firmware_bytes() {
        CliRun run = CliRun.dfu("demo", "--baud", "0", "--json");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = run.events();
        assertThat(events).extracting(e -> e.get("event").asText()).startsWith("image_started")
                .contains("connected", "object_created", "progress", "object_executed", "image_done")
                .endsWith("summary");
        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.get("result").asText()).isEqualTo("ok");
        assertThat(summary.get("bytes_sent").asLong()).isEqualTo(143 + 24_576);
        assertThat(summary.get("bytes_resent").asLong()).isZero();
        assertThat(summary.get("retries").asInt()).isZero();
        assertThat(summary.get("error").isNull()).isTrue();
    }

    @Test
    void demo_runs_a_two_image_package_given_on_the_command_line() {
        Path pkg = Fixtures.copy(Fixtures.SD_BL_APP_24K, dir);
        Path key = Fixtures.copy(Fixtures.PUBLIC_PEM, dir);

        CliRun run = CliRun.dfu("demo", "--baud", "0", "--key", key.toString(), pkg.toString());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("image 1/2: softdevice+bootloader").contains("image 2/2: application")
                .contains("verified: the board's application equals");
    }

    @Test
    void demo_refuses_a_tampered_package_before_starting_the_board() {
        Path pkg = Fixtures.copy(Fixtures.TAMPERED, dir);

        CliRun run = CliRun.dfu("demo", "--baud", "0", pkg.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.out()).doesNotContain("simulated nRF52840");
        assertThat(run.err()).startsWith("error: ").contains("SHA-256");
    }

    @Test
    void demo_with_the_wrong_key_is_refused_by_the_package_check() {
        Path pkg = Fixtures.copy(Fixtures.APP_24K, dir);
        Path otherKey = dir.resolve("other.hex");
        try {
            java.nio.file.Files.writeString(otherKey, otherKeyHex());
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        CliRun run = CliRun.dfu("demo", "--baud", "0", "--key", otherKey.toString(), pkg.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.err()).contains("signature");
    }

    private static String otherKeyHex() {
        try {
            var gen = java.security.KeyPairGenerator.getInstance("EC");
            gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            var pub = (java.security.interfaces.ECPublicKey) gen.generateKeyPair().getPublic();
            return dev.reactivedfu.archive.PublicKeys.toNrfutilHex(pub);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
