package dev.reactivedfu.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dfu station --simulate 2 --http 0} as a user runs it: the page, the event stream, the records and the
 * metrics are served at the URL it prints while the station runs; Ctrl-C stops both.
 */
class StationHttpTest {

    private static final Pattern URL = Pattern.compile("station page: (http://127\\.0\\.0\\.1:\\d+)/");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void a_simulated_station_serves_its_page_events_records_and_metrics() throws Exception {
        try (DfuProcess station = DfuProcess.start(dir, "station", "--simulate", "2", "--json", "--http", "0",
                "--db", "jdbc:sqlite:" + dir.resolve("station.db"))) {
            JsonNode done = station.awaitEvent(e -> e.path("event").asText().equals("board_done"), WAIT);
            String url = awaitUrl(station);

            HttpResponse<String> page = get(url + "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>DFU station</title>");

            JsonNode rows = JSON.readTree(get(url + "/api/boards").body());
            assertThat(rows.size()).isPositive();
            assertThat(rows.get(0).has("socket")).isTrue();

            String metrics = get(url + "/metrics").body();
            assertThat(metrics).contains("dfu_station_boards_total{result=\"" + done.path("result").asText()
                            + "\",socket=\"" + done.path("socket").asText() + "\"}")
                    .contains("dfu_updates_total{").contains("dfu_update_duration_seconds_bucket{")
                    .contains("dfu_station_active").contains("dfu_station_info{package_hash=\"");

            List<JsonNode> first = firstEvents(url, 3);
            assertThat(first).allSatisfy(e -> assertThat(e.has("event")).isTrue());
            assertThat(first.get(0).path("event").asText()).isEqualTo("socket_state");

            station.interrupt();
            assertThat(station.awaitExit(WAIT)).isEqualTo(ExitCodes.INTERRUPTED);
        }
    }

    private static List<JsonNode> firstEvents(String url, int n) throws IOException, InterruptedException {
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/events")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while (out.size() < n && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    out.add(JSON.readTree(line.substring(6)));
                }
            }
        }
        return out;
    }

    private static String awaitUrl(DfuProcess p) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Matcher m = URL.matcher(p.stderr());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no station page URL on stderr: " + p.stderr());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
