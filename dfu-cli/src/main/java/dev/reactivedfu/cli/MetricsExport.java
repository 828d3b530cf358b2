package dev.reactivedfu.cli;

import dev.reactivedfu.metrics.MicrometerDfuMetrics;
import dev.reactivedfu.simulator.SimulatedDevice;
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
 * {@code --metrics HOST:PORT} of {@code dfu flash} and {@code dfu simulate}: a Prometheus endpoint
 * ({@code /metrics}, {@code /healthz}) for the one board this process drives or simulates, served while it runs.
 * Without the option it does nothing and the update records no metrics.
 */
final class MetricsExport implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final StationWebServer server;

    private MetricsExport(PrometheusMeterRegistry registry, StationWebServer server) {
        this.registry = registry;
        this.server = server;
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
        WebAddress where;
        try {
            where = WebAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--metrics " + address + ": " + e.getMessage());
        }
        try {
            StationWebServer server = StationWebServer.start(where, StationFeed.none(), registry);
            err.println("metrics: " + server.url() + "/metrics");
            err.flush();
            return new MetricsExport(registry, server);
        } catch (WebServerException e) {
            throw new CommandLine.ParameterException(cl, "--metrics: " + e.getMessage());
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
