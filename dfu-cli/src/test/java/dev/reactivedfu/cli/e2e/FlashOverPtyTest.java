package dev.reactivedfu.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.cli.ExitCodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code dfu flash} against {@code dfu simulate --pty}, each in its own JVM, over a real pseudo-terminal pair made by
 * socat: what a station does with a board, including a pulled cable (socat killed) and a crashed host (SIGKILL).
 */
class FlashOverPtyTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(180);
    /** How long dfu simulate may take to save its flash and end after SIGTERM (it takes well under a second). */
    private static final Duration STOP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @BeforeAll
    static void socatIsInstalled() {
        assumeTrue(onPath("socat"), "socat is not installed: apt-get install -y socat (.ci/run does)");
    }

    @ParameterizedTest(name = "{0} at {1} baud, flow control {2}, PRN {3}")
    @CsvSource({
            "app_24k.zip,           115200,  false, 3",
            "app_24k.zip,           115200,  true,  0",
            "app_24k.zip,           1000000, false, 0",
            "app_24k.zip,           1000000, true,  8",
            "app_24k_unsigned.zip,  1000000, true,  3",
            "sd_bl_app_24k.zip,     1000000, true,  0",
            "app_200k.zip,          1000000, false, 3",
    })
    void flash_over_a_pty_leaves_the_package_application_in_the_simulated_flash(String pkgName, int baud,
                                                                                boolean flow, int prn)
            throws Exception {
        Path pkg = Fixtures.copy(pkgName, dir);
        Path flash = dir.resolve("flash.bin");
        Path pty = dir.resolve("ttyDFU");
        List<String> simArgs = simulatorArgs(pty, flash, baud, flow, !pkgName.contains("unsigned"));

        try (DfuProcess sim = startSimulator(simArgs, pty)) {
            List<String> flashArgs = new ArrayList<>(List.of("flash", "--port", pty.toString(), "--baud",
                    Integer.toString(baud), "--prn", Integer.toString(prn), "--json"));
            if (flow) {
                flashArgs.add("--flow-control");
            }
            if (!pkgName.contains("unsigned")) {
                flashArgs.addAll(List.of("--key", Fixtures.copy(Fixtures.PUBLIC_PEM, dir).toString()));
            }
            flashArgs.add(pkg.toString());
            try (DfuProcess host = DfuProcess.start(dir, flashArgs.toArray(String[]::new))) {
                int exit = host.awaitExit(RUN);
                JsonNode summary = host.lastJson();
                assertThat(exit).as(host.output() + host.stderr()).isEqualTo(ExitCodes.OK);
                assertThat(summary.get("result").asText()).isEqualTo("ok");
                assertThat(summary.get("bytes_sent").asLong()).isGreaterThanOrEqualTo(totalSize(pkg));
            }
            sim.stopCleanly(STOP);
        }
        assertThat(dumpApp(flash)).isEqualTo(application(pkg));
    }

    @Test
    void killing_socat_mid_update_ends_flash_with_a_port_error_and_a_rerun_resumes() throws Exception {
        Station st = station("--port-wait", "1000");

        try (DfuProcess sim = startSimulator(st.simArgs(), st.pty());
             DfuProcess host = DfuProcess.start(dir, st.flashArgs())) {
            host.awaitEvent(e -> "progress".equals(e.path("event").asText()) && e.path("percent").asDouble() >= 30,
                    RUN);
            killSocat(sim);
            long killedAt = System.nanoTime();
            int exit = host.awaitExit(Duration.ofSeconds(60));
            Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
            assertThat(exit).as(host.output() + host.stderr()).isEqualTo(ExitCodes.PORT_ERROR);
            assertThat(took).as("time from the cable pull to the port error").isLessThan(Duration.ofSeconds(30));
            assertThat(host.lastJson().get("result").asText()).isEqualTo("failed");
            sim.stop();
        }

        try (DfuProcess sim = startSimulator(st.simArgs(), st.pty());
             DfuProcess host = DfuProcess.start(dir, st.flashArgs())) {
            int exit = host.awaitExit(RUN);
            assertThat(exit).as(host.output() + host.stderr()).isEqualTo(ExitCodes.OK);
            sim.stopCleanly(STOP);
        }
        assertThat(dumpApp(st.flash())).isEqualTo(application(st.pkg()));
    }

    @Test
    void sigkill_of_flash_mid_update_then_rerun_resends_at_most_one_object_and_the_init_packet() throws Exception {
        Station st = station();

        try (DfuProcess sim = startSimulator(st.simArgs(), st.pty())) {
            try (DfuProcess host = DfuProcess.start(dir, st.flashArgs())) {
                host.awaitEvent(e -> "progress".equals(e.path("event").asText())
                        && e.path("percent").asDouble() >= 40, RUN);
                host.kill();
            }
            rerunResumes(st);
            sim.stopCleanly(STOP);
        }
        assertThat(dumpApp(st.flash())).isEqualTo(application(st.pkg()));
    }

    @Test
    void ctrl_c_stops_flash_between_frames_with_exit_130_and_the_same_command_resumes() throws Exception {
        Station st = station();

        try (DfuProcess sim = startSimulator(st.simArgs(), st.pty())) {
            try (DfuProcess host = DfuProcess.start(dir, st.flashArgs())) {
                host.awaitEvent(e -> "progress".equals(e.path("event").asText())
                        && e.path("percent").asDouble() >= 30, RUN);
                host.interrupt();
                int exit = host.awaitExit(Duration.ofSeconds(30));
                assertThat(exit).as(host.output() + host.stderr()).isEqualTo(ExitCodes.INTERRUPTED);
                JsonNode summary = host.lastJson();
                assertThat(summary.get("result").asText()).isEqualTo("interrupted");
                assertThat(summary.get("bytes_sent").isNull()).as("counts of a cancelled update are unknown").isTrue();
                assertThat(summary.get("resume").asText()).startsWith("dfu flash --port " + st.pty());
            }
            rerunResumes(st);
            sim.stopCleanly(STOP);
        }
        assertThat(dumpApp(st.flash())).isEqualTo(application(st.pkg()));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A simulated board at 1 Mbaud with flow control (its flash in a file) and the {@code dfu flash --json} command for
     * the 200 KiB package on its pty, with {@code extraFlashArgs} before the package.
     */
    private record Station(Path pkg, Path flash, Path pty, List<String> simArgs, String[] flashArgs) {
    }

    private Station station(String... extraFlashArgs) {
        Path pkg = Fixtures.copy(Fixtures.APP_200K, dir);
        Path flash = dir.resolve("flash.bin");
        Path pty = dir.resolve("ttyDFU");
        List<String> flashArgs = new ArrayList<>(List.of("flash", "--port", pty.toString(), "--baud", "1000000",
                "--json"));
        flashArgs.addAll(List.of(extraFlashArgs));
        flashArgs.add(pkg.toString());
        return new Station(pkg, flash, pty, simulatorArgs(pty, flash, 1_000_000, true, false),
                flashArgs.toArray(String[]::new));
    }

    /** Runs the same command again: it completes, re-sending at most one object and the init packet. */
    private void rerunResumes(Station st) throws InterruptedException {
        try (DfuProcess host = DfuProcess.start(dir, st.flashArgs())) {
            int exit = host.awaitExit(RUN);
            assertThat(exit).as(host.output() + host.stderr()).isEqualTo(ExitCodes.OK);
            JsonNode summary = host.lastJson();
            assertThat(summary.get("bytes_resent").asLong()).as(summary.toString())
                    .isLessThanOrEqualTo(4096 + initPacketSize(st.pkg()));
            assertThat(summary.get("bytes_sent").asLong()).as("the rerun resumed instead of starting over")
                    .isLessThan(application(st.pkg()).length);
        }
    }

    private static List<String> simulatorArgs(Path pty, Path flash, int baud, boolean flow, boolean withKey) {
        List<String> args = new ArrayList<>(List.of("simulate", "--pty", pty.toString(), "--flash", flash.toString(),
                "--baud", Integer.toString(baud), "--flash-timing", "nrf52840"));
        if (flow) {
            args.add("--flow-control");
        }
        if (withKey) {
            args.addAll(List.of("--public-key", Fixtures.copy(Fixtures.PUBLIC_PEM, pty.getParent()).toString()));
        }
        return args;
    }

    private DfuProcess startSimulator(List<String> args, Path pty) throws InterruptedException {
        DfuProcess sim = DfuProcess.start(dir, args.toArray(String[]::new));
        sim.awaitLine(line -> line.contains(pty.toString()), START);
        // the link appears once socat has made the pair
        for (int i = 0; i < 100 && !Files.exists(pty); i++) {
            Thread.sleep(50);
        }
        assertThat(pty).as("pty link made by dfu simulate").exists();
        return sim;
    }

    private static void killSocat(DfuProcess sim) {
        List<ProcessHandle> socats = ProcessHandle.of(sim.pid()).orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("socat")).orElse(false)).toList();
        assertThat(socats).as("socat started by dfu simulate").isNotEmpty();
        socats.forEach(ProcessHandle::destroyForcibly);
    }

    private byte[] dumpApp(Path flash) throws Exception {
        Path out = dir.resolve("app-dump.bin");
        Files.deleteIfExists(out);
        try (DfuProcess dump = DfuProcess.start(dir, "simulate", "--flash", flash.toString(), "--dump-app",
                out.toString())) {
            assertThat(dump.awaitExit(START)).as(dump.output() + dump.stderr()).isZero();
        }
        return Files.readAllBytes(out);
    }

    private static FirmwareImage applicationImage(Path pkg) {
        return new DfuPackageReader().read(pkg).images().stream()
                .filter(i -> i.kind() == ImageKind.APPLICATION).findFirst().orElseThrow();
    }

    private static byte[] application(Path pkg) {
        return applicationImage(pkg).firmware();
    }

    private static long initPacketSize(Path pkg) {
        return applicationImage(pkg).initPacketSize();
    }

    private static long totalSize(Path pkg) {
        return new DfuPackageReader().read(pkg).images().stream()
                .mapToLong(i -> i.firmwareSize() + i.initPacketSize()).sum();
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
