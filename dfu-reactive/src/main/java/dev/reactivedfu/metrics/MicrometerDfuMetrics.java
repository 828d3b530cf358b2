package dev.reactivedfu.metrics;

import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.DfuMetrics;
import dev.reactivedfu.transfer.RetryReason;
import dev.reactivedfu.transfer.UpdateSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.Objects;

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
 * </table>
 *
 * <p>Per-update meters are recorded when the update ends, since only then its result is known; retries, CRC
 * mismatches and timeouts are counted as they happen. {@code result} is {@code success}, {@code cancelled} or the
 * failure's kind ({@code remote_error}, {@code retries_exhausted}, ...). Thread-safe.
 */
public final class MicrometerDfuMetrics implements DfuMetrics {

    private final MeterRegistry registry;

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
