package dev.reactivedfu.station.web;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Arrays;

/**
 * A Prometheus registry for the engine's and the station's meters, configured so that the names and units are the
 * ones Prometheus users expect (base units, {@code _total} counters, {@code _seconds}) and the labels stay bounded.
 * The engine's {@code MicrometerDfuMetrics} is left as it is; this class renames and configures its meters on the
 * way into the registry:
 *
 * <table>
 *   <caption>what Prometheus sees</caption>
 *   <tr><th>series</th><th>from</th><th>labels</th></tr>
 *   <tr><td>{@code dfu_updates_total}</td><td>the count of {@code dfu.updates}</td><td>port, result</td></tr>
 *   <tr><td>{@code dfu_update_duration_seconds_bucket}, {@code _count}, {@code _sum}, {@code _max}</td>
 *       <td>the timer {@code dfu.updates}, with buckets {@link #DURATION_BUCKETS} (1–120 s)</td><td>port, result</td></tr>
 *   <tr><td>{@code dfu_sent_bytes_total}, {@code dfu_resent_bytes_total}</td>
 *       <td>{@code dfu.bytes.sent}, {@code dfu.bytes.resent}</td><td>port, result</td></tr>
 *   <tr><td>{@code dfu_objects_total}</td><td>{@code dfu.objects}</td><td>port, result</td></tr>
 *   <tr><td>{@code dfu_throughput_bytes_per_second_count}, {@code _sum}, {@code _max}</td><td>{@code dfu.throughput}</td>
 *       <td>port, result</td></tr>
 *   <tr><td>{@code dfu_retries_total}</td><td>{@code dfu.retries}</td><td>port, reason</td></tr>
 *   <tr><td>{@code dfu_crc_mismatches_total}</td><td>{@code dfu.crc.mismatches}</td><td>port</td></tr>
 *   <tr><td>{@code dfu_timeouts_total}</td><td>{@code dfu.timeouts}</td><td>port, opcode</td></tr>
 *   <tr><td>{@code dfu_link_window}, {@code dfu_link_prn}</td><td>the engine's link gauges {@code dfu.link.window}
 *       (writes in flight allowed now) and {@code dfu.link.prn} (the PRN interval now)</td><td>port</td></tr>
 *   <tr><td>{@code dfu_link_rtt_seconds_count}, {@code _sum}, {@code _max}</td>
 *       <td>{@code dfu.link.rtt}: round trips of CRC GET, PING and PRN notifications</td><td>port</td></tr>
 *   <tr><td>{@code dfu_link_lost_writes_total}</td><td>{@code dfu.link.lost.writes}: losses the window reacted to</td>
 *       <td>port</td></tr>
 *   <tr><td>{@code dfu_link_throughput_bytes_per_second}</td>
 *       <td>{@code dfu.link.throughput}: the rate of the current or last update</td><td>port</td></tr>
 *   <tr><td>{@code dfu_station_active}</td><td>the station's gauge {@code dfu.station.active}</td><td></td></tr>
 *   <tr><td>{@code dfu_station_boards_total}</td><td>the station's counter {@code dfu.station.boards}</td>
 *       <td>socket, result</td></tr>
 *   <tr><td>{@code dfu_station_info}</td><td>{@link StationInfo}, always 1</td><td>version, package_hash</td></tr>
 * </table>
 *
 * <p>The engine tags its meters {@code device} with the transport's name, which is the serial port: here that label
 * is called {@code port}. No label ever carries a board serial or a time; a registry that sees more than
 * {@value #MAX_PORTS} distinct ports drops the extra series instead of growing without bound.
 */
public final class PrometheusMeters {

    /** Bucket bounds of the update duration histogram: a board takes from about a second to two minutes. */
    public static final Duration[] DURATION_BUCKETS = {
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(45),
            Duration.ofSeconds(60), Duration.ofSeconds(90), Duration.ofSeconds(120)};

    /** Most distinct ports (and sockets) a registry keeps series for. */
    public static final int MAX_PORTS = 1024;

    private static final String ENGINE_TIMER = "dfu.updates";
    private static final String DURATION = "dfu.update.duration";

    private PrometheusMeters() {
    }

    /** A new registry configured as described, already holding {@code dfu_station_info} for {@code info}. */
    public static PrometheusMeterRegistry create(StationInfo info) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        configure(registry);
        Gauge.builder("dfu.station.info", () -> 1)
                .description("reactive-dfu version and the SHA-256 of the DFU package this station sends")
                .tag("version", info.version())
                .tag("package_hash", info.packageHash())
                .register(registry);
        return registry;
    }

    /** Adds this class's filters and the {@code dfu_updates_total} counters to {@code registry}; call before use. */
    static void configure(MeterRegistry registry) {
        registry.config()
                .meterFilter(MeterFilter.renameTag("dfu", "device", "port"))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        if (id.getName().equals(ENGINE_TIMER) && id.getType() == Meter.Type.TIMER) {
                            return id.withName(DURATION);
                        }
                        if (id.getName().equals("dfu.bytes.sent")) {
                            return id.withName("dfu.sent");
                        }
                        if (id.getName().equals("dfu.bytes.resent")) {
                            return id.withName("dfu.resent");
                        }
                        return id;
                    }

                    @Override
                    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                        if (!id.getName().equals(DURATION)) {
                            return config;
                        }
                        return DistributionStatisticConfig.builder()
                                .percentilesHistogram(false)
                                .serviceLevelObjectives(Arrays.stream(DURATION_BUCKETS)
                                        .mapToDouble(d -> (double) d.toNanos()).toArray())
                                .build()
                                .merge(config);
                    }
                })
                .meterFilter(MeterFilter.maximumAllowableTags("dfu", "port", MAX_PORTS, MeterFilter.deny()))
                .meterFilter(MeterFilter.maximumAllowableTags("dfu", "socket", MAX_PORTS, MeterFilter.deny()))
                .onMeterAdded(meter -> {
                    // every duration series gets its plain counter: dfu_updates_total{port,result}
                    if (meter instanceof Timer timer && meter.getId().getName().equals(DURATION)) {
                        FunctionCounter.builder(ENGINE_TIMER, timer, Timer::count)
                                .description("DFU updates that ended, by result")
                                .tags(meter.getId().getTags())
                                .register(registry);
                    }
                });
    }
}
