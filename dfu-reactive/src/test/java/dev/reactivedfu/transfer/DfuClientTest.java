package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

class DfuClientTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);

    private DfuOptions.Builder options() {
        return DfuOptions.builder().scheduler(vts);
    }

    @Test
    void a_fresh_device_receives_the_whole_image_and_activates_it() {
        DfuPackage pkg = TestPackages.fixture("/fixtures/app_24k.zip");

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), pkg, options().build()), vts);

        assertThat(r.error()).isNull();
        assertThat(device.activated).hasSize(1);
        assertThat(device.activated.get(0)).isEqualTo(pkg.images().get(0).firmware());
        UpdateSummary s = r.summary();
        assertThat(s.bytesSent()).isEqualTo(24576 + pkg.images().get(0).initPacketSize());
        assertThat(s.bytesResent()).isZero();
        assertThat(s.retries()).isZero();
    }
}
