package dev.reactivedfu.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.station.web.StationInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code dfu flash --metrics} and {@code dfu simulate --metrics} as a user runs them (two processes and a pty made by
 * socat): each serves Prometheus text at the URL it prints, and the counts match the update's summary.
 */
class MetricsExportOverPtyTest {

    private static final Pattern URL = Pattern.compile("metrics: (http://127\\.0\\.0\\.1:\\d+)/metrics");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @BeforeAll
    static void socatIsInstalled() {
        assumeTrue(System.getenv("CI") != null || Files.isExecutable(Path.of("/usr/bin/socat")),
                "socat is not installed: apt-get install -y socat (.ci/run does)");
    }

    @Test
    void flash_and_simulate_serve_prometheus_metrics_that_match_the_update() throws Exception {
        Path pkg = Fixtures.copy(Fixtures.APP_24K, dir);
        Path key = Fixtures.copy(Fixtures.PUBLIC_PEM, dir);
        Path pty = dir.resolve("ttyDFU");
        try (DfuProcess sim = DfuProcess.start(dir, "simulate", "--pty", pty.toString(), "--public-key",
                key.toString(), "--baud", "1000000", "--metrics", "127.0.0.1:0")) {
            sim.awaitLine(line -> line.contains(pty.toString()), WAIT);
            String simUrl = awaitUrl(sim);
            for (int i = 0; i < 100 && !Files.exists(pty); i++) {
                Thread.sleep(50);
            }
            try (DfuProcess host = DfuProcess.start(dir, "flash", "--port", pty.toString(), "--baud", "1000000",
                    "--key", key.toString(), "--json", "--metrics", "0", "--metrics-linger", "120",
                    pkg.toString())) {
                JsonNode summary = host.awaitEvent(e -> e.path("event").asText().equals("summary"), WAIT);
                assertThat(summary.path("result").asText()).as(host.stderr()).isEqualTo("ok");
                String text = get(awaitUrl(host) + "/metrics");

                String labels = "{port=\"" + pty + "\",result=\"success\"}";
                assertThat(text).contains("dfu_updates_total" + labels + " 1.0")
                        .contains("dfu_update_duration_seconds_count" + labels + " 1")
                        .contains("dfu_sent_bytes_total" + labels + " " + (double) summary.path("bytes_sent").asLong())
                        .contains("dfu_station_info{package_hash=\"" + StationInfo.sha256(Files.readAllBytes(pkg))
                                + "\"");
                assertThat(get(awaitUrl(host) + "/healthz")).isEqualTo("ok\n");
            }
            String simText = get(simUrl + "/metrics");
            assertThat(simText).contains("dfu_simulator_executes_total{port=\"" + pty + "\"}")
                    .contains("dfu_simulator_frames_received_total{port=\"" + pty + "\"}")
                    .doesNotContain("dfu_simulator_executes_total{port=\"" + pty + "\"} 0.0");
        }
    }

    private static String awaitUrl(DfuProcess p) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Matcher m = URL.matcher(p.stderr());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no metrics URL on stderr: " + p.stderr());
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }
}
