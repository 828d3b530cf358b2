package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credit accounting seen from the device: with answers that take 5 ms, the host runs ahead exactly as far as its
 * window allows, and never further.
 */
class FlowControlTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);
    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");

    @ParameterizedTest(name = "fixed PRN {0}, window {1}: at most {2} writes unacknowledged")
    @CsvSource({"3, 1, 3", "4, 2, 8", "1, 3, 3", "8, 4, 32", "64, 1, 64"})
    void never_more_than_window_times_prn_writes_are_unacknowledged(int prn, int window, int limit) {
        device.answerDelay = Duration.ofMillis(5);
        DfuOptions options = DfuOptions.builder().scheduler(vts).prn(prn).window(window).adaptive(false).build();

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), app24k, options), vts);

        assertThat(r.error()).isNull();
        assertThat(device.maxUnacknowledgedWrites).isEqualTo(limit);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
    }

    @Test
    void a_wider_window_finishes_sooner_when_answers_take_time() {
        device.answerDelay = Duration.ofMillis(5);
        Runs.Result narrow = Runs.run(DfuClient.create().update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).prn(4).window(1).adaptive(false).build()), vts);
        FakeDevice other = new FakeDevice(vts);
        other.answerDelay = Duration.ofMillis(5);
        Runs.Result wide = Runs.run(DfuClient.create().update(other.transport(), app24k,
                DfuOptions.builder().scheduler(vts).prn(4).window(4).adaptive(false).build()), vts);

        assertThat(wide.summary().duration()).isLessThan(narrow.summary().duration());
    }

    @Test
    void with_prn_0_the_device_is_never_asked_for_notifications_and_the_image_arrives_whole() {
        DfuOptions options = DfuOptions.builder().scheduler(vts).prn(0).build();

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), app24k, options), vts);

        assertThat(r.events(DfuEvent.CrcVerified.class)).extracting(DfuEvent.CrcVerified::offset)
                .containsExactly(143L, 4096L, 8192L, 12288L, 16384L, 20480L, 24576L);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
    }

    @Test
    void the_adaptive_window_doubles_per_clean_object_and_is_never_exceeded() {
        device.answerDelay = Duration.ofMillis(5);

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).build()), vts);

        assertThat(r.error()).isNull();
        // 3 writes in flight to start (the floor), doubled after each clean object; an object has 64 writes
        assertThat(device.unacknowledgedPerObject).containsExactly(3, 6, 12, 24, 48, 64);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
    }

    @Test
    void the_window_halves_on_a_lost_write() {
        device.answerDelay = Duration.ofMillis(5);
        // the 20th write of the fourth data object (window 24) is lost on the line
        int lost = 3 + 64 * 3 + 20;
        device.hook = (req, n) -> req.opCode() == dev.reactivedfu.protocol.OpCode.WRITE && n == lost
                ? FakeDevice.Action.DROP_REQUEST : FakeDevice.Action.NORMAL;

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).build()), vts);

        assertThat(r.error()).isNull();
        assertThat(r.events(DfuEvent.ObjectRetried.class)).hasSize(1);
        // objects 0..2 clean (3, 6, 12); object 3 (window 24) lost its 20th write and the writes after it were
        // appended in its place, so it is re-created at window 12; object 4 goes through at 12, object 5 at 12 + 16
        assertThat(device.unacknowledgedPerObject).containsExactly(3, 6, 12, 23, 12, 12, 28);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
    }

    @Test
    void a_second_update_on_the_same_port_starts_from_what_the_link_learned() {
        DfuClient client = DfuClient.create();
        device.answerDelay = Duration.ofMillis(5);
        Runs.run(client.update(device.transport(), app24k, DfuOptions.builder().scheduler(vts).build()), vts);
        device.unacknowledgedPerObject.clear();

        Runs.Result second = Runs.run(client.update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).build()), vts);

        assertThat(second.error()).isNull();
        assertThat(device.unacknowledgedPerObject).containsOnly(64);
    }
}
