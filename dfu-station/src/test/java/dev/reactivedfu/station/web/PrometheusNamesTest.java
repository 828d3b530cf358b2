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

    @Test
    void the_link_tuning_meters_show_window_prn_round_trips_lost_writes_and_throughput_per_port() throws Exception {
        long seed = Long.getLong("dfu.test.seed", 7L);
        System.out.println("PrometheusNamesTest lossy line seed: " + seed + " (rerun with -Ddfu.test.seed=" + seed + ")");
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(Boards.app24kBytes()));
        List<StandInStation.Board> boards = List.of(new StandInStation.Board("s1", Boards.good(0)),
                new StandInStation.Board("s2", Boards.lossy(0, 0.0003, seed)));
        try (StandInStation station = new StandInStation(registry, Boards.app24k(), boards)) {
            station.start();
            assertThat(station.awaitDone(Duration.ofSeconds(60))).isTrue();
            String text = registry.scrape();
            text.lines().filter(x -> x.startsWith("dfu_link_")).forEach(System.out::println);

            assertThat(station.records()).extracting(StandInStation.BoardRecord::result).containsOnly("passed");
            assertThat(text)
                    .contains("# TYPE dfu_link_window gauge")
                    .contains("# TYPE dfu_link_prn gauge")
                    .contains("# TYPE dfu_link_rtt_seconds summary")
                    .contains("# TYPE dfu_link_lost_writes_total counter")
                    .contains("# TYPE dfu_link_throughput_bytes_per_second gauge");
            for (String port : List.of("sim:s1", "sim:s2")) {
                String l = "{port=\"" + port + "\"}";
                // the window and PRN are within the default limits: one write up to the ceiling of 144
                assertThat(valueOf(text, "dfu_link_window" + l)).isBetween(1.0, 144.0);
                assertThat(valueOf(text, "dfu_link_prn" + l)).isBetween(1.0, 72.0);
                assertThat(valueOf(text, "dfu_link_rtt_seconds_count" + l)).isPositive();
                assertThat(valueOf(text, "dfu_link_rtt_seconds_max" + l)).isBetween(0.0, 5.0);
                // the 24 KiB update took well under a minute: more than 400 bytes per second, and it is a rate
                assertThat(valueOf(text, "dfu_link_throughput_bytes_per_second" + l)).isGreaterThan(400.0);
            }
            // the clean line lost nothing; the lossy one lost writes and the window shrank from its clean growth
            assertThat(text).doesNotContain("dfu_link_lost_writes_total{port=\"sim:s1\"}");
            assertThat(valueOf(text, "dfu_link_lost_writes_total{port=\"sim:s2\"}")).isPositive();
            assertThat(valueOf(text, "dfu_link_window{port=\"sim:s2\"}"))
                    .isLessThan(valueOf(text, "dfu_link_window{port=\"sim:s1\"}"));
            assertThat(text).doesNotContain("device=").doesNotContain("SIM-S");
        }
    }

    private static double valueOf(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError(series + " not in the scrape:\n" + text));
    }

    private static long sumOf(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + "{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
