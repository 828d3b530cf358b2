package dev.reactivedfu.station.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus server (Debian package {@code prometheus}) scrapes a running stand-in station over loopback; what
 * its query API then says about updates, bytes and durations must equal the station's records.
 */
class PrometheusScrapeTest {

    @Test
    void prometheus_scrapes_update_counts_bytes_and_the_duration_histogram_equal_to_the_records(@TempDir Path dir)
            throws Exception {
        Path prometheus = SystemTools.require("prometheus", "/usr/bin/prometheus");
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(Boards.app24kBytes()));
        try (StandInStation station = new StandInStation(registry, Boards.app24k(), Boards.sockets(3, 1, 0));
             StationWebServer web = StationWebServer.start(WebAddress.loopback(0), station.feed(), registry)) {
            station.start();
            assertThat(station.awaitDone(Duration.ofSeconds(90))).isTrue();
            Map<String, Long> expected = new TreeMap<>();
            long expectedBytes = 0;
            for (StandInStation.BoardRecord r : station.records()) {
                expected.merge(r.result().equals("passed") ? "success" : "remote_error", 1L, Long::sum);
                expectedBytes += r.bytesSent();
            }
            assertThat(expected).containsEntry("success", 3L).containsEntry("remote_error", 1L);

            try (PrometheusServer prom = PrometheusServer.start(prometheus, dir, web.address().getPort())) {
                Http.await("Prometheus to have scraped the station", Duration.ofSeconds(60),
                        () -> prom.byLabel("sum by (result) (dfu_updates_total)", "result").equals(expected));

                assertThat(prom.byLabel("sum by (result) (dfu_update_duration_seconds_count)", "result"))
                        .isEqualTo(expected);
                assertThat(prom.scalar("sum(dfu_sent_bytes_total)")).isEqualTo(expectedBytes);
                assertThat(prom.byLabel("sum by (result) (dfu_station_boards_total)", "result"))
                        .isEqualTo(Map.of("passed", 3L, "failed", 1L));
                assertThat(prom.scalar("sum(dfu_update_duration_seconds_bucket{le=\"120.0\"})")).isEqualTo(4);
                assertThat(prom.scalar("dfu_station_info{package_hash=\""
                        + StationInfo.sha256(Boards.app24kBytes()) + "\"}")).isEqualTo(1);
                assertThat(prom.scalar("up{job=\"dfu-station\"}")).isEqualTo(1);
                // the link meters, one series per port: every board pinged (a round trip), three sent data
                assertThat(prom.scalar("count(dfu_link_window >= 1)")).isEqualTo(4);
                assertThat(prom.scalar("count(dfu_link_rtt_seconds_count >= 1)")).isEqualTo(4);
                assertThat(prom.scalar("count(dfu_link_throughput_bytes_per_second > 0)")).isEqualTo(3);
            }
        }
    }
}
