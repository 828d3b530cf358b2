package dev.reactivedfu.station.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a Prometheus user reads on /metrics after real updates: names, units, buckets and bounded labels. */
class PrometheusNamesTest {

    @Test
    void the_engines_and_stations_meters_come_out_with_prometheus_names_and_bounded_labels() throws Exception {
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(Boards.app24kBytes()));
        try (StandInStation station = new StandInStation(registry, Boards.app24k(), Boards.sockets(2, 1, 0))) {
            station.start();
            assertThat(station.awaitDone(Duration.ofSeconds(60))).isTrue();
            String text = registry.scrape();

            long sent = station.records().stream().mapToLong(StandInStation.BoardRecord::bytesSent).sum();
            assertThat(text)
                    .contains("dfu_updates_total{port=\"sim:s1\",result=\"success\"} 1.0")
                    .contains("dfu_updates_total{port=\"sim:s3\",result=\"remote_error\"} 1.0")
                    .contains("# TYPE dfu_update_duration_seconds histogram")
                    .contains("dfu_update_duration_seconds_bucket{port=\"sim:s1\",result=\"success\",le=\"120.0\"} 1")
                    .contains("dfu_update_duration_seconds_count{port=\"sim:s2\",result=\"success\"} 1")
                    .contains("dfu_sent_bytes_total{port=\"sim:s1\",result=\"success\"}")
                    .contains("dfu_resent_bytes_total{")
                    .contains("dfu_station_boards_total{result=\"passed\",socket=\"s1\"} 1")
                    .contains("dfu_station_boards_total{result=\"failed\",socket=\"s3\"} 1")
                    .contains("dfu_station_active 0")
                    .contains("dfu_station_info{package_hash=\"" + StationInfo.sha256(Boards.app24kBytes())
                            + "\",version=\"");
            assertThat(sent).isPositive();
            assertThat(sumOf(text, "dfu_sent_bytes_total")).isEqualTo(sent);
            // the buckets fit 1-120 s
            for (String le : List.of("1.0", "2.0", "5.0", "10.0", "30.0", "60.0", "120.0", "+Inf")) {
                assertThat(text).contains("result=\"success\",le=\"" + le + "\"}");
            }
            // no engine tag name, no unit said twice, no board serial or time as a label
            assertThat(text).doesNotContain("device=").doesNotContain("_bytes_bytes").doesNotContain("SIM-S");
        }
    }

    private static long sumOf(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + "{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
