package dev.reactivedfu.metrics;

import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.DfuMetrics;
import dev.reactivedfu.transfer.RetryReason;
import dev.reactivedfu.transfer.UpdateSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerDfuMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DfuMetrics metrics = new MicrometerDfuMetrics(registry);

    @Test
    void a_finished_update_records_its_count_duration_bytes_objects_and_throughput_tagged_by_device_and_result() {
        metrics.updateFinished("ttyUSB0", DfuMetrics.SUCCESS,
                new UpdateSummary("ttyUSB0", 1, 24_719, 4096, 2, 7, Duration.ofSeconds(4)));

        assertThat(registry.get("dfu.updates").tags("device", "ttyUSB0", "result", "success").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("dfu.updates").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4000);
        assertThat(registry.get("dfu.bytes.sent").tags("device", "ttyUSB0", "result", "success").counter().count())
                .isEqualTo(24_719);
        assertThat(registry.get("dfu.bytes.sent").counter().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(registry.get("dfu.bytes.resent").counter().count()).isEqualTo(4096);
        assertThat(registry.get("dfu.objects").counter().count()).isEqualTo(7);
        assertThat(registry.get("dfu.throughput").summary().max()).isEqualTo(24_719 / 4.0);
    }

    @Test
    void retries_are_counted_by_reason_and_crc_mismatches_and_timeouts_on_their_own() {
        metrics.retried("a", RetryReason.TIMEOUT);
        metrics.retried("a", RetryReason.TIMEOUT);
        metrics.retried("a", RetryReason.CRC_MISMATCH);
        metrics.crcMismatch("a");
        metrics.timeout("a", OpCode.CREATE);

        assertThat(registry.get("dfu.retries").tags("device", "a", "reason", "timeout").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("dfu.retries").tags("reason", "crc_mismatch").counter().count()).isEqualTo(1);
        assertThat(registry.get("dfu.crc.mismatches").tags("device", "a").counter().count()).isEqualTo(1);
        assertThat(registry.get("dfu.timeouts").tags("device", "a", "opcode", "create").counter().count())
                .isEqualTo(1);
    }

    @Test
    void the_no_op_metrics_accept_everything_and_record_nothing() {
        DfuMetrics noop = DfuMetrics.noop();
        noop.retried("a", RetryReason.TIMEOUT);
        noop.updateFinished("a", DfuMetrics.CANCELLED, new UpdateSummary("a", 0, 0, 0, 0, 0, Duration.ZERO));

        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void link_meters_are_kept_per_port_and_show_the_last_value() {
        metrics.linkWindow("a", 3);
        metrics.linkWindow("a", 6);
        metrics.linkWindow("b", 12);
        metrics.linkPrn("a", 2);
        metrics.throughput("a", 1500.5);
        metrics.lostWrites("b");
        metrics.roundTrip("a", Duration.ofMillis(7));
        metrics.roundTrip("a", Duration.ofMillis(3));
        System.gc();

        assertThat(registry.get("dfu.link.window").tags("device", "a").gauge().value()).isEqualTo(6.0);
        assertThat(registry.get("dfu.link.window").tags("device", "b").gauge().value()).isEqualTo(12.0);
        assertThat(registry.get("dfu.link.prn").tags("device", "a").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("dfu.link.prn").tags("device", "b").gauge().value()).isZero();
        assertThat(registry.get("dfu.link.throughput").tags("device", "a").gauge().value()).isEqualTo(1500.5);
        assertThat(registry.get("dfu.link.throughput").gauge().getId().getBaseUnit()).isEqualTo("bytes.per.second");
        assertThat(registry.get("dfu.link.lost.writes").tags("device", "b").counter().count()).isEqualTo(1);
        assertThat(registry.get("dfu.link.rtt").tags("device", "a").timer().count()).isEqualTo(2);
        assertThat(registry.get("dfu.link.rtt").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(7);
    }
}
