package dev.reactivedfu.cli;

import dev.reactivedfu.metrics.MicrometerDfuMetrics;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.web.PrometheusMeters;
import dev.reactivedfu.station.web.SimulatorMeters;
import dev.reactivedfu.station.web.StationFeed;
import dev.reactivedfu.station.web.StationInfo;
import dev.reactivedfu.station.web.StationWebServer;
import dev.reactivedfu.station.web.WebAddress;
import dev.reactivedfu.station.web.WebServerException;
import dev.reactivedfu.transfer.DfuClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The web server of the commands: {@code --metrics HOST:PORT} of {@code dfu flash} and {@code dfu simulate}, a
 * Prometheus endpoint ({@code /metrics}, {@code /healthz}) for the one board this process drives or simulates, and
 * {@code --http HOST:PORT} of {@code dfu station}, the station page with its events, records and metrics. Served while
 * the command runs; without the option nothing is served and nothing is measured.
 */
final class MetricsExport implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final StationWebServer server;
    private final WebAddress pending;
    private final CommandLine cl;

    private MetricsExport(PrometheusMeterRegistry registry, StationWebServer server) {
        this(registry, server, null, null);
    }

    private MetricsExport(PrometheusMeterRegistry registry, StationWebServer server, WebAddress pending,
                          CommandLine cl) {
        this.registry = registry;
        this.server = server;
        this.pending = pending;
        this.cl = cl;
    }

    /** Nothing served. */
    static MetricsExport none() {
        return new MetricsExport(null, null);
    }

    /**
     * For {@code dfu station --http}: sets a Prometheus registry on {@code station} (with {@code dfu_station_info}
     * for {@code packageZip}); {@link #serve(Station, PrintWriter)} then starts the server once the station is built.
     */
    static MetricsExport forStation(CommandLine cl, String address, byte[] packageZip, Station.Builder station) {
        if (address == null) {
            return none();
        }
        WebAddress where = parse(cl, "--http", address);
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(packageZip));
        station.meterRegistry(registry);
        return new MetricsExport(registry, null, where, cl);
    }

    /** Starts serving {@code station}'s page, events, records and metrics; returns what to close. */
    MetricsExport serve(Station station, PrintWriter err) {
        if (pending == null) {
            return this;
        }
        try {
            StationWebServer web = StationWebServer.start(pending,
                    StationFeed.of(station::jsonEvents, station::jsonSnapshot, station::boardsJson), registry);
            err.println("station page: " + web.url() + "/ (metrics: " + web.url() + "/metrics)");
            err.flush();
            return new MetricsExport(registry, web);
        } catch (WebServerException e) {
            throw new CommandLine.ParameterException(cl, "--http: " + e.getMessage());
        }
    }

    /** For {@code dfu flash}: the engine's meters, and {@code dfu_station_info} with the hash of {@code pkg}. */
    static MetricsExport forFlash(CommandLine cl, String address, Path pkg, PrintWriter err) {
        if (address == null) {
            return new MetricsExport(null, null);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pkg);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "cannot read " + pkg + ": " + e.getMessage());
        }
        return start(cl, address, PrometheusMeters.create(StationInfo.of(bytes)), err);
    }

    /** For {@code dfu simulate}: the simulated board's counters, tagged with the pty it is served on. */
    static MetricsExport forSimulator(CommandLine cl, String address, SimulatedDevice device, String port,
                                      PrintWriter err) {
        if (address == null) {
            return new MetricsExport(null, null);
        }
        PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.noPackage());
        SimulatorMeters.bind(registry, device, port);
        return start(cl, address, registry, err);
    }

    private static MetricsExport start(CommandLine cl, String address, PrometheusMeterRegistry registry,
                                       PrintWriter err) {
        WebAddress where = parse(cl, "--metrics", address);
        try {
            StationWebServer server = StationWebServer.start(where, StationFeed.none(), registry);
            err.println("metrics: " + server.url() + "/metrics");
            err.flush();
            return new MetricsExport(registry, server);
        } catch (WebServerException e) {
            throw new CommandLine.ParameterException(cl, "--metrics: " + e.getMessage());
        }
    }

    private static WebAddress parse(CommandLine cl, String option, String address) {
        try {
            return WebAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, option + " " + address + ": " + e.getMessage());
        }
    }

    /** The client to update with: recording on the exported registry, or no metrics without {@code --metrics}. */
    DfuClient client() {
        return registry == null ? DfuClient.create() : DfuClient.create(new MicrometerDfuMetrics(registry));
    }

    /** Keeps serving for {@code seconds} (so that a scrape sees the final counts); nothing without the option. */
    void linger(long seconds, PrintWriter err) {
        if (server == null || seconds <= 0) {
            return;
        }
        err.println("serving " + server.url() + "/metrics for " + seconds + " s more (Ctrl-C stops)");
        err.flush();
        try {
            Thread.sleep(Duration.ofSeconds(seconds).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
