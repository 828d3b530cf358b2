package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.metrics.MicrometerDfuMetrics;
import dev.reactivedfu.protocol.OpCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the engine reports to Micrometer over whole updates. */
class MetricsOfAnUpdateTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);
    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DfuClient client = DfuClient.create(new MicrometerDfuMetrics(registry));

    @Test
    void an_update_with_a_timeout_reports_the_retry_the_timeout_and_its_exact_byte_counts() {
        device.hook = (r, n) -> r.opCode() == OpCode.CREATE && n == 2 ? FakeDevice.Action.DROP_ANSWER
                : FakeDevice.Action.NORMAL;

        Runs.Result r = Runs.run(client.update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).build()), vts);

        UpdateSummary s = r.summary();
        assertThat(registry.get("dfu.updates").tags("device", "fake", "result", "success").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(s.durationMillis()).isEqualTo(2100);
        assertThat(registry.get("dfu.bytes.sent").counter().count()).isEqualTo(s.bytesSent());
        assertThat(registry.get("dfu.retries").tags("reason", "timeout").counter().count()).isEqualTo(1);
        assertThat(registry.get("dfu.timeouts").tags("opcode", "create").counter().count()).isEqualTo(1);
    }

    @Test
    void a_failed_update_is_tagged_with_its_failure_kind() {
        Runs.run(client.update(device.transport(), TestPackages.synthetic(4096, 1, 1234),
                DfuOptions.builder().scheduler(vts).build()), vts);

        assertThat(registry.get("dfu.updates").tags("result", "remote_error").timer().count()).isEqualTo(1);
    }

    @Test
    void a_cancelled_update_is_tagged_cancelled() {
        Runs.run(client.update(device.transport(), app24k, DfuOptions.builder().scheduler(vts).build()), vts,
                Duration.ofMillis(1), Duration.ofSeconds(1), e -> e instanceof DfuEvent.Progress);

        assertThat(registry.get("dfu.updates").tags("result", "cancelled").timer().count()).isEqualTo(1);
        assertThat(registry.get("dfu.bytes.sent").tags("result", "cancelled").counter().count())
                .isEqualTo(143 + 64);
    }
}
