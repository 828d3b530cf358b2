package dev.reactivedfu.station.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.SimulatedFloor;
import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.records.RecordStore;
import dev.reactivedfu.transfer.DfuOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import reactor.core.Disposable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@link Station} (three simulated sockets, records in SQLite) wired to the web server with the one-line
 * adapter: the page in headless Chromium follows it, and a real Prometheus scraping it agrees with its records as
 * {@code /api/boards} serves them.
 */
class RealStationOnTheWebTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void the_page_and_prometheus_follow_a_real_station_and_agree_with_its_records(@TempDir Path dir)
            throws Exception {
        Path chromium = SystemTools.require("chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium");
        Path chromedriver = SystemTools.require("chromium-driver", "/usr/bin/chromedriver");
        Path prometheus = SystemTools.require("prometheus", "/usr/bin/prometheus");
        byte[] pkgBytes = Boards.app24kBytes();
        SimulatorConfig good = Boards.good(57_600);
        SimulatorConfig refusing = Boards.wrongHardware(57_600);
        SimulatedFloor floor = SimulatedFloor.builder().sockets(3)
                .boards((socket, n) -> SimulatedFloor.BoardSpec.of(socket == 2 ? refusing : good))
                .boardsPerSocket(1).presentAtStart(true).build();
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(pkgBytes));
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().name("web").pkg(Boards.app24k(), "app_24k.zip",
                            StationInfo.sha256(pkgBytes))
                    .options(DfuOptions.defaults()).sockets(floor.sockets()).once(true).records(store)
                    .meterRegistry(registry).companion(floor::operate).pollInterval(Duration.ofMillis(20)).build();
            StationFeed feed = StationFeed.of(station::jsonEvents, station::jsonSnapshot, station::boardsJson);
            try (StationWebServer web = StationWebServer.start(WebAddress.loopback(0), feed, registry)) {
                WebDriver driver = StationPageTest.browser(chromium, chromedriver, dir);
                Disposable run = null;
                try {
                    driver.get(web.url() + "/");
                    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50));
                    wait.until(d -> d.findElement(By.id("connection")).getText().equals("live"));
                    wait.until(d -> d.findElements(By.cssSelector(".tile")).size() == 3);
                    List<String> sockets = floor.sockets().stream().map(s -> s.name()).toList();
                    String bad = sockets.get(2);

                    run = station.run().subscribe();
                    Map<String, Set<String>> seen = new TreeMap<>();
                    sockets.subList(0, 2).forEach(s -> seen.put(s, new LinkedHashSet<>()));
                    new WebDriverWait(driver, Duration.ofSeconds(120), Duration.ofMillis(50)).until(d -> {
                        boolean done = true;
                        for (String s : seen.keySet()) {
                            WebElement t = tile(d, s);
                            seen.get(s).add(t.findElement(By.cssSelector(".percent")).getText());
                            done &= t.findElement(By.cssSelector(".result")).getText().startsWith("passed");
                        }
                        return done;
                    });
                    for (String s : seen.keySet()) {
                        assertThat(seen.get(s).stream().filter(p -> p.endsWith("%") && !p.startsWith("0.0")
                                && !p.startsWith("100.0"))).as("%s progress shown on the way: %s", s, seen.get(s))
                                .hasSizeGreaterThanOrEqualTo(2);
                    }
                    wait.until(d -> tile(d, bad).findElement(By.cssSelector(".result")).getText()
                            .startsWith("failed"));
                    assertThat(tile(driver, bad).findElement(By.cssSelector(".error")).getText())
                            .contains("hardware version");
                    assertThat(driver.findElement(By.cssSelector("#failures li[data-socket='" + bad + "'] .advice"))
                            .getText()).isNotBlank();
                    wait.until(d -> d.findElement(By.id("passed")).getText().equals("2")
                            && d.findElement(By.id("failed")).getText().equals("1"));
                    StationPageTest.save(driver, Path.of("target").resolve("real-station-page.png"));
                } finally {
                    driver.quit();
                }
                station.recordsWritten().block(Duration.ofSeconds(30));

                // the records as the web server serves them, and what Prometheus scraped
                JsonNode rows = JSON.readTree(Http.get(web.url(), "/api/boards").body());
                assertThat(rows.size()).isEqualTo(3);
                Map<String, Long> byResult = new TreeMap<>();
                long bytes = 0;
                for (JsonNode r : rows) {
                    byResult.merge(r.path("result").asText(), 1L, Long::sum);
                    bytes += r.path("bytes_sent").asLong();
                }
                assertThat(byResult).isEqualTo(Map.of("passed", 2L, "failed", 1L));
                try (PrometheusServer prom = PrometheusServer.start(prometheus, dir, web.address().getPort())) {
                    Http.await("Prometheus to scrape the station", Duration.ofSeconds(60),
                            () -> prom.byLabel("sum by (result) (dfu_station_boards_total)", "result")
                                    .equals(byResult));
                    assertThat(prom.scalar("sum(dfu_updates_total)")).isEqualTo(3);
                    assertThat(prom.scalar("sum(dfu_updates_total{result=\"success\"})")).isEqualTo(2);
                    assertThat(prom.scalar("sum(dfu_update_duration_seconds_count)")).isEqualTo(3);
                    assertThat(prom.scalar("sum(dfu_sent_bytes_total)")).isEqualTo(bytes);
                }
                if (run != null) {
                    run.dispose();
                }
            }
        } finally {
            floor.dispose();
        }
    }

    private static WebElement tile(WebDriver d, String socket) {
        return d.findElement(By.cssSelector(".tile[data-socket='" + socket + "']"));
    }
}
