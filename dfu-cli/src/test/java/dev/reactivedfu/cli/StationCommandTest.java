package dev.reactivedfu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.archive.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dfu station --simulate N --once} and {@code dfu station report}, run in process. */
class StationCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String db() {
        return "jdbc:sqlite:" + dir.resolve("station.db");
    }

    @Test
    void once_exits_0_when_every_board_passed_and_every_json_line_names_its_socket_and_port() {
        CliRun run = CliRun.dfu("station", "--simulate", "3", "--once", "--json", "--db", db());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = run.events();
        assertThat(events).allSatisfy(e -> assertThat(e.has("event")).isTrue());
        for (JsonNode e : events) {
            String type = e.get("event").asText();
            if (!type.startsWith("station_")) {
                assertThat(e.get("socket").asText()).as(e.toString()).matches("sim[1-3]");
                assertThat(e.get("port").asText()).as(e.toString()).isEqualTo("simulated:" + e.get("socket").asText());
            }
        }
        List<JsonNode> done = events.stream().filter(e -> e.get("event").asText().equals("board_done")).toList();
        assertThat(done).hasSize(3).allSatisfy(d -> {
            assertThat(d.get("result").asText()).isEqualTo("passed");
            assertThat(d.get("error").isNull()).isTrue();
            assertThat(d.get("bytes_sent").asLong()).isGreaterThanOrEqualTo(24576);
        });
        assertThat(events).anySatisfy(e -> assertThat(e.get("event").asText()).isEqualTo("station_summary"));
        assertThat(events.stream().filter(e -> e.get("event").asText().equals("socket_state"))
                .map(e -> e.get("state").asText())).contains("probing", "updating", "passed");
        assertThat(events.stream().filter(e -> e.get("event").asText().equals("progress")).findFirst().orElseThrow()
                .fieldNames()).toIterable().contains("bytes", "total", "percent", "bytes_per_second");
    }

    @Test
    void once_exits_4_and_names_the_refused_board_and_why() {
        CliRun run = CliRun.dfu("station", "--simulate", "3", "--once", "--sim-fault", "2=wrong-board", "--db", db());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.DEVICE_ERROR);
        assertThat(run.out()).contains("2 of 3 board(s) passed");
        assertThat(run.out()).containsPattern("sim2 simulated:sim2: failed: .*hardware version");
        assertThat(run.out()).doesNotContain("verified:");
    }

    @Test
    void once_exits_5_when_the_only_board_vanished_mid_update() {
        CliRun run = CliRun.dfu("station", "--simulate", "1", "--once", "--sim-fault", "vanish:4096", "--db", db());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.PORT_ERROR);
        assertThat(run.out()).contains("0 of 1 board(s) passed").contains("port vanished");
    }

    @Test
    void once_on_simulated_boards_verifies_that_every_board_holds_the_image() {
        CliRun run = CliRun.dfu("station", "--simulate", "2", "--once", "--db", db());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("2 of 2 board(s) passed").contains("verified: all 2 simulated boards hold");
    }

    @Test
    void report_prints_the_rows_as_a_table_csv_and_json_and_filters_them() throws Exception {
        CliRun station = CliRun.dfu("station", "--simulate", "3", "--once", "--sim-fault", "3=wrong-board",
                "--name", "line-7", "--db", db());
        assertThat(station.exit()).isEqualTo(ExitCodes.DEVICE_ERROR);

        CliRun table = CliRun.dfu("station", "report", "--db", db());
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("started_at").contains("socket")
                .contains("result").contains("error_type");
        assertThat(table.out()).contains("3 attempt(s): 2 passed, 1 failed, 0 interrupted, 0 running");
        assertThat(table.out()).containsPattern("sim3 +simulated:sim3 +sim3#1 +failed .*RemoteErrorException");

        CliRun csv = CliRun.dfu("station", "report", "--db", db(), "--format", "csv");
        List<String> lines = csv.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("id,station,socket,port,adapter_serial,board,started_at,ended_at,");
        assertThat(lines.subList(1, 4)).allSatisfy(l -> assertThat(l).contains(",line-7,sim"));

        CliRun json = CliRun.dfu("station", "report", "--db", db(), "--format", "json", "--result", "failed");
        JsonNode rows = JSON.readTree(json.out());
        assertThat(rows).hasSize(1);
        JsonNode r = rows.get(0);
        assertThat(r.get("socket").asText()).isEqualTo("sim3");
        assertThat(r.get("station").asText()).isEqualTo("line-7");
        assertThat(r.get("result").asText()).isEqualTo("failed");
        assertThat(r.get("error_type").asText()).isEqualTo("RemoteErrorException");
        assertThat(r.get("advice").asText()).isNotBlank();
        assertThat(r.get("package_sha256").asText()).hasSize(64);
        assertThat(r.get("hardware_before").asText()).contains("part 52840");

        CliRun one = CliRun.dfu("station", "report", "--db", db(), "--format", "json", "--socket", "sim1",
                "--since", "1h");
        assertThat(JSON.readTree(one.out())).hasSize(1);
        CliRun future = CliRun.dfu("station", "report", "--db", db(), "--format", "json", "--since", "2999-01-01");
        assertThat(JSON.readTree(future.out())).isEmpty();
        CliRun bad = CliRun.dfu("station", "report", "--db", db(), "--since", "yesterday");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--since yesterday");
    }

    @Test
    void a_configuration_file_names_the_station_package_and_engine_options_and_options_override_it() throws Exception {
        Path pkg = Fixtures.copy(Fixtures.APP_24K, dir);
        Path key = Fixtures.copy(Fixtures.PUBLIC_PEM, dir);
        Files.writeString(dir.resolve("station.yaml"), String.join("\n",
                "name: line-3",
                "package: " + pkg.getFileName(),
                "key: " + key.getFileName(),
                "db: jdbc:sqlite:" + dir.resolve("from-config.db"),
                "parallel: 1",
                "engine:",
                "  prn: 0",
                ""));
        CliRun run = CliRun.dfu("station", "--config", dir.resolve("station.yaml").toString(), "--simulate", "2",
                "--once", "--json", "--db", db());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.events()).filteredOn(e -> e.get("event").asText().equals("connected"))
                .allSatisfy(e -> assertThat(e.get("prn").asInt()).isZero());
        assertThat(Files.exists(dir.resolve("from-config.db"))).as("--db overrides the file's db").isFalse();
        CliRun report = CliRun.dfu("station", "report", "--db", db(), "--format", "json");
        JsonNode rows = JSON.readTree(report.out());
        assertThat(rows).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("station").asText()).isEqualTo("line-3");
            assertThat(r.get("package_file").asText()).isEqualTo("app_24k.zip");
        });
    }

    @Test
    void an_unknown_key_in_the_configuration_file_is_named_with_its_line() throws Exception {
        Files.writeString(dir.resolve("station.yaml"), "name: x\nsokets: []\n");
        CliRun run = CliRun.dfu("station", "--config", dir.resolve("station.yaml").toString(), "--simulate", "1",
                "--once");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("line 2").contains("unknown key 'sokets'");
    }

    @Test
    void trace_dir_gets_one_file_per_socket_with_every_frame_both_ways_decoded() throws Exception {
        Path traces = dir.resolve("traces");
        CliRun run = CliRun.dfu("station", "--simulate", "2", "--once", "--trace", traces.toString(), "--db", db());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        for (String socket : List.of("sim1", "sim2")) {
            String trace = Files.readString(traces.resolve(socket + ".trace"));
            assertThat(trace).contains("connection open").contains("OUT 09 ").contains("IN  60 09 01 ")
                    .contains("Write[64 bytes]").contains("OUT 04").contains("IN  60 04 01");
            assertThat(trace.lines().filter(l -> l.contains(" OUT ")).findFirst().orElseThrow())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z +\\d+\\.\\d{6} OUT .*");
        }
    }

    @Test
    void without_sockets_the_station_says_how_to_give_them() {
        CliRun run = CliRun.dfu("station", "--once", "--db", db());

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--port PATH").contains("--simulate N");
    }
}
