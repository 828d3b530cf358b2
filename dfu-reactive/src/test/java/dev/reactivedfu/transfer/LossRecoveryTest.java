package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.FakeDevice.Action;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Losses cost what they must and no more, and a late answer is never taken for a lost one: against the fake device,
 * on virtual time.
 */
class LossRecoveryTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);
    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");
    private final byte[] firmware = app24k.images().get(0).firmware();

    private DfuOptions.Builder fixed() {
        // PRN 3, 3 writes in flight: notifications at every third write of an object
        return DfuOptions.builder().scheduler(vts).adaptive(false);
    }

    private Runs.Result update(DfuPackage pkg, DfuOptions options) {
        return Runs.run(DfuClient.create().update(device.transport(), pkg, options), vts);
    }

    private long dataCreates(int size) {
        return device.received(OpCode.CREATE).stream().filter(c -> c.equals(new DfuRequest.Create(ObjectType.DATA,
                size))).count();
    }

    @Test
    void a_loss_mid_object_continues_from_the_devices_verified_offset_without_recreating_the_object() {
        // write #9 is the 6th of data object 0: the device takes it, but its notification (offset 384) is lost
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 9 ? Action.DROP_ANSWER : Action.NORMAL;

        Runs.Result r = update(app24k, fixed().build());

        assertThat(r.error()).isNull();
        assertThat(r.events(DfuEvent.ObjectRetried.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(RetryReason.TIMEOUT));
        assertThat(r.events(DfuEvent.ObjectResumed.class)).extracting(DfuEvent.ObjectResumed::offset)
                .contains(384L);
        assertThat(dataCreates(4096)).as("one CREATE per object, none again").isEqualTo(6);
        assertThat(r.summary().bytesResent()).isZero();
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_corrupted_write_recreates_its_object() {
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 100 ? Action.CORRUPT : Action.NORMAL;

        Runs.Result r = update(app24k, fixed().build());

        assertThat(r.error()).isNull();
        assertThat(r.events(DfuEvent.ObjectRetried.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(RetryReason.PRN_MISMATCH));
        assertThat(dataCreates(4096)).as("object 1 created twice").isEqualTo(7);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void with_flow_control_holding_the_host_back_no_timeout_fires() {
        // the device holds the line for 3 s (three WRITE timeouts) before it takes write #20, and 5 s before the
        // data CREATE of object 3: queued bytes are not silence
        device.hold = (r, n) -> (r.opCode() == OpCode.WRITE && n == 20) || (r.opCode() == OpCode.CREATE && n == 4)
                ? Duration.ofSeconds(r.opCode() == OpCode.WRITE ? 3 : 5) : Duration.ZERO;

        Runs.Result r = update(app24k, DfuOptions.builder().scheduler(vts).build());

        assertThat(r.error()).isNull();
        assertThat(r.events(DfuEvent.ObjectRetried.class)).isEmpty();
        assertThat(r.endMillis()).isGreaterThanOrEqualTo(8_000);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_1_mib_image_on_a_line_that_costs_dozens_of_isolated_retries_completes() {
        DfuPackage mib = TestPackages.synthetic(1 << 20, 7);
        // every 500th write is lost: 32 losses, each retried, far more than the 20 retries in a row allowed
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n % 500 == 0 ? Action.DROP_REQUEST : Action.NORMAL;

        Runs.Result r = update(mib, DfuOptions.builder().scheduler(vts).build());

        assertThat(r.error()).isNull();
        assertThat(r.summary().retries()).isGreaterThan(DfuOptions.defaults().retries().perDevice());
        assertThat(device.activated.get(0)).isEqualTo(mib.images().get(0).firmware());
    }
}
