package dev.reactivedfu.station.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The station page in a real browser: the system's headless Chromium through its chromedriver (Debian packages
 * {@code chromium} and {@code chromium-driver}; nothing is downloaded), watching a stand-in station of simulated
 * boards update at 57600 baud.
 */
class StationPageTest {

    private static final List<String> GOOD = List.of("s1", "s2");
    private static final String BAD = "s3";

    @Test
    void each_tile_shows_its_progress_moving_then_its_result_and_a_failed_board_shows_its_error(@TempDir Path profile)
            throws Exception {
        Path chromium = SystemTools.require("chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium");
        Path chromedriver = SystemTools.require("chromium-driver", "/usr/bin/chromedriver");
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(Boards.app24kBytes()));
        try (StandInStation station = new StandInStation(registry, Boards.app24k(), Boards.sockets(2, 1, 57_600));
             StationWebServer web = StationWebServer.start(WebAddress.loopback(0), station.feed(), registry)) {
            WebDriver driver = browser(chromium, chromedriver, profile);
            try {
                driver.get(web.url() + "/");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50));
                wait.until(d -> d.findElement(By.id("connection")).getText().equals("live"));
                // the snapshot drew every socket, idle, before anything ran
                wait.until(d -> d.findElements(By.cssSelector(".tile")).size() == 3);
                for (String s : List.of("s1", "s2", "s3")) {
                    assertThat(tile(driver, s).getAttribute("class")).contains("state-idle");
                }

                station.start();
                Map<String, Set<String>> seen = new LinkedHashMap<>();
                GOOD.forEach(s -> seen.put(s, new LinkedHashSet<>()));
                Path target = Path.of("target");
                Files.createDirectories(target);
                boolean[] shot = {false};
                new WebDriverWait(driver, Duration.ofSeconds(90), Duration.ofMillis(50)).until(d -> {
                    boolean allDone = true;
                    for (String s : GOOD) {
                        WebElement t = tile(d, s);
                        String percent = t.findElement(By.cssSelector(".percent")).getText();
                        seen.get(s).add(percent);
                        allDone &= t.findElement(By.cssSelector(".result")).getText().startsWith("passed");
                    }
                    if (!shot[0] && seen.get("s1").size() >= 4) { // mid-run: the picture for the README
                        save(d, target.resolve("station-page-running.png"));
                        shot[0] = true;
                    }
                    return allDone;
                });

                for (String s : GOOD) {
                    List<Double> moving = new ArrayList<>();
                    for (String p : seen.get(s)) {
                        if (p.endsWith("%")) {
                            double v = Double.parseDouble(p.replace("%", "").trim());
                            if (v > 0 && v < 100) {
                                moving.add(v);
                            }
                        }
                    }
                    assertThat(moving).as("progress values %s showed on the way", s).hasSizeGreaterThanOrEqualTo(2);
                    assertThat(moving).as("%s progress only moves forward", s).isSorted();
                    WebElement t = tile(driver, s);
                    assertThat(t.getAttribute("class")).contains("state-passed");
                    assertThat(t.findElement(By.cssSelector(".percent")).getText()).isEqualTo("100.0 %");
                    assertThat(t.findElement(By.cssSelector(".error")).getText()).isEmpty();
                }

                WebElement bad = tile(driver, BAD);
                assertThat(bad.getAttribute("class")).contains("state-failed");
                assertThat(bad.findElement(By.cssSelector(".result")).getText()).startsWith("failed");
                assertThat(bad.findElement(By.cssSelector(".error")).getText()).contains("hardware version");
                WebElement failure = driver.findElement(By.cssSelector("#failures li[data-socket='" + BAD + "']"));
                assertThat(failure.findElement(By.cssSelector(".error")).getText()).contains("hardware version");
                assertThat(failure.findElement(By.cssSelector(".advice")).getText()).contains("hw_version");
                assertThat(failure.getText()).contains("RemoteErrorException");

                wait.until(d -> d.findElement(By.id("passed")).getText().equals("2")
                        && d.findElement(By.id("failed")).getText().equals("1")
                        && d.findElement(By.id("running")).getText().equals("0"));
                assertThat(driver.findElement(By.id("boards-per-hour")).getText()).matches("\\d+");
                save(driver, target.resolve("station-page.png"));
                assertThat(shot[0]).as("a screenshot was taken mid-run").isTrue();
            } finally {
                driver.quit();
            }
        }
    }

    private static WebElement tile(WebDriver d, String socket) {
        return d.findElement(By.cssSelector(".tile[data-socket='" + socket + "']"));
    }

    static void save(WebDriver d, Path file) throws java.io.UncheckedIOException {
        try {
            Files.write(file, ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static WebDriver browser(Path chromium, Path chromedriver, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--user-data-dir=" + profile.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
