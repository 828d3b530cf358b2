package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.RetriesExhaustedException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.FakeDevice.Action;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Line faults, resets and silent devices against the fake, on virtual time: what is retried, how (same connection
 * or new one), when (backoff timestamps), and that every wait ends.
 */
class FaultTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);
    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");
    private final byte[] firmware = app24k.images().get(0).firmware();

    private DfuOptions.Builder options() {
        return DfuOptions.builder().scheduler(vts);
    }

    private Runs.Result update(DfuOptions options) {
        return Runs.run(DfuClient.create().update(device.transport(), app24k, options), vts);
    }

    /** Virtual time at which the {@code n}-th (1-based) request with {@code op} arrived. */
    private long timeOf(OpCode op, int n) {
        int seen = 0;
        for (int i = 0; i < device.received.size(); i++) {
            if (device.received.get(i).opCode() == op && ++seen == n) {
                return device.receivedAt.get(i);
            }
        }
        throw new AssertionError("no " + op + " #" + n);
    }

    @Test
    void a_lost_create_answer_times_out_after_two_seconds_and_is_retried_on_the_same_connection() {
        device.hook = (r, n) -> r.opCode() == OpCode.CREATE && n == 2 ? Action.DROP_ANSWER : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isNull();
        Runs.Timed retried = r.timed().stream().filter(t -> t.event() instanceof DfuEvent.ObjectRetried)
                .findFirst().orElseThrow();
        assertThat(retried.millis()).isEqualTo(2000);
        assertThat(retried.event()).isInstanceOfSatisfying(DfuEvent.ObjectRetried.class, e -> {
            assertThat(e.reason()).isEqualTo(RetryReason.TIMEOUT);
            assertThat(e.reconnect()).isFalse();
            assertThat(e.type()).isEqualTo(ObjectType.DATA);
            assertThat(e.index()).isZero();
            assertThat(e.cause()).isInstanceOf(DfuTimeoutException.class);
        });
        // backoff 100 ms, then a ping re-synchronises before state is read again
        assertThat(timeOf(OpCode.PING, 2)).isEqualTo(2100);
        assertThat(device.opens).isEqualTo(1);
        assertThat(r.summary().retries()).isEqualTo(1);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void backoff_doubles_per_retry_of_an_object_and_a_new_connection_follows_when_the_object_budget_is_spent() {
        // EXECUTE #2 (data object 0) and the next three are never received; the sixth works
        device.hook = (r, n) -> r.opCode() == OpCode.EXECUTE && n >= 2 && n <= 5 ? Action.DROP_REQUEST
                : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isNull();
        assertThat(r.timed()).filteredOn(t -> t.event() instanceof DfuEvent.ObjectRetried)
                .extracting(Runs.Timed::millis)
                .containsExactly(10_000L, 20_100L, 30_300L, 40_700L);
        assertThat(r.events(DfuEvent.ObjectRetried.class)).extracting(DfuEvent.ObjectRetried::reconnect)
                .containsExactly(false, false, false, true);
        assertThat(r.events(DfuEvent.ObjectRetried.class)).extracting(DfuEvent.ObjectRetried::attempt)
                .containsExactly(1, 2, 3, 1);
        assertThat(timeOf(OpCode.EXECUTE, 3)).isEqualTo(10_100);
        assertThat(timeOf(OpCode.EXECUTE, 4)).isEqualTo(20_300);
        assertThat(timeOf(OpCode.EXECUTE, 5)).isEqualTo(30_700);
        assertThat(timeOf(OpCode.EXECUTE, 6)).isEqualTo(40_800);
        assertThat(device.opens).isEqualTo(2);
        assertThat(r.events(DfuEvent.Connected.class)).extracting(DfuEvent.Connected::attempt).containsExactly(1, 2);
        assertThat(r.summary().retries()).isEqualTo(4);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void backoff_never_exceeds_its_maximum() {
        DfuOptions options = options().backoff(Duration.ofMillis(100), Duration.ofMillis(250)).build();

        assertThat(IntStream.rangeClosed(1, 6).mapToObj(options.retries()::backoff).toList()).containsExactly(
                Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250), Duration.ofMillis(250),
                Duration.ofMillis(250), Duration.ofMillis(250));
    }

    @Test
    void a_device_that_never_answers_an_execute_ends_in_retries_exhausted_within_bounded_time() {
        device.hook = (r, n) -> r.opCode() == OpCode.EXECUTE && n >= 2 ? Action.DROP_ANSWER : Action.NORMAL;
        // the budgets end it here, before the bound on time without progress would
        DfuOptions options = options().retriesPerObject(1).retriesPerImage(2).withoutProgress(Duration.ofMinutes(5))
                .build();

        Runs.Result r = update(options);

        assertThat(r.error()).isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
            assertThat(e.attempts()).isEqualTo(3);
            assertThat(e.getCause()).isInstanceOfSatisfying(DfuTimeoutException.class,
                    t -> assertThat(t.opCode()).isEqualTo(OpCode.EXECUTE));
        });
        assertThat(r.events().get(r.events().size() - 1)).isInstanceOf(DfuEvent.Failed.class);
        // three connections with two EXECUTEs of ten seconds each, and the backoffs between them
        assertThat(r.endMillis()).isLessThan(70_000);
        assertThat(device.opens).isEqualTo(3);
        assertThat(r.finalSummary().retries()).isEqualTo(5);
    }

    @Test
    void the_device_budget_bounds_all_retries_of_an_update() {
        device.hook = (r, n) -> r.opCode() == OpCode.EXECUTE && n >= 2 ? Action.DROP_ANSWER : Action.NORMAL;
        DfuOptions options = options().retriesPerDevice(2).build();

        Runs.Result r = update(options);

        assertThat(r.error()).isInstanceOfSatisfying(RetriesExhaustedException.class,
                e -> assertThat(e.step()).contains("fake"));
        assertThat(r.finalSummary().retries()).isEqualTo(2);
    }

    @Test
    void a_garbled_answer_is_retried_on_the_same_connection() {
        // the init packet's EXECUTE is answered garbled (its end was verified by a notification: no CRC request)
        device.hook = (r, n) -> r.opCode() == OpCode.EXECUTE && n == 1 ? Action.GARBLE_ANSWER : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(device.received(OpCode.CRC_GET)).isEmpty();
        assertThat(r.events(DfuEvent.ObjectRetried.class)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(RetryReason.GARBLED);
            assertThat(e.type()).isEqualTo(ObjectType.COMMAND);
            assertThat(e.reconnect()).isFalse();
        });
        // the init packet was executed on the device: it is not sent again
        assertThat(r.summary().bytesSent()).isEqualTo(143 + 24_576);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void an_answer_only_a_garbled_request_can_earn_is_retried_as_a_line_fault() {
        device.hook = (r, n) -> r.opCode() == OpCode.CREATE && n == 3 ? Action.INVALID_PARAMETER : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.events(DfuEvent.ObjectRetried.class)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(RetryReason.GARBLED);
            assertThat(e.cause()).isInstanceOf(dev.reactivedfu.error.RemoteErrorException.class);
            assertThat(e.index()).isEqualTo(1);
        });
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_device_that_keeps_refusing_a_parameter_ends_in_retries_exhausted_carrying_its_answer() {
        device.hook = (r, n) -> r.opCode() == OpCode.CREATE && n >= 2 ? Action.INVALID_PARAMETER : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isInstanceOfSatisfying(RetriesExhaustedException.class, e -> assertThat(e.getCause())
                .isInstanceOfSatisfying(dev.reactivedfu.error.RemoteErrorException.class,
                        x -> assertThat(x.result()).isEqualTo(dev.reactivedfu.protocol.ResultCode.INVALID_PARAMETER)));
    }

    @Test
    void a_lost_write_shows_as_a_prn_mismatch_and_the_object_is_sent_again_from_its_start() {
        // WRITE #10 is the 7th write of data object 0 (the init packet takes 3); with window 2 the host is three
        // writes ahead, so the device's next notification comes one write late with the wrong CRC
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 10 ? Action.DROP_REQUEST : Action.NORMAL;

        Runs.Result r = update(options().window(2).adaptive(false).build());

        assertThat(r.events(DfuEvent.ObjectRetried.class)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(RetryReason.PRN_MISMATCH);
            assertThat(e.index()).isZero();
            assertThat(e.reconnect()).isFalse();
        });
        // the device's CRC no longer matches: object 0 is created again at its start
        assertThat(device.received(OpCode.CREATE)).filteredOn(c -> c.equals(new DfuRequest.Create(ObjectType.DATA,
                4096))).hasSize(7);
        assertThat(r.summary().bytesResent()).isPositive();
        assertThat(r.summary().bytesSent() - r.summary().bytesResent()).isEqualTo(143 + 24_576);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void with_window_1_a_lost_write_shows_as_a_missing_notification() {
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 10 ? Action.DROP_REQUEST : Action.NORMAL;

        Runs.Result r = update(options().adaptive(false).build());

        assertThat(r.events(DfuEvent.ObjectRetried.class)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(RetryReason.TIMEOUT);
            assertThat(e.cause()).isInstanceOfSatisfying(DfuTimeoutException.class,
                    t -> assertThat(t.opCode()).isEqualTo(OpCode.WRITE));
        });
        assertThat(r.timed()).filteredOn(t -> t.event() instanceof DfuEvent.ObjectRetried)
                .extracting(Runs.Timed::millis).containsExactly(1000L);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_loss_at_the_floor_goes_to_one_write_at_a_time_and_clean_objects_then_grow_it_back() {
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 10 ? Action.DROP_REQUEST : Action.NORMAL;

        update(options().build());

        // window 3 (PRN 1) at the start; the loss in object 0 at the floor drops it to 1 (PRN 1), clean objects
        // double it back to the floor (2, 3: PRN 1), then +16 writes per clean object: 19 (PRN 8), 35 (PRN 16)
        assertThat(device.received(OpCode.SET_PRN)).containsExactly(new DfuRequest.SetPrn(1),
                new DfuRequest.SetPrn(1), new DfuRequest.SetPrn(8), new DfuRequest.SetPrn(16));
    }

    @Test
    void without_adaptation_the_prn_stays_as_configured() {
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 10 ? Action.DROP_REQUEST : Action.NORMAL;

        update(options().adaptive(false).build());

        assertThat(device.received(OpCode.SET_PRN)).containsOnly(new DfuRequest.SetPrn(3));
    }

    @Test
    void a_device_reset_that_drops_the_port_reconnects_and_resumes_from_what_it_verifiably_holds() {
        device.progressInFlash = true;
        // the 100th write arrives during data object 1; the device resets instead
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 100 ? Action.RESET : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.events(DfuEvent.ObjectRetried.class)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(RetryReason.CONNECTION_LOST);
            assertThat(e.reconnect()).isTrue();
            assertThat(e.cause()).isInstanceOf(TransportClosedException.class);
        });
        assertThat(device.opens).isEqualTo(2);
        // object 0 was executed and saved; only the 33 writes of object 1 sent before the reset go again
        long written = device.received(OpCode.WRITE).stream().mapToLong(w -> ((DfuRequest.Write) w).length()).sum();
        assertThat(written).isEqualTo(143 + 24_576 + 33 * 64L);
        assertThat(r.summary().bytesResent()).isBetween(32 * 64L, 33 * 64L);
        assertThat(r.summary().bytesSent() - r.summary().bytesResent()).isEqualTo(143 + 24_576);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_device_reset_that_keeps_the_port_is_found_by_a_timeout_and_the_update_completes() {
        device.resetClosesPort = false;
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 100 ? Action.RESET : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isNull();
        assertThat(r.events(DfuEvent.ObjectRetried.class)).first()
                .satisfies(e -> assertThat(e.reconnect()).isFalse());
        assertThat(device.opens).isEqualTo(1);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_stuck_device_is_reset_through_the_control_lines_after_a_round_of_pings() {
        device.supportsPulseReset = true;
        device.hook = (r, n) -> r.opCode() == OpCode.PING && n == 1 ? Action.STICK : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isNull();
        assertThat(device.pulses).isEqualTo(1);
        // five pings: 250 ms timeouts with pauses of 50, 100, 200, 400 ms between them, then the reset
        assertThat(timeOf(OpCode.PING, 6)).isEqualTo(5 * 250 + 50 + 100 + 200 + 400);
        assertThat(r.events(DfuEvent.DeviceSilent.class)).singleElement()
                .satisfies(e -> assertThat(e.action()).isEqualTo("pulsed the reset lines"));
        List<Integer> ids = device.received(OpCode.PING).stream().map(p -> ((DfuRequest.Ping) p).id()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void without_reset_wiring_the_bootloaders_inactivity_timer_is_waited_out() {
        device.hook = (r, n) -> r.opCode() == OpCode.PING && n == 1 ? Action.STICK : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isNull();
        assertThat(timeOf(OpCode.PING, 6)).isEqualTo(2000 + 125_000);
        // the user is told before the long wait starts, not after
        assertThat(r.timed()).filteredOn(t -> t.event() instanceof DfuEvent.DeviceSilent).singleElement()
                .satisfies(t -> {
                    assertThat(t.millis()).isEqualTo(2000);
                    assertThat(((DfuEvent.DeviceSilent) t.event()).pause()).isEqualTo(Duration.ofSeconds(125));
                });
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_device_silent_through_every_step_is_reported_unresponsive_with_what_was_tried() {
        device.inactivityTimeout = Duration.ofDays(1);
        device.hook = (r, n) -> r.opCode() == OpCode.PING && n == 1 ? Action.STICK : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isInstanceOfSatisfying(DeviceUnresponsiveException.class, e -> {
            assertThat(e.getMessage()).contains("5 pings").contains("inactivity timer");
            assertThat(e.advice()).contains("DFU mode");
        });
        assertThat(r.endMillis()).isEqualTo(2000 + 125_000 + 2000);
        assertThat(device.received(OpCode.PING)).hasSize(10);
    }

    @Test
    void a_device_that_goes_silent_mid_image_is_reconnected_and_escalated() {
        device.supportsPulseReset = true;
        device.progressInFlash = true;
        device.hook = (r, n) -> r.opCode() == OpCode.WRITE && n == 100 ? Action.STICK : Action.NORMAL;

        Runs.Result r = update(options().build());

        assertThat(r.error()).isNull();
        assertThat(r.events(DfuEvent.ObjectRetried.class)).extracting(DfuEvent.ObjectRetried::reason)
                .containsExactly(RetryReason.TIMEOUT, RetryReason.DEVICE_SILENT);
        assertThat(device.pulses).isEqualTo(1);
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }

    @Test
    void a_device_that_does_not_come_back_after_the_final_execute_fails_after_the_reboot_timeout() {
        DfuPackage pkg = TestPackages.fixture("/fixtures/sd_bl_app_24k.zip");
        device.inactivityTimeout = Duration.ofDays(1);
        device.hook = (r, n) -> r.opCode() == OpCode.PING && device.activated.size() == 1 ? Action.STICK
                : Action.NORMAL;

        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), pkg, options().build()), vts);

        assertThat(r.error()).isInstanceOfSatisfying(DeviceUnresponsiveException.class,
                e -> assertThat(e.getMessage()).contains("final EXECUTE"));
        long secondImageStart = r.timed().stream().filter(t -> t.event() instanceof DfuEvent.ImageStarted)
                .skip(1).findFirst().orElseThrow().millis();
        assertThat(r.endMillis() - secondImageStart).isBetween(15_000L, 15_000L + 750);
        assertThat(device.activated).hasSize(1);
    }

    @Test
    void a_port_that_never_opens_fails_in_bounded_time_with_the_port_error() {
        DfuTransport hanging = new DfuTransport() {
            @Override
            public String name() {
                return "ttyGONE";
            }

            @Override
            public reactor.core.publisher.Mono<DfuConnection> open() {
                return reactor.core.publisher.Mono.never();
            }
        };

        Runs.Result r = Runs.run(DfuClient.create().update(hanging, app24k, options().build()), vts);

        assertThat(r.error()).isInstanceOf(TransportClosedException.class).hasMessageContaining("ttyGONE")
                .hasMessageContaining("opening took longer than 10000 ms");
        // one open timeout: a port that cannot be opened is reported, not retried
        assertThat(r.endMillis()).isEqualTo(10_000);
    }

    @Test
    void a_missing_port_fails_at_once_with_the_port_error_and_no_retries() {
        DfuTransport missing = new DfuTransport() {
            @Override
            public String name() {
                return "ttyMISSING";
            }

            @Override
            public reactor.core.publisher.Mono<DfuConnection> open() {
                return reactor.core.publisher.Mono.error(
                        new TransportClosedException("ttyMISSING", "did not appear within 5000 ms", null));
            }
        };

        Runs.Result r = Runs.run(DfuClient.create().update(missing, app24k, options().build()), vts);

        assertThat(r.error()).isInstanceOf(TransportClosedException.class).hasMessageContaining("ttyMISSING");
        assertThat(r.events()).noneMatch(e -> e instanceof DfuEvent.ObjectRetried);
        assertThat(r.endMillis()).isZero();
    }

    @Test
    void a_first_request_swallowed_by_a_stale_partial_frame_costs_one_ping() {
        device.hook = (r, n) -> r.opCode() == OpCode.PING && n == 1 ? Action.DROP_REQUEST : Action.NORMAL;

        Runs.Result r = update(options().build());

        List<Integer> ids = device.received(OpCode.PING).stream().map(p -> ((DfuRequest.Ping) p).id()).toList();
        assertThat(ids).hasSize(2);
        assertThat(ids.get(1)).isEqualTo((ids.get(0) + 1) & 0xFF);
        assertThat(timeOf(OpCode.PING, 2)).isEqualTo(250 + 50);
        assertThat(r.summary().retries()).isZero();
        assertThat(device.activated.get(0)).isEqualTo(firmware);
    }
}
