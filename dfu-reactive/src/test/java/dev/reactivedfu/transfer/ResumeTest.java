package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every branch of DESIGN.md "Resume or restart", end to end: a first update is stopped at a chosen point (or the
 * device's progress is made stale), a second update must finish the job sending only what is missing.
 */
class ResumeTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);
    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");
    private final byte[] firmware = app24k.images().get(0).firmware();

    private DfuOptions.Builder options() {
        return DfuOptions.builder().scheduler(vts);
    }

    private Runs.Result cancelledAt(DfuPackage pkg, DfuOptions options, Predicate<DfuEvent> when) {
        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), pkg, options), vts,
                Duration.ofMillis(1), Duration.ofMinutes(1), when);
        assertThat(r.completed()).as("first update was stopped").isFalse();
        return r;
    }

    /** Runs a second update and returns it with only the requests it sent. */
    private Second second(DfuPackage pkg, DfuOptions options) {
        int before = device.received.size();
        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), pkg, options), vts);
        assertThat(r.error()).as("second update").isNull();
        return new Second(r, List.copyOf(device.received.subList(before, device.received.size())));
    }

    private record Second(Runs.Result result, List<DfuRequest> sent) {
        List<DfuRequest> sent(OpCode op) {
            return sent.stream().filter(r -> r.opCode() == op).toList();
        }

        long writtenBytes() {
            return sent(OpCode.WRITE).stream().mapToLong(w -> ((DfuRequest.Write) w).length()).sum();
        }
    }

    private static Predicate<DfuEvent> progressAtLeast(long bytes) {
        return e -> e instanceof DfuEvent.Progress p && p.bytes() >= bytes;
    }

    @Test
    void a_data_object_stopped_in_the_middle_is_completed_from_the_verified_offset() {
        cancelledAt(app24k, options().build(), progressAtLeast(10_000));
        long held = device.dataOffset();

        Second s = second(app24k, options().build());

        assertThat(held).isEqualTo(10_048);
        assertThat(s.result().events(DfuEvent.ObjectResumed.class)).extracting(DfuEvent.ObjectResumed::type,
                        DfuEvent.ObjectResumed::index, DfuEvent.ObjectResumed::offset)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ObjectType.COMMAND, 0, 143L),
                        org.assertj.core.groups.Tuple.tuple(ObjectType.DATA, 2, 10_048L));
        assertThat(s.sent(OpCode.CREATE)).doesNotContain(new DfuRequest.Create(ObjectType.COMMAND, 143));
        // the init packet was executed before and the data has progress: not executed again
        assertThat(s.sent().indexOf(s.sent(OpCode.EXECUTE).get(0)))
                .isGreaterThan(s.sent().indexOf(s.sent(OpCode.WRITE).get(0)));
        // SET PRN restarts the device's PRN counter, unknown mid-object, right before the rest goes
        int firstWrite = s.sent().indexOf(s.sent(OpCode.WRITE).get(0));
        assertThat(s.sent().get(firstWrite - 1)).isInstanceOf(DfuRequest.SetPrn.class);
        assertThat(s.writtenBytes()).isEqualTo(24_576 - held);
        assertThat(s.result().summary().bytesSent()).isEqualTo(24_576 - held);
        assertThat(s.result().summary().bytesResent()).isZero();
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void the_rest_of_a_resumed_object_is_paced_by_prn_credits_too() {
        device.answerDelay = java.time.Duration.ofMillis(5);
        DfuOptions fixed = options().adaptive(false).build();
        cancelledAt(app24k, fixed, progressAtLeast(10_000));
        device.maxUnacknowledgedWrites = 0;

        Second s = second(app24k, fixed);

        assertThat(s.sent()).doesNotContain(new DfuRequest.SetPrn(0));
        assertThat(device.maxUnacknowledgedWrites).isEqualTo(3);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_data_object_complete_but_not_executed_is_executed_without_sending_it_again() {
        cancelledAt(app24k, options().build(), e -> e instanceof DfuEvent.CrcVerified c
                && c.type() == ObjectType.DATA && c.offset() == 8192);

        Second s = second(app24k, options().build());

        assertThat(s.result().events(DfuEvent.ObjectResumed.class)).last()
                .satisfies(e -> assertThat(e.offset()).isEqualTo(8192));
        assertThat(s.sent().subList(0, 12)).contains(new DfuRequest.Execute());
        assertThat(s.writtenBytes()).isEqualTo(24_576 - 8192);
        assertThat(s.result().summary().bytesResent()).isZero();
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void an_object_already_executed_answers_not_permitted_and_the_next_object_follows() {
        cancelledAt(app24k, options().build(), e -> e instanceof DfuEvent.ObjectExecuted x
                && x.type() == ObjectType.DATA && x.index() == 1);

        Second s = second(app24k, options().build());

        // EXECUTE at the boundary answers 0x08, SELECT verifies the object is there, object 2 follows
        assertThat(s.sent()).containsSubsequence(new DfuRequest.Select(ObjectType.DATA), new DfuRequest.Execute(),
                new DfuRequest.Select(ObjectType.DATA), new DfuRequest.Create(ObjectType.DATA, 4096));
        assertThat(s.result().events(DfuEvent.ObjectRetried.class)).isEmpty();
        assertThat(s.writtenBytes()).isEqualTo(24_576 - 8192);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_partial_init_packet_is_completed_not_created_again() {
        DfuOptions small = options().chunkSize(32).adaptive(false).build();
        cancelledAt(app24k, small, e -> e instanceof DfuEvent.CrcVerified c && c.type() == ObjectType.COMMAND);

        Second s = second(app24k, small);

        assertThat(s.result().events(DfuEvent.ObjectResumed.class).get(0))
                .satisfies(e -> assertThat(e.offset()).isEqualTo(96));
        assertThat(s.sent(OpCode.CREATE)).doesNotContain(new DfuRequest.Create(ObjectType.COMMAND, 143));
        assertThat(s.writtenBytes()).isEqualTo(143 - 96 + 24_576);
        assertThat(s.result().summary().bytesResent()).isZero();
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_complete_init_packet_not_yet_executed_is_executed_without_sending_it_again() {
        cancelledAt(app24k, options().build(), e -> e instanceof DfuEvent.CrcVerified c
                && c.type() == ObjectType.COMMAND && c.offset() == 143);

        Second s = second(app24k, options().build());

        assertThat(s.sent()).containsSubsequence(new DfuRequest.Select(ObjectType.COMMAND),
                new DfuRequest.Select(ObjectType.DATA), new DfuRequest.Execute(), new DfuRequest.Select(ObjectType.DATA),
                new DfuRequest.Create(ObjectType.DATA, 4096));
        assertThat(s.writtenBytes()).isEqualTo(24_576);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_different_init_packet_on_the_device_is_replaced() {
        DfuPackage other = TestPackages.synthetic(24_576, 99);
        cancelledAt(other, options().build(), progressAtLeast(6000));

        Second s = second(app24k, options().build());

        assertThat(s.sent(OpCode.CREATE).get(0)).isEqualTo(new DfuRequest.Create(ObjectType.COMMAND, 143));
        assertThat(s.writtenBytes()).isEqualTo(143 + 24_576);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void stale_data_that_does_not_verify_is_recreated_from_the_objects_start() {
        // the device holds objects 0 and 1 executed, and object 2 half written with other bytes
        byte[] other = firmware.clone();
        for (int i = 8192; i < 12_288; i++) {
            other[i] ^= 0x55;
        }
        cancelledAt(TestPackages.withFirmware(app24k, other), options().build(), progressAtLeast(10_000));

        Second s = second(app24k, options().build());

        // CREATE rewinds the device to the end of object 1, SELECT confirms it, object 2 is sent whole
        assertThat(s.sent()).containsSubsequence(new DfuRequest.Select(ObjectType.DATA),
                new DfuRequest.Create(ObjectType.DATA, 4096), new DfuRequest.Select(ObjectType.DATA));
        assertThat(s.sent(OpCode.CREATE)).doesNotContain(new DfuRequest.Create(ObjectType.COMMAND, 143));
        assertThat(s.writtenBytes()).isEqualTo(24_576 - 8192);
        assertThat(s.result().summary().bytesResent()).isZero();
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void stale_data_that_still_disagrees_after_recreating_restarts_the_image() {
        // objects 0 and 1 were executed with other bytes: after re-creating object 2 the device is still wrong
        byte[] other = firmware.clone();
        other[100] ^= 0x01;
        cancelledAt(TestPackages.withFirmware(app24k, other), options().build(), progressAtLeast(10_000));

        Second s = second(app24k, options().build());

        assertThat(s.result().events(DfuEvent.ObjectRetried.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(RetryReason.STALE_PROGRESS));
        assertThat(s.sent(OpCode.CREATE)).contains(new DfuRequest.Create(ObjectType.COMMAND, 143));
        assertThat(s.writtenBytes()).isEqualTo(143 + 24_576);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void an_offset_beyond_the_image_restarts_it() {
        cancelledAt(app24k, options().build(), e -> e instanceof DfuEvent.ObjectExecuted x
                && x.type() == ObjectType.COMMAND);
        device.restoreStaleProgress(30_000, 0x12345678L);

        Second s = second(app24k, options().build());

        assertThat(s.result().events(DfuEvent.ObjectRetried.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(RetryReason.STALE_PROGRESS));
        assertThat(s.sent(OpCode.CREATE).get(0)).isEqualTo(new DfuRequest.Create(ObjectType.COMMAND, 143));
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void the_restart_policy_sends_everything_and_counts_what_the_device_held_as_resent() {
        cancelledAt(app24k, options().build(), progressAtLeast(10_000));
        long held = device.dataOffset();

        Second s = second(app24k, options().policy(ResumePolicy.RESTART).build());

        assertThat(s.sent(OpCode.CREATE).get(0)).isEqualTo(new DfuRequest.Create(ObjectType.COMMAND, 143));
        assertThat(s.writtenBytes()).isEqualTo(143 + 24_576);
        assertThat(s.result().summary().bytesSent()).isEqualTo(143 + 24_576);
        assertThat(s.result().summary().bytesResent()).isEqualTo(143 + held);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_device_that_saves_progress_in_flash_resumes_at_the_last_executed_object_after_a_reset() {
        device.progressInFlash = true;
        cancelledAt(app24k, options().build(), progressAtLeast(10_000));
        device.reset();

        Second s = second(app24k, options().build());

        assertThat(s.writtenBytes()).isEqualTo(24_576 - 8192);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_device_that_keeps_progress_in_ram_only_starts_the_data_again_after_a_reset() {
        cancelledAt(app24k, options().build(), progressAtLeast(10_000));
        device.reset();

        Second s = second(app24k, options().build());

        // the init packet is always saved; the data progress fell back to zero
        assertThat(s.sent(OpCode.CREATE)).doesNotContain(new DfuRequest.Create(ObjectType.COMMAND, 143));
        assertThat(s.writtenBytes()).isEqualTo(24_576);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_mid_object_offset_saved_by_re_executing_the_init_packet_is_believed_only_after_its_crc_verifies() {
        // the seed case: the init packet is executed again while data are half-way through an object, which saves
        // that mid-object offset to flash; after a reset the device reports it
        device.progressInFlash = true;
        cancelledAt(app24k, options().build(), progressAtLeast(10_000));
        device.restoreStaleProgress(10_048, 0xDEADBEEFL);

        Second s = second(app24k, options().build());

        assertThat(s.sent()).containsSubsequence(new DfuRequest.Create(ObjectType.DATA, 4096),
                new DfuRequest.Select(ObjectType.DATA));
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }
}
