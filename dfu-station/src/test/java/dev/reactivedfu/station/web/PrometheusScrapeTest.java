package dev.reactivedfu.station.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus server (Debian package {@code prometheus}) scrapes a running stand-in station over loopback; what
 * its query API then says about updates, bytes and durations must equal the station's records.
 */
class PrometheusScrapeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheus_scrapes_update_counts_bytes_and_the_duration_histogram_equal_to_the_records(@TempDir Path dir)
            throws Exception {
        Path prometheus = SystemTools.require("prometheus", "/usr/bin/prometheus");
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(Boards.app24kBytes()));
        try (StandInStation station = new StandInStation(registry, Boards.app24k(), Boards.sockets(3, 1, 0));
             StationWebServer web = StationWebServer.start(WebAddress.loopback(0), station.feed(), registry)) {
            station.start();
            assertThat(station.awaitDone(Duration.ofSeconds(90))).isTrue();

            int port = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  scrape_timeout: 1s",
                    "scrape_configs:",
                    "  - job_name: dfu-station",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + web.address().getPort() + "']",
                    ""));
            Process p = new ProcessBuilder(prometheus.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            try {
                String api = "http://127.0.0.1:" + port;
                Map<String, Long> expectedByResult = new TreeMap<>();
                long expectedBytes = 0;
                for (StandInStation.BoardRecord r : station.records()) {
                    expectedByResult.merge(r.result().equals("passed") ? "success" : "remote_error", 1L, Long::sum);
                    expectedBytes += r.bytesSent();
                }
                assertThat(expectedByResult).containsEntry("success", 3L).containsEntry("remote_error", 1L);
                Map<String, Long> expected = expectedByResult;

                Http.await("Prometheus to have scraped the station", Duration.ofSeconds(60), () ->
                        byLabel(api, "sum by (result) (dfu_updates_total)", "result", p, dir).equals(expected));

                assertThat(byLabel(api, "sum by (result) (dfu_update_duration_seconds_count)", "result", p, dir))
                        .isEqualTo(expected);
                assertThat(scalar(api, "sum(dfu_sent_bytes_total)", p, dir)).isEqualTo(expectedBytes);
                assertThat(byLabel(api, "sum by (result) (dfu_station_boards_total)", "result", p, dir))
                        .isEqualTo(Map.of("passed", 3L, "failed", 1L));
                assertThat(scalar(api, "sum(dfu_update_duration_seconds_bucket{le=\"120.0\"})", p, dir)).isEqualTo(4);
                assertThat(scalar(api, "dfu_station_info{package_hash=\"" + StationInfo.sha256(Boards.app24kBytes())
                        + "\"}", p, dir)).isEqualTo(1);
                assertThat(scalar(api, "up{job=\"dfu-station\"}", p, dir)).isEqualTo(1);
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** An instant vector query's values keyed by one label, as whole numbers; empty while Prometheus knows nothing. */
    private Map<String, Long> byLabel(String api, String query, String label, Process p, Path dir) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode series : query(api, query, p, dir)) {
            out.put(series.path("metric").path(label).asText(),
                    Math.round(Double.parseDouble(series.path("value").get(1).asText())));
        }
        return out;
    }

    private long scalar(String api, String query, Process p, Path dir) {
        JsonNode result = query(api, query, p, dir);
        assertThat(result.size()).as("series of " + query).isEqualTo(1);
        return Math.round(Double.parseDouble(result.get(0).path("value").get(1).asText()));
    }

    private JsonNode query(String api, String query, Process p, Path dir) {
        if (!p.isAlive()) {
            throw new AssertionError("prometheus exited with " + p.exitValue() + ": " + log(dir));
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                            + URLEncoder.encode(query, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError(query + ": " + r.body());
            }
            return body.path("data").path("result");
        } catch (IOException e) {
            return JSON.createArrayNode(); // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
