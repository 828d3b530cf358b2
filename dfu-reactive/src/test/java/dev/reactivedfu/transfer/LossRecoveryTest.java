package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.RetriesExhaustedException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.FakeDevice.Action;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;

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
        // on the wire, from the write whose notification was lost to the continuation: ping, SELECT, SET PRN and the
        // next write at the verified offset, no CREATE
        List<DfuRequest> between = between(nthWrite(9), nthWrite(10));
        assertThat(between).extracting(DfuRequest::opCode).doesNotContain(OpCode.CREATE)
                .contains(OpCode.PING, OpCode.SELECT);
        assertThat(device.received.get(nthWrite(10))).isEqualTo(new DfuRequest.Write(
                java.util.Arrays.copyOfRange(firmware, 384, 448)));
    }

    /** Index in {@code device.received} of the {@code n}-th (1-based) WRITE. */
    private int nthWrite(int n) {
        int seen = 0;
        for (int i = 0; i < device.received.size(); i++) {
            if (device.received.get(i).opCode() == OpCode.WRITE && ++seen == n) {
                return i;
            }
        }
        throw new AssertionError("no WRITE #" + n);
    }

    private List<DfuRequest> between(int from, int to) {
        return device.received.subList(from + 1, to);
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
        // on the wire: the object is created again before the next write, and that write is its first bytes
        List<DfuRequest> between = between(nthWrite(100), nthWrite(101));
        assertThat(between).contains(new DfuRequest.Create(ObjectType.DATA, 4096));
        assertThat(device.received.get(nthWrite(101))).isInstanceOfSatisfying(DfuRequest.Write.class,
                w -> assertThat(w.data()).isEqualTo(java.util.Arrays.copyOfRange(firmware, 4096, 4096 + w.length())));
    }

    @Test
    void a_mismatch_is_retried_without_backoff_the_device_answered_so_there_is_nothing_to_wait_for() {
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 100 ? Action.CORRUPT : Action.NORMAL;

        Runs.Result r = update(app24k, fixed().build());

        assertThat(r.error()).isNull();
        Runs.Timed retried = r.timed().stream().filter(t -> t.event() instanceof DfuEvent.ObjectRetried)
                .findFirst().orElseThrow();
        int ping = nthWrite(100) + 1;
        while (device.received.get(ping).opCode() != OpCode.PING) {
            ping++;
        }
        assertThat(device.receivedAt.get(ping)).as("the re-synchronising ping, no backoff before it")
                .isEqualTo(retried.millis() + RetryBudgets.MISMATCH_PAUSE.toMillis());
    }

    @Test
    void once_a_write_arrived_changed_writes_are_one_byte_shorter_so_a_changed_end_cannot_jam_the_device() {
        // write #100 arrives with a byte changed and as many bytes as were sent: the line changes bytes, and a
        // changed END would join two 64-byte writes into 131 decoded bytes, all of Nordic's SLIP buffer
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 100 ? Action.CORRUPT : Action.NORMAL;

        Runs.Result r = update(app24k, fixed().build());

        assertThat(r.error()).isNull();
        List<DfuRequest> writes = device.received(OpCode.WRITE);
        assertThat(writes.subList(3, 100)).extracting(w -> ((DfuRequest.Write) w).length())
                .as("data writes before the change").containsOnly(64);
        assertThat(writes.subList(100, writes.size())).extracting(w -> ((DfuRequest.Write) w).length())
                .as("data writes after it").allMatch(n -> n <= 63).contains(63);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_device_that_lost_its_progress_in_a_reset_late_in_a_long_image_is_brought_back_on_a_lossy_line() {
        DfuPackage mib = TestPackages.synthetic(1 << 20, 7);
        // every 300th write is lost, and the device resets at write #12000 (object 187 of 256), its progress in RAM:
        // it falls back to zero, and the 60 isolated losses on the way back to where it was are each retried; the
        // objects it verifies again are progress, so the 20 retries in a row allowed are never spent
        device.resetClosesPort = false;
        device.hook = (r, n) -> r.opCode() != OpCode.WRITE ? Action.NORMAL
                : n == 12_000 ? Action.RESET : n % 300 == 0 ? Action.DROP_REQUEST : Action.NORMAL;

        Runs.Result r = update(mib, DfuOptions.builder().scheduler(vts).build());

        assertThat(r.error()).isNull();
        assertThat(device.resets).isPositive();
        assertThat(dataCreates(4096)).as("objects before the reset created again").isGreaterThan(256 + 150);
        assertThat(device.activated.get(0)).isEqualTo(mib.images().get(0).firmware());
    }

    @Test
    void a_line_that_fails_every_attempt_ends_with_retries_exhausted_after_the_configured_attempts_in_a_row() {
        // every write arrives changed: no attempt verifies anything
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE ? Action.CORRUPT : Action.NORMAL;

        Runs.Result r = update(app24k, DfuOptions.builder().scheduler(vts).retriesPerDevice(7)
                .withoutProgress(Duration.ofHours(1)).build());

        assertThat(r.error()).isInstanceOfSatisfying(RetriesExhaustedException.class,
                e -> assertThat(e.getCause()).isInstanceOf(CrcMismatchException.class));
        assertThat(r.events(DfuEvent.ObjectRetried.class)).hasSize(7);
        assertThat(device.activated).isEmpty();
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
