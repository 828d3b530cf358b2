package dev.reactivedfu.station;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.station.records.RecordStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What the web server is given: {@code jsonEvents}, {@code jsonSnapshot}, {@code boardsJson}, and the meters. */
class StationViewsContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void json_events_snapshot_records_and_meters_tell_the_same_story() throws Exception {
        SimulatedFloor floor = SimulatedFloor.builder().sockets(2).boardsPerSocket(1).presentAtStart(true)
                .boards((s, n) -> SimulatedFloor.BoardSpec.of(dev.reactivedfu.simulator.SimulatorConfig.builder()
                        .publicKey(StationFixtures.KEY).hwVersion(s == 1 ? 51 : 52).build()))
                .build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().pkg(StationFixtures.APP_24K, "app_24k.zip", "sha")
                    .options(StationFixtures.fastOptions()).sockets(floor.sockets()).records(store).once(true)
                    .meterRegistry(meters).pollInterval(Duration.ofMillis(20)).build();
            List<String> lines = new CopyOnWriteArrayList<>();
            Disposable d = station.jsonEvents().subscribe(lines::add);
            station.run().block(Duration.ofSeconds(60));
            d.dispose();

            List<JsonNode> events = new ArrayList<>();
            for (String l : lines) {
                events.add(JSON.readTree(l));
            }
            assertThat(events).allSatisfy(e -> assertThat(e.hasNonNull("event")).isTrue());
            assertThat(events).filteredOn(e -> !e.get("event").asText().startsWith("station_"))
                    .allSatisfy(e -> assertThat(e.hasNonNull("socket") && e.hasNonNull("port")).as(e.toString()).isTrue());
            JsonNode failed = events.stream().filter(e -> e.get("event").asText().equals("board_done")
                    && e.get("socket").asText().equals("sim2")).findFirst().orElseThrow();
            assertThat(failed.get("result").asText()).isEqualTo("failed");
            assertThat(failed.get("error_type").asText()).isEqualTo("RemoteErrorException");
            assertThat(failed.get("advice").asText()).isNotBlank();
            assertThat(failed.get("duration_ms").asLong()).isPositive();
            assertThat(failed.has("bytes_sent") && failed.has("retries")).isTrue();
            // a board that is done no longer counts as running: no summary counts more boards than the 2 sockets
            assertThat(events).filteredOn(e -> e.get("event").asText().equals("station_summary"))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.get("passed").asInt() + e.get("failed").asInt()
                            + e.get("running").asInt()).as(e.toString()).isLessThanOrEqualTo(2));

            List<String> snapshot = station.jsonSnapshot();
            assertThat(snapshot).hasSize(3);
            assertThat(JSON.readTree(snapshot.get(0)).get("state").asText()).isEqualTo("passed");
            assertThat(JSON.readTree(snapshot.get(1)).get("state").asText()).isEqualTo("failed");
            JsonNode summary = JSON.readTree(snapshot.get(2));
            assertThat(summary.get("event").asText()).isEqualTo("station_summary");
            assertThat(summary.get("passed").asInt()).isEqualTo(1);
            assertThat(summary.get("failed").asInt()).isEqualTo(1);
            assertThat(summary.get("running").asInt()).isZero();
            assertThat(summary.has("boards_per_hour") && summary.has("mean_seconds_per_board")).isTrue();

            JsonNode boards = JSON.readTree(station.boardsJson(Optional.empty()).block(Duration.ofSeconds(10)));
            assertThat(boards).hasSize(2);
            assertThat(boards.get(0).has("package_sha256")).isTrue();
            assertThat(JSON.readTree(station.boardsJson(Optional.of(Instant.now().plusSeconds(3600)))
                    .block(Duration.ofSeconds(10)))).isEmpty();

            assertThat(meters.get("dfu.station.boards").tag("socket", "sim1").tag("result", "passed").counter()
                    .count()).isEqualTo(1.0);
            assertThat(meters.get("dfu.station.boards").tag("socket", "sim2").tag("result", "failed").counter()
                    .count()).isEqualTo(1.0);
            assertThat(meters.get("dfu.station.active").gauge().value()).isZero();
            assertThat(meters.getMeters()).anySatisfy(m -> assertThat(m.getId().getName())
                    .startsWith("dfu.").isNotIn("dfu.station.boards", "dfu.station.active"));
        } finally {
            floor.dispose();
        }
    }
}
