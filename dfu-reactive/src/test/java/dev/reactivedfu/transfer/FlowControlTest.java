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

    @ParameterizedTest(name = "PRN {0}, window {1}: at most {2} writes unacknowledged")
    @CsvSource({"3, 1, 3", "4, 2, 8", "1, 3, 3", "8, 4, 32", "64, 1, 64"})
    void never_more_than_window_times_prn_writes_are_unacknowledged(int prn, int window, int limit) {
        device.answerDelay = Duration.ofMillis(5);
        DfuOptions options = DfuOptions.builder().scheduler(vts).prn(prn).window(window).build();

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), app24k, options), vts);

        assertThat(r.error()).isNull();
        assertThat(device.maxUnacknowledgedWrites).isEqualTo(limit);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
    }

    @Test
    void a_wider_window_finishes_sooner_when_answers_take_time() {
        device.answerDelay = Duration.ofMillis(5);
        Runs.Result narrow = Runs.run(DfuClient.create().update(device.transport(), app24k,
                DfuOptions.builder().scheduler(vts).prn(4).window(1).build()), vts);
        FakeDevice other = new FakeDevice(vts);
        other.answerDelay = Duration.ofMillis(5);
        Runs.Result wide = Runs.run(DfuClient.create().update(other.transport(), app24k,
                DfuOptions.builder().scheduler(vts).prn(4).window(4).build()), vts);

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
}
