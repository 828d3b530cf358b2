package dev.reactivedfu.metrics;

import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.DfuMetrics;
import dev.reactivedfu.transfer.RetryReason;
import dev.reactivedfu.transfer.UpdateSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link DfuMetrics} on a Micrometer {@link MeterRegistry}. Names follow Micrometer's dot convention and become, in
 * Prometheus, the names in parentheses:
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>meter</th><th>type, unit</th><th>tags</th></tr>
 *   <tr><td>{@code dfu.updates} ({@code dfu_updates_seconds_count}, {@code _sum}, {@code _max})</td>
 *       <td>timer: updates and their duration</td><td>device, result</td></tr>
 *   <tr><td>{@code dfu.bytes.sent} ({@code dfu_bytes_sent_bytes_total})</td><td>counter, bytes</td>
 *       <td>device, result</td></tr>
 *   <tr><td>{@code dfu.bytes.resent} ({@code dfu_bytes_resent_bytes_total})</td>
 *       <td>counter, bytes: sent again after a resume or retry</td><td>device, result</td></tr>
 *   <tr><td>{@code dfu.objects} ({@code dfu_objects_total})</td><td>counter: objects executed</td>
 *       <td>device, result</td></tr>
 *   <tr><td>{@code dfu.throughput} ({@code dfu_throughput_bytes_per_second})</td>
 *       <td>distribution summary: bytes sent per second, one sample per update</td><td>device, result</td></tr>
 *   <tr><td>{@code dfu.retries} ({@code dfu_retries_total})</td><td>counter</td><td>device, reason</td></tr>
 *   <tr><td>{@code dfu.crc.mismatches} ({@code dfu_crc_mismatches_total})</td><td>counter</td><td>device</td></tr>
 *   <tr><td>{@code dfu.timeouts} ({@code dfu_timeouts_total})</td><td>counter</td><td>device, opcode</td></tr>
 *   <tr><td>{@code dfu.link.window} ({@code dfu_link_window})</td>
 *       <td>gauge, writes: the credit window now</td><td>device</td></tr>
 *   <tr><td>{@code dfu.link.prn} ({@code dfu_link_prn})</td><td>gauge: the PRN interval now (0: off)</td>
 *       <td>device</td></tr>
 *   <tr><td>{@code dfu.link.rtt} ({@code dfu_link_rtt_seconds_count}, {@code _sum}, {@code _max})</td>
 *       <td>timer: round trips of CRC GET, PING and PRN notifications</td><td>device</td></tr>
 *   <tr><td>{@code dfu.link.lost.writes} ({@code dfu_link_lost_writes_total})</td>
 *       <td>counter: losses the link tuning reacted to</td><td>device</td></tr>
 *   <tr><td>{@code dfu.link.throughput} ({@code dfu_link_throughput_bytes_per_second})</td>
 *       <td>gauge, bytes per second of the current or last update</td><td>device</td></tr>
 * </table>
 *
 * <p>Per-update meters are recorded when the update ends, since only then its result is known; retries, CRC
 * mismatches and timeouts are counted as they happen. {@code result} is {@code success}, {@code cancelled} or the
 * failure's kind ({@code remote_error}, {@code retries_exhausted}, ...). The link meters are per port only; their
 * gauges read a state object per port that this instance holds strongly (Micrometer's gauges hold weak references),
 * so a port's gauges keep its last values for as long as this instance lives. Thread-safe.
 */
public final class MicrometerDfuMetrics implements DfuMetrics {

    private final MeterRegistry registry;
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    /** The link gauges' values of one port. */
    private static final class Link {
        final AtomicInteger window = new AtomicInteger();
        final AtomicInteger prn = new AtomicInteger();
        final AtomicLong throughputBits = new AtomicLong(Double.doubleToLongBits(0));

        double throughput() {
            return Double.longBitsToDouble(throughputBits.get());
        }
    }

    /** Metrics recorded in {@code registry}. */
    public MicrometerDfuMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void retried(String device, RetryReason reason) {
        Counter.builder("dfu.retries")
                .description("Steps of DFU updates tried again")
                .tag("device", device)
                .tag("reason", reason.tag())
                .register(registry)
                .increment();
    }

    @Override
    public void crcMismatch(String device) {
        Counter.builder("dfu.crc.mismatches")
                .description("CRCs reported by devices that did not match the local image")
                .tag("device", device)
                .register(registry)
                .increment();
    }

    @Override
    public void timeout(String device, OpCode opCode) {
        Counter.builder("dfu.timeouts")
                .description("Requests not answered in time")
                .tag("device", device)
                .tag("opcode", opCode.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    @Override
    public void linkWindow(String device, int writes) {
        link(device).window.set(writes);
    }

    @Override
    public void linkPrn(String device, int prn) {
        link(device).prn.set(prn);
    }

    @Override
    public void roundTrip(String device, Duration roundTrip) {
        Timer.builder("dfu.link.rtt")
                .description("Round trips of CRC GET, PING and PRN notifications, from the bytes leaving the port to the answer")
                .tag("device", device)
                .register(registry)
                .record(roundTrip);
    }

    @Override
    public void lostWrites(String device) {
        Counter.builder("dfu.link.lost.writes")
                .description("Losses of writes the link tuning reacted to")
                .tag("device", device)
                .register(registry)
                .increment();
    }

    @Override
    public void throughput(String device, double bytesPerSecond) {
        link(device).throughputBits.set(Double.doubleToLongBits(bytesPerSecond));
    }

    private Link link(String device) {
        return links.computeIfAbsent(device, d -> {
            Link l = new Link();
            Gauge.builder("dfu.link.window", l, x -> x.window.get())
                    .description("Writes that may be unacknowledged at once on this port now")
                    .tag("device", d)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("dfu.link.prn", l, x -> x.prn.get())
                    .description("The PRN interval this port uses now (0: no notifications)")
                    .tag("device", d)
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("dfu.link.throughput", l, Link::throughput)
                    .description("Bytes per second of the current or last update on this port")
                    .baseUnit("bytes.per.second")
                    .tag("device", d)
                    .strongReference(true)
                    .register(registry);
            return l;
        });
    }

    @Override
    public void updateFinished(String device, String result, UpdateSummary summary) {
        Timer.builder("dfu.updates")
                .description("DFU updates and their duration")
                .tag("device", device)
                .tag("result", result)
                .register(registry)
                .record(summary.duration());
        Counter.builder("dfu.bytes.sent")
                .description("Object bytes sent in WRITE requests")
                .baseUnit("bytes")
                .tag("device", device)
                .tag("result", result)
                .register(registry)
                .increment(summary.bytesSent());
        Counter.builder("dfu.bytes.resent")
                .description("Object bytes sent again to a range the device already held")
                .baseUnit("bytes")
                .tag("device", device)
                .tag("result", result)
                .register(registry)
                .increment(summary.bytesResent());
        Counter.builder("dfu.objects")
                .description("Objects executed")
                .tag("device", device)
                .tag("result", result)
                .register(registry)
                .increment(summary.objectsExecuted());
        DistributionSummary.builder("dfu.throughput")
                .description("Bytes sent per second over an update")
                .baseUnit("bytes.per.second")
                .tag("device", device)
                .tag("result", result)
                .register(registry)
                .record(summary.throughput());
    }
}
