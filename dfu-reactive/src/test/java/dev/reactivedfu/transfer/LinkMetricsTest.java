package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.metrics.MicrometerDfuMetrics;
import dev.reactivedfu.protocol.OpCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the link tuning reports per port: window, PRN, round trips, lost writes, throughput, on virtual time. */
class LinkMetricsTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);
    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Integer> windows = new CopyOnWriteArrayList<>();
    private final List<Integer> prns = new CopyOnWriteArrayList<>();

    /** The Micrometer metrics, and the history of the window and PRN the gauges only show the last of. */
    private final DfuMetrics metrics = new DfuMetrics() {
        private final DfuMetrics micrometer = new MicrometerDfuMetrics(registry);

        @Override
        public void linkWindow(String port, int writes) {
            windows.add(writes);
            micrometer.linkWindow(port, writes);
        }

        @Override
        public void linkPrn(String port, int prn) {
            prns.add(prn);
            micrometer.linkPrn(port, prn);
        }

        @Override
        public void roundTrip(String port, Duration roundTrip) {
            micrometer.roundTrip(port, roundTrip);
        }

        @Override
        public void lostWrites(String port) {
            micrometer.lostWrites(port);
        }

        @Override
        public void throughput(String port, double bytesPerSecond) {
            micrometer.throughput(port, bytesPerSecond);
        }

        @Override
        public void updateFinished(String port, String result, UpdateSummary summary) {
            micrometer.updateFinished(port, result, summary);
        }
    };

    @Test
    void a_lossy_line_records_the_lost_write_and_the_window_halving_per_port() {
        device.answerDelay = Duration.ofMillis(5);
        // the 20th write of the fourth data object (window 24) is lost on the line
        int lost = 3 + 64 * 3 + 20;
        device.hook = (req, n) -> req.opCode() == OpCode.WRITE && n == lost
                ? FakeDevice.Action.DROP_REQUEST : FakeDevice.Action.NORMAL;

        Runs.Result r = Runs.run(DfuClient.create(metrics).update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).build()), vts);

        assertThat(r.error()).isNull();
        // the floor, doubled per clean object, halved by the loss (the slow-start threshold is then 12), then
        // additive increase by a quarter of the 64-write object per clean object
        assertThat(windows).containsExactly(3, 6, 12, 24, 12, 28, 44);
        assertThat(registry.get("dfu.link.window").tags("device", "fake").gauge().value()).isEqualTo(44.0);
        assertThat(registry.get("dfu.link.lost.writes").tags("device", "fake").counter().count()).isEqualTo(1);
        // the configured PRN 3 at the start; then per object the largest divisor of its writes at most half the
        // window: the init packet at window 3 takes 1, data objects at windows 6, 12, 24 take 2, 4, 8, the re-sent
        // object at 12 takes 4 again, and at 28 it is 8
        assertThat(prns).containsExactly(3, 1, 2, 4, 8, 4, 8);
        assertThat(registry.get("dfu.link.prn").tags("device", "fake").gauge().value()).isEqualTo(8.0);
        // every answer takes the device 5 ms: so does each PING and CRC GET round trip
        assertThat(registry.get("dfu.link.rtt").tags("device", "fake").timer().count()).isPositive();
        assertThat(registry.get("dfu.link.rtt").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(5);
        // the gauge holds the rate of the finished update: bytes sent over its duration
        double rate = r.summary().bytesSent() * 1000.0 / r.summary().durationMillis();
        assertThat(registry.get("dfu.link.throughput").tags("device", "fake").gauge().value())
                .isPositive().isCloseTo(rate, org.assertj.core.data.Percentage.withPercentage(10));
    }

    @Test
    void a_clean_line_records_no_lost_write_and_the_window_growing_to_the_object() {
        device.answerDelay = Duration.ofMillis(5);

        Runs.Result r = Runs.run(DfuClient.create(metrics).update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).build()), vts);

        assertThat(r.error()).isNull();
        assertThat(windows).startsWith(3, 6, 12, 24, 48);
        assertThat(registry.find("dfu.link.lost.writes").counter()).isNull();
        // round trips of the pings and CRC GETs, and of each PRN notification: every one the device's 5 ms
        long requests = device.received(OpCode.PING).size() + device.received(OpCode.CRC_GET).size();
        io.micrometer.core.instrument.Timer rtt = registry.get("dfu.link.rtt").tags("device", "fake").timer();
        assertThat(rtt.count()).isGreaterThan(requests);
        assertThat(rtt.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(rtt.count() * 5.0);
    }

    @Test
    void the_noop_metrics_still_take_every_report() {
        DfuMetrics noop = DfuMetrics.noop();
        noop.linkWindow("a", 3);
        noop.linkPrn("a", 1);
        noop.roundTrip("a", Duration.ofMillis(1));
        noop.lostWrites("a");
        noop.throughput("a", 1.0);

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).build()), vts);
        assertThat(r.error()).isNull();
    }
}
