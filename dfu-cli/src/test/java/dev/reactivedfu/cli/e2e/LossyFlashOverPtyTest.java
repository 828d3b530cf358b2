package dev.reactivedfu.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.cli.ExitCodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, "Losses cost what they must and no more", as a user runs it: {@code dfu flash} with its defaults against
 * {@code dfu simulate --corrupt-rate} or {@code --drop-rate} (one byte in 4000, seeded) over a socat pseudo-terminal at
 * 1 Mbaud with flow control: the update completes and the board holds the image.
 */
class LossyFlashOverPtyTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(240);
    private static final Duration STOP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @BeforeAll
    static void socatIsInstalled() {
        boolean installed = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            installed |= Files.isExecutable(Path.of(d, "socat"));
        }
        if (!installed && System.getenv("CI") != null) {
            fail("socat is not installed: apt-get install -y socat (.ci/run does)");
        }
        assumeTrue(installed, "socat is not installed: apt-get install -y socat (.ci/run does)");
    }

    @ParameterizedTest(name = "{0} 1/4000, seed {1}")
    @CsvSource({"--corrupt-rate, 2"})
    void flash_over_a_line_changing_one_byte_in_4000_completes_and_the_board_holds_the_image(String fault, long seed)
            throws Exception {
        Path pkg = Fixtures.copy(Fixtures.APP_200K, dir);
        Path key = Fixtures.copy(Fixtures.PUBLIC_PEM, dir);
        Path flash = dir.resolve("flash.bin");
        Path pty = dir.resolve("ttyDFU");
        System.out.println("LossyFlashOverPtyTest: " + fault + " 0.00025, seed " + seed);
        List<String> simArgs = List.of("simulate", "--pty", pty.toString(), "--flash", flash.toString(),
                "--baud", "1000000", "--flash-timing", "nrf52840", "--flow-control", "--public-key", key.toString(),
                fault, "0.00025", "--seed", Long.toString(seed));

        try (DfuProcess sim = DfuProcess.start(dir, simArgs.toArray(String[]::new))) {
            sim.awaitLine(line -> line.contains(pty.toString()), START);
            for (int i = 0; i < 100 && !Files.exists(pty); i++) {
                Thread.sleep(50);
            }
            assertThat(pty).as("pty link made by dfu simulate").exists();
            List<String> flashArgs = new ArrayList<>(List.of("flash", "--port", pty.toString(), "--baud", "1000000",
                    "--flow-control", "--json", "--key", key.toString(), pkg.toString()));
            try (DfuProcess host = DfuProcess.start(dir, flashArgs.toArray(String[]::new))) {
                int exit = host.awaitExit(RUN);
                JsonNode summary = host.lastJson();
                assertThat(exit).as(host.output() + host.stderr()).isEqualTo(ExitCodes.OK);
                System.out.println("LossyFlashOverPtyTest summary: " + summary);
                assertThat(summary.get("result").asText()).isEqualTo("ok");
                assertThat(summary.get("retries").asInt()).as("the line did change bytes").isPositive();
            }
            sim.stopCleanly(STOP);
        }
        Path out = dir.resolve("app-dump.bin");
        try (DfuProcess dump = DfuProcess.start(dir, "simulate", "--flash", flash.toString(), "--dump-app",
                out.toString())) {
            assertThat(dump.awaitExit(START)).as(dump.output() + dump.stderr()).isZero();
        }
        byte[] app = new DfuPackageReader().read(pkg).images().stream()
                .filter(i -> i.kind() == ImageKind.APPLICATION).findFirst().orElseThrow().firmware();
        assertThat(Files.readAllBytes(out)).isEqualTo(app);
    }
}
