package dev.reactivedfu.it;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.Slip;
import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.Runs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed problem: a host stopped mid-update (Ctrl-C, a killed process, a pulled cable), then a new update on the
 * same board. The new update must finish on its own, and when the board's progress is intact it must send again at
 * most one data object and the init packet.
 */
class ResumeAcrossUpdatesTest {

    private static final int INIT = 143;
    private static final int OBJECT = 4096;

    private final DfuPackage app200k = Sim.fixture(Fixtures.APP_200K);
    private final byte[] firmware = app200k.images().get(0).firmware();

    /** Stops an update after {@code events} events; returns the object bytes written until then. */
    private static long stopAfter(Sim sim, DfuPackage pkg, int events) {
        int[] seen = {0};
        Runs.Result r = sim.updateCancelledAt(pkg, sim.options().build(), e -> ++seen[0] >= events);
        assertThat(r.cancelled()).as("the first update was stopped").isTrue();
        return sim.writtenBytes.get();
    }

    private void assertActivated(Sim sim) {
        assertThat(sim.device.application()).hasValueSatisfying(a -> assertThat(a).isEqualTo(firmware));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void a_host_stopped_at_a_random_point_is_resumed_resending_at_most_one_object_and_the_init_packet(long seed) {
        Sim sim = new Sim(Sim.signed().build());
        int stopAt = 1 + new Random(seed).nextInt(3_500);
        long before = stopAfter(sim, app200k, stopAt);

        Runs.Result second = sim.update(app200k, sim.options().build());

        assertThat(second.error()).isNull();
        assertActivated(sim);
        assertThat(second.summary().bytesResent()).as("stopped after %d events", stopAt)
                .isLessThanOrEqualTo(OBJECT + INIT);
        assertThat(sim.writtenBytes.get()).as("bytes over the line in both updates")
                .isLessThanOrEqualTo(firmware.length + INIT + OBJECT + INIT);
        assertThat(before + second.summary().bytesSent()).isEqualTo(sim.writtenBytes.get());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void a_host_killed_in_the_middle_of_a_frame_leaves_a_partial_frame_that_the_next_update_steers_around(long seed) {
        Sim sim = new Sim(Sim.signed().build());
        Random rnd = new Random(seed);
        stopAfter(sim, app200k, 1 + rnd.nextInt(3_500));
        // the killed host's last WRITE got only part-way: no END, so the next host's first frame is appended to it
        byte[] frame = Slip.encode(DfuCodec.encodeRequest(new DfuRequest.Write(Arrays.copyOf(firmware, 64))));
        byte[] partial = Arrays.copyOf(frame, 1 + rnd.nextInt(frame.length - 2));
        sim.simulator.open().flatMap(c -> ((SimulatorTransport.SimulatorConnection) c).sendRaw(partial)
                .then(c.close())).block();

        Runs.Result second = sim.update(app200k, sim.options().build());

        assertThat(second.error()).isNull();
        assertActivated(sim);
        assertThat(second.summary().bytesResent()).isLessThanOrEqualTo(OBJECT + INIT);
    }

    @Test
    void a_board_power_cycled_after_the_host_stopped_starts_the_data_again_from_what_it_saved() {
        Sim sim = new Sim(Sim.signed().build());
        stopAfter(sim, app200k, 2_000);
        sim.device.reset();
        sim.idle(Duration.ofSeconds(1));

        Runs.Result second = sim.update(app200k, sim.options().build());

        assertThat(second.error()).isNull();
        assertActivated(sim);
        // progress in RAM only: the init packet survives, the data start again
        assertThat(second.summary().bytesSent()).isEqualTo(firmware.length);
    }

    @Test
    void progress_saved_in_flash_is_resumed_after_a_power_cycle() {
        Sim sim = new Sim(Sim.signed().progressInFlash(true).build());
        stopAfter(sim, app200k, 2_000);
        sim.device.reset();
        sim.idle(Duration.ofSeconds(1));

        Runs.Result second = sim.update(app200k, sim.options().build());

        assertThat(second.error()).isNull();
        assertActivated(sim);
        assertThat(second.summary().bytesResent()).isLessThanOrEqualTo(OBJECT);
        assertThat(second.summary().bytesSent()).isLessThan(firmware.length);
    }

    @ParameterizedTest(name = "stopped after {0} events")
    @ValueSource(ints = {700, 1_500, 2_600})
    void stale_progress_restored_after_a_power_cycle_is_detected_and_recovered_without_help(int events) {
        Sim sim = new Sim(Sim.signed().progressInFlash(true).fault(new Fault.StaleProgress()).build());
        stopAfter(sim, app200k, events);
        sim.device.reset();
        sim.idle(Duration.ofSeconds(1));

        Runs.Result second = sim.update(app200k, sim.options().build());

        assertThat(second.error()).isNull();
        assertActivated(sim);
    }

    @Test
    void a_mid_object_offset_saved_by_a_naive_host_re_executing_the_init_packet_is_verified_before_it_is_believed() {
        // the seed case: a naive host re-executes the init packet while the data are half-way through an object,
        // which saves that mid-object offset to flash; the board is then power-cycled
        Sim sim = new Sim(Sim.signed().progressInFlash(true).build());
        stopAfter(sim, app200k, 1_234);
        sim.simulator.open().flatMap(c -> c.send(new DfuRequest.Select(ObjectType.COMMAND))
                .then(c.send(new DfuRequest.Execute()))
                .then(reactor.core.publisher.Mono.delay(Duration.ofMillis(100), sim.vts))
                .then(c.close())).subscribe();
        sim.idle(Duration.ofSeconds(1));
        sim.device.reset();
        sim.idle(Duration.ofSeconds(1));

        Runs.Result second = sim.update(app200k, sim.options().build());

        assertThat(second.error()).isNull();
        assertActivated(sim);
        assertThat(second.events(DfuEvent.ObjectRetried.class)).allSatisfy(
                e -> assertThat(e.reconnect()).isFalse());
    }

    @Test
    void an_update_stopped_between_the_images_of_a_softdevice_bootloader_package_finishes_the_application() {
        DfuPackage pkg = Sim.fixture(Fixtures.SD_BL_APP_24K);
        Sim sim = new Sim(Sim.signed().profile(SimulatorConfig.Profile.USB_CDC).build());
        Runs.Result first = sim.updateCancelledAt(pkg, sim.options().build(),
                e -> e instanceof DfuEvent.ImageDone);
        assertThat(first.cancelled()).isTrue();
        sim.idle(Duration.ofSeconds(1));

        Runs.Result second = sim.update(pkg, sim.options().build());

        assertThat(second.error()).isNull();
        assertThat(sim.device.application()).hasValueSatisfying(
                a -> assertThat(a).isEqualTo(pkg.images().get(1).firmware()));
    }
}
