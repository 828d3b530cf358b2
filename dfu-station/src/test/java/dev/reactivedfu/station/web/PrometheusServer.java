package dev.reactivedfu.station.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
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

/**
 * A real Prometheus server for a test: a generated config scraping one target on loopback every second, its own
 * storage under the test's temp dir, its API on an ephemeral loopback port; stopped on close.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final String api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path dir, String api) {
        this.process = process;
        this.dir = dir;
        this.api = api;
    }

    /** Starts {@code prometheus} scraping {@code 127.0.0.1:targetPort} as job {@code dfu-station}. */
    static PrometheusServer start(Path prometheus, Path dir, int targetPort) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: dfu-station",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + targetPort + "']",
                ""));
        Process p = new ProcessBuilder(prometheus.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        return new PrometheusServer(p, dir, "http://127.0.0.1:" + port);
    }

    /** An instant-vector query's values by one label, as whole numbers; empty while Prometheus has nothing yet. */
    Map<String, Long> byLabel(String query, String label) {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode series : query(query)) {
            out.put(series.path("metric").path(label).asText(),
                    Math.round(Double.parseDouble(series.path("value").get(1).asText())));
        }
        return out;
    }

    /** The one value of {@code query}, as a whole number. */
    long scalar(String query) {
        JsonNode result = query(query);
        if (result.size() != 1) {
            throw new AssertionError(query + " gave " + result.size() + " series: " + result);
        }
        return Math.round(Double.parseDouble(result.get(0).path("value").get(1).asText()));
    }

    /** The {@code data.result} of an instant query; empty while the API is not up yet. */
    JsonNode query(String query) {
        if (!process.isAlive()) {
            throw new AssertionError("prometheus exited with " + process.exitValue() + ": " + log());
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

    private String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
