package dev.reactivedfu.it;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.RetriesExhaustedException;
import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.RetryReason;
import dev.reactivedfu.transfer.Runs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Each fault the simulator models: the update completes on its own, or fails with the right typed error. */
class SimulatorFaultsTest {

    private final DfuPackage app24k = Sim.fixture(Fixtures.APP_24K);
    private final byte[] firmware = app24k.images().get(0).firmware();

    private void assertActivated(Sim sim, Runs.Result r) {
        assertThat(r.error()).as("error").isNull();
        assertThat(sim.device.application()).hasValueSatisfying(a -> assertThat(a).isEqualTo(firmware));
        assertThat(r.summary().bytesSent() - r.summary().bytesResent())
                .as("every byte of the package new exactly once").isEqualTo(24_576 + 143);
    }

    @Test
    void a_reset_mid_image_on_uart_is_found_by_silence_and_resumed() {
        Sim sim = new Sim(Sim.signed().fault(new Fault.ResetAtOffset(10_000)).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
        assertThat(r.events(DfuEvent.ObjectRetried.class)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.reconnect()).isFalse());
    }

    @Test
    void a_reset_mid_image_on_usb_cdc_drops_the_port_and_the_engine_reconnects() {
        Sim sim = new Sim(Sim.signed().profile(SimulatorConfig.Profile.USB_CDC)
                .fault(new Fault.ResetAtOffset(10_240)).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
        assertThat(r.events(DfuEvent.ObjectRetried.class)).first().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(RetryReason.CONNECTION_LOST);
            assertThat(e.reconnect()).isTrue();
        });
    }

    @Test
    void a_reset_with_progress_in_flash_resumes_at_the_last_executed_object() {
        Sim sim = new Sim(Sim.signed().progressInFlash(true).profile(SimulatorConfig.Profile.USB_CDC)
                .fault(new Fault.ResetAtOffset(10_240)).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
        // objects 0 and 1 were executed and saved: at most the part of object 2 sent before the reset goes again
        assertThat(r.summary().bytesResent()).isLessThanOrEqualTo(4096);
    }

    @Test
    void stale_progress_restored_after_a_reset_is_detected_and_recovered_without_help() {
        Sim sim = new Sim(Sim.signed().progressInFlash(true).fault(new Fault.StaleProgress())
                .fault(new Fault.ResetAtOffset(14_000)).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
    }

    @Test
    void a_stall_that_swallows_writes_is_retried_until_the_device_answers_again() {
        Sim sim = new Sim(Sim.signed().fault(new Fault.Stall(Duration.ofSeconds(2), 4096)).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
        assertThat(r.summary().retries()).isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void bytes_now_and_then_lost_on_the_line_are_retried_and_the_update_completes(long seed) {
        Sim sim = new Sim(Sim.signed().fault(new Fault.DropBytes(0.00005)).seed(seed).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void bytes_now_and_then_corrupted_on_the_line_are_retried_and_the_update_completes(long seed) {
        Sim sim = new Sim(Sim.signed().fault(new Fault.CorruptBytes(0.00005)).seed(seed).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
    }

    @Test
    void a_line_that_loses_a_byte_in_every_object_ends_in_retries_exhausted_with_advice() {
        Sim sim = new Sim(Sim.signed().fault(new Fault.DropBytes(0.002)).seed(1).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertThat(r.error()).isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
            assertThat(e.getCause()).isInstanceOf(DfuException.class);
            // a line fault, retried until the budget ran out (not a verdict of the device)
            assertThat(e.getCause()).isInstanceOfAny(dev.reactivedfu.error.CrcMismatchException.class,
                    dev.reactivedfu.error.DfuTimeoutException.class, dev.reactivedfu.error.ProtocolViolationException.class);
            assertThat(e.advice()).isNotBlank();
        });
        // budgets count retries in a row without progress: 20 at least, more where an object got through
        assertThat(r.finalSummary().retries()).isGreaterThanOrEqualTo(20);
        assertThat(sim.device.application()).isEmpty();
    }

    @Test
    void a_timed_uart_without_flow_control_at_115200_baud_loses_nothing_with_the_default_window() {
        Sim sim = new Sim(Sim.signed().baud(115_200).flashTiming(SimulatorConfig.FlashTiming.NRF52840).build());

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
        assertThat(r.summary().retries()).isZero();
        assertThat(sim.device.counters().rxOverflows()).isZero();
        // 24 KiB + init packet on the wire at 115200 baud, 7 page erases: a few seconds
        assertThat(r.summary().duration()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
    }

    @Test
    void a_fast_line_that_overflows_the_rx_buffers_narrows_the_window_and_completes() {
        // with model time, 3 buffers never overflow at 1 Mbaud (a write's 656 us of flash < its 660 us of wire);
        // one buffer does, whenever an answer's 56 us come on top of a write's flash time (issue 9)
        Sim sim = new Sim(Sim.signed().baud(1_000_000).rxBuffers(1).flashTiming(SimulatorConfig.FlashTiming.NRF52840)
                .build());

        Runs.Result r = sim.update(app24k, sim.options().prn(16).window(4).build());

        assertActivated(sim, r);
        assertThat(sim.device.counters().rxOverflows()).isPositive();
    }

    @Test
    void with_rts_cts_flow_control_a_wider_window_loses_nothing_and_finishes_sooner() {
        SimulatorConfig timed = Sim.signed().baud(1_000_000).flashTiming(SimulatorConfig.FlashTiming.NRF52840)
                .flowControl(true).build();
        Sim narrow = new Sim(timed);
        Sim wide = new Sim(timed);

        // the old defaults, fixed: 3 writes in flight
        Runs.Result defaults = narrow.update(app24k, narrow.options().adaptive(false).build());
        Runs.Result wider = wide.update(app24k, wide.options().prn(8).window(4).build());

        assertActivated(narrow, defaults);
        assertActivated(wide, wider);
        assertThat(wider.summary().retries()).isZero();
        assertThat(wide.device.counters().rxOverflows()).isZero();
        assertThat(wider.summary().duration()).isLessThan(defaults.summary().duration());
    }

    @Test
    void a_device_that_stops_listening_after_a_frame_longer_than_its_mtu_is_waited_out() {
        Sim sim = new Sim(Sim.signed().build());
        // a foreign host left the decoder full: nothing is answered until the inactivity timer resets the board
        sim.simulator.open().flatMap(c -> ((dev.reactivedfu.simulator.SimulatorTransport.SimulatorConnection) c)
                .sendRaw(new byte[200]).then(c.close())).block();

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
        assertThat(r.endMillis()).isGreaterThan(120_000);
    }

    @Test
    void a_jammed_device_without_an_inactivity_timer_is_reported_unresponsive() {
        Sim sim = new Sim(Sim.signed().inactivityTimeout(Duration.ZERO).build());
        sim.simulator.open().flatMap(c -> ((dev.reactivedfu.simulator.SimulatorTransport.SimulatorConnection) c)
                .sendRaw(new byte[200]).then(c.close())).block();

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertThat(r.error()).isInstanceOf(DeviceUnresponsiveException.class);
        assertThat(r.endMillis()).isLessThan(135_000);
    }

    @Test
    void a_jammed_device_with_reset_wiring_is_reset_through_the_control_lines() {
        Sim sim = new Sim(Sim.signed().inactivityTimeout(Duration.ZERO).build(), true);
        sim.simulator.open().flatMap(c -> ((dev.reactivedfu.simulator.SimulatorTransport.SimulatorConnection) c)
                .sendRaw(new byte[200]).then(c.close())).block();

        Runs.Result r = sim.update(app24k, sim.options().build());

        assertActivated(sim, r);
        assertThat(r.endMillis()).isLessThan(10_000);
    }
}
