package dev.reactivedfu.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.cli.ExitCodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code dfu station} end to end over socat pseudo-terminals against several {@code dfu simulate} processes (1 Mbaud,
 * RTS/CTS, nRF52840 flash timing, each board's flash kept in a file), as a factory wires UART adapters.
 */
class StationOverPtyTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration RUN = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void socatIsInstalled() {
        boolean present = onPath("socat");
        if (!present && System.getenv("CI") != null) {
            fail("socat is not installed: .ci/run must apt-get install -y socat");
        }
        assumeTrue(present, "socat is not installed: apt-get install -y socat");
    }

    @Test
    void a_station_on_three_ptys_updates_every_board_once_and_each_flash_holds_the_application() throws Exception {
        Path pkg = Fixtures.copy(Fixtures.APP_24K, dir);
        Path key = Fixtures.copy(Fixtures.PUBLIC_PEM, dir);
        List<DfuProcess> sims = new ArrayList<>();
        List<Path> ptys = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                Path pty = dir.resolve("ttyS" + i);
                ptys.add(pty);
                sims.add(startSimulator(pty, dir.resolve("flash" + i + ".bin")));
            }
            List<String> args = new ArrayList<>(List.of("station", "--once", "--json", "--baud", "1000000",
                    "--flow-control", "--db", "jdbc:sqlite:" + dir.resolve("station.db"), "--package", pkg.toString(), "--key", key.toString()));
            for (Path p : ptys) {
                args.addAll(List.of("--port", p.toString()));
            }
            try (DfuProcess station = DfuProcess.start(dir, args.toArray(String[]::new))) {
                int exit = station.awaitExit(RUN);
                assertThat(exit).as(station.output() + station.stderr()).isEqualTo(ExitCodes.OK);
                List<JsonNode> done = events(station, "board_done");
                assertThat(done).hasSize(3);
                assertThat(done).allSatisfy(d -> assertThat(d.get("result").asText()).isEqualTo("passed"));
                assertThat(done.stream().map(d -> d.get("port").asText()))
                        .containsExactlyInAnyOrderElementsOf(ptys.stream().map(Path::toString).toList());
                assertThat(events(station, "progress")).allSatisfy(p -> assertThat(p.has("socket")).isTrue());
            }
        } finally {
            for (DfuProcess s : sims) {
                s.close();
            }
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(dumpApp(dir.resolve("flash" + i + ".bin"))).as("board " + i).isEqualTo(application(pkg));
        }
    }

    @Test
    void a_station_killed_mid_update_marks_the_row_interrupted_when_started_again_and_resumes_the_board()
            throws Exception {
        Path pkg = Fixtures.copy(Fixtures.APP_200K, dir);
        Path pty = dir.resolve("ttyS1");
        Path flash = dir.resolve("flash.bin");
        String db = "jdbc:sqlite:" + dir.resolve("station.db");
        String[] args = {"station", "--json", "--baud", "1000000", "--flow-control", "--db", db, "--package",
                pkg.toString(), "--port", pty.toString()};
        try (DfuProcess sim = startSimulator(pty, flash)) {
            try (DfuProcess station = DfuProcess.start(dir, args)) {
                station.awaitEvent(e -> "progress".equals(e.path("event").asText())
                        && e.path("percent").asDouble() >= 40, RUN);
                station.kill();
            }
            JsonNode before = report(db);
            assertThat(before).hasSize(1);
            assertThat(before.get(0).get("result").asText()).as("a SIGKILLed station leaves its row running")
                    .isEqualTo("running");

            List<String> again = new ArrayList<>(List.of(args));
            again.add("--once");
            try (DfuProcess station = DfuProcess.start(dir, again.toArray(String[]::new))) {
                int exit = station.awaitExit(RUN);
                assertThat(exit).as(station.output() + station.stderr()).isEqualTo(ExitCodes.OK);
                JsonNode summary = events(station, "summary").get(0);
                assertThat(summary.get("bytes_sent").asLong()).as("the board was resumed, not started over")
                        .isLessThan(application(pkg).length);
            }
        }
        JsonNode rows = report(db);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("result").asText()).isEqualTo("interrupted");
        assertThat(rows.get(1).get("result").asText()).isEqualTo("passed");
        assertThat(rows.get(1).get("resumes").asText()).isEqualTo(rows.get(0).get("id").asText());
        assertThat(dumpApp(flash)).isEqualTo(application(pkg));
    }

    @Test
    void a_port_in_use_by_a_station_is_busy_for_dfu_flash_and_a_second_station_at_once() throws Exception {
        Path pkg = Fixtures.copy(Fixtures.APP_24K, dir);
        Path pty = dir.resolve("ttyS1");
        try (DfuProcess sim = startSimulator(pty, dir.resolve("flash.bin"))) {
            try (DfuProcess station = DfuProcess.start(dir, "station", "--json", "--baud", "1000000", "--flow-control",
                    "--db", "jdbc:sqlite:" + dir.resolve("station.db"), "--package", pkg.toString(), "--port",
                    pty.toString())) {
                station.awaitEvent(e -> "board_done".equals(e.path("event").asText()), RUN);

                try (DfuProcess flash = DfuProcess.start(dir, "flash", "--port", pty.toString(), pkg.toString())) {
                    long started = System.nanoTime();
                    assertThat(flash.awaitExit(START)).as(flash.stderr()).isEqualTo(ExitCodes.PORT_ERROR);
                    assertThat(flash.stderr()).contains("port busy");
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
                }
                try (DfuProcess second = DfuProcess.start(dir, "station", "--once", "--db",
                        "jdbc:sqlite:" + dir.resolve("other.db"), "--package", pkg.toString(), "--port", pty.toString())) {
                    assertThat(second.awaitExit(START)).as(second.stderr()).isEqualTo(ExitCodes.PORT_ERROR);
                    assertThat(second.stderr()).contains("port busy");
                }
                station.interrupt();
                assertThat(station.awaitExit(START)).isEqualTo(ExitCodes.INTERRUPTED);
            }
        }
        // the port is free again: dfu flash updates a new board on it, and --trace FILE keeps every frame both ways
        Path trace = dir.resolve("flash.trace");
        try (DfuProcess sim = startSimulator(pty, dir.resolve("flash2.bin"));
             DfuProcess flash = DfuProcess.start(dir, "flash", "--port", pty.toString(), "--baud", "1000000",
                     "--flow-control", "--trace", trace.toString(), pkg.toString())) {
            assertThat(flash.awaitExit(RUN)).as(flash.stderr()).isEqualTo(ExitCodes.OK);
        }
        String lines = Files.readString(trace);
        assertThat(lines).contains("OUT 09 ").contains("IN  60 09 01").contains("Ping[id=")
                .contains("Write[64 bytes]").contains("connection open");
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode report(String db) throws Exception {
        try (DfuProcess report = DfuProcess.start(dir, "station", "report", "--db", db, "--format", "json")) {
            assertThat(report.awaitExit(START)).as(report.stderr()).isZero();
            return JSON.readTree(report.output());
        }
    }

    private static List<JsonNode> events(DfuProcess p, String event) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : p.output().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode n = JSON.readTree(line);
                if (event.equals(n.path("event").asText())) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private DfuProcess startSimulator(Path pty, Path flash) throws InterruptedException {
        DfuProcess sim = DfuProcess.start(dir, "simulate", "--pty", pty.toString(), "--flash", flash.toString(),
                "--baud", "1000000", "--flash-timing", "nrf52840", "--flow-control");
        sim.awaitLine(line -> line.contains(pty.toString()), START);
        for (int i = 0; i < 100 && !Files.exists(pty); i++) {
            Thread.sleep(50); // the link appears once socat made the pair
        }
        assertThat(pty).as("pty link made by dfu simulate").exists();
        return sim;
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

    private static byte[] application(Path pkg) {
        return new DfuPackageReader().read(pkg).images().stream()
                .filter(i -> i.kind() == ImageKind.APPLICATION).findFirst().orElseThrow().firmware();
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
