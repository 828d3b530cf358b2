package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.error.DeviceClaimException;
import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.error.WrongBoardException;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.FakeDevice.Action;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the device claims is the device's fault, a wrong board is refused before anything of the package is sent,
 * and an update's time without progress has one bound: against the fake device, on virtual time.
 */
class TruthfulErrorsTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final FakeDevice device = new FakeDevice(vts);
    private final DfuPackage app24k = TestPackages.fixture("/fixtures/app_24k.zip");

    private DfuOptions.Builder options() {
        return DfuOptions.builder().scheduler(vts);
    }

    private Runs.Result update(DfuPackage pkg, DfuOptions options) {
        return Runs.run(DfuClient.create().update(device.transport(), pkg, options), vts);
    }

    @Test
    void a_command_object_maximum_below_the_init_packet_is_the_devices_claim_and_is_not_retried() {
        device.maxCommand = 16;

        Runs.Result r = update(app24k, options().build());

        assertThat(r.error()).isInstanceOfSatisfying(DeviceClaimException.class, e -> {
            assertThat(e.claim()).isEqualTo(DeviceClaimException.Claim.COMMAND_OBJECT_MAXIMUM);
            assertThat(e.claimed()).isEqualTo(16);
            assertThat(e.getMessage()).startsWith("device on fake claims its command object takes at most 16 bytes")
                    .contains("the init packet has 143 bytes");
            assertThat(e.advice()).startsWith("the package is fine");
        });
        assertThat(r.events(DfuEvent.ObjectRetried.class)).isEmpty();
        assertThat(device.received(OpCode.CREATE)).isEmpty();
        assertThat(device.received(OpCode.SELECT)).hasSize(1);
    }

    @Test
    void a_data_object_maximum_of_zero_is_the_devices_claim() {
        device.maxData = 0;

        Runs.Result r = update(app24k, options().build());

        assertThat(r.error()).isInstanceOfSatisfying(DeviceClaimException.class, e -> {
            assertThat(e.claim()).isEqualTo(DeviceClaimException.Claim.DATA_OBJECT_MAXIMUM);
            assertThat(e.getMessage()).contains("a data object maximum of 0 bytes");
        });
        assertThat(device.received(OpCode.CREATE)).isEmpty();
    }

    @Test
    void an_mtu_too_small_for_one_data_byte_is_the_devices_claim() {
        device.mtu = 3;

        Runs.Result r = update(app24k, options().build());

        assertThat(r.error()).isInstanceOfSatisfying(DeviceClaimException.class, e -> {
            assertThat(e.claim()).isEqualTo(DeviceClaimException.Claim.MTU);
            assertThat(e.getMessage()).contains("an MTU of 3 bytes");
        });
        assertThat(device.received(OpCode.SELECT)).isEmpty();
    }

    @Test
    void a_package_for_another_chip_family_is_refused_after_the_probe_before_anything_is_sent() {
        DfuPackage nrf53 = TestPackages.synthetic(8192, 1, 53);

        Runs.Result r = update(nrf53, options().build());

        assertThat(r.error()).isInstanceOfSatisfying(WrongBoardException.class, e -> {
            assertThat(e.mismatch()).isEqualTo(WrongBoardException.Mismatch.HARDWARE);
            assertThat(e.getMessage()).isEqualTo("wrong board on fake: the bootloader reports an nRF52840 (part "
                    + "0x52840, family 52), the package requires hw_version 53 (an nRF53 board) (nothing of the "
                    + "package was sent)");
        });
        assertThat(r.events(DfuEvent.DeviceInfo.class)).hasSize(1);
        assertThat(device.received(OpCode.SELECT)).isEmpty();
        assertThat(device.received(OpCode.CREATE)).isEmpty();
        assertThat(device.received(OpCode.WRITE)).isEmpty();
        // ping, MTU, protocol, hardware, three firmware versions: a few round trips, never a timeout
        assertThat(device.received).hasSize(7);
        assertThat(r.endMillis()).isLessThan(10);
    }

    @Test
    void a_package_for_another_part_number_is_refused() {
        Runs.Result r = update(TestPackages.synthetic(8192, 1, 52832), options().build());

        assertThat(r.error()).isInstanceOfSatisfying(WrongBoardException.class,
                e -> assertThat(e.getMessage()).contains("nRF52840").contains("hw_version 52832"));
    }

    @Test
    void a_board_specific_hw_version_is_left_to_the_bootloader() {
        Runs.Result r = update(TestPackages.synthetic(8192, 1, 1234), options().build());

        // the fake bootloader refuses it at the init packet's EXECUTE: the check could not tell
        assertThat(r.error()).isNotInstanceOf(WrongBoardException.class).isNotNull();
        assertThat(device.received(OpCode.CREATE)).hasSize(1);
    }

    @Test
    void a_board_without_a_softdevice_is_refused_for_a_package_that_requires_one() {
        device.softDevice = false;

        Runs.Result r = update(app24k, options().build());

        assertThat(r.error()).isInstanceOfSatisfying(WrongBoardException.class, e -> {
            assertThat(e.mismatch()).isEqualTo(WrongBoardException.Mismatch.SOFTDEVICE);
            assertThat(e.device()).isEqualTo("no SoftDevice installed");
            assertThat(e.required()).startsWith("sd_req 0x");
        });
        assertThat(device.received(OpCode.CREATE)).isEmpty();
    }

    @Test
    void a_bootloader_that_reports_no_versions_is_not_judged() {
        device.supportsInfo = false;

        Runs.Result r = update(TestPackages.synthetic(8192, 1, 52), options().build());

        assertThat(r.error()).isNull();
        assertThat(device.activated).hasSize(1);
    }

    @Test
    void a_device_that_recovers_after_its_inactivity_reset_and_sticks_again_cannot_multiply_the_wait() {
        // the decoder gets stuck at the second data object, every time the device comes back
        device.hook = (req, n) -> req instanceof dev.reactivedfu.protocol.DfuRequest.Create c
                && c.type() == ObjectType.DATA && device.dataOffset() == 4096 ? Action.STICK : Action.NORMAL;
        device.progressInFlash = true;

        Runs.Result r = update(app24k, options().build());

        assertThat(r.error()).isInstanceOfSatisfying(DeviceUnresponsiveException.class, e -> assertThat(e.getMessage())
                .contains("no second wait for the inactivity timer"));
        assertThat(r.events(DfuEvent.DeviceSilent.class)).hasSize(1);
        // one wait of the inactivity timer and no second one: not 2 x 125 s
        assertThat(r.endMillis()).isLessThanOrEqualTo(150_000 + 1_000);
        assertThat(r.endMillis()).isGreaterThan(125_000);
    }

    @Test
    void the_bound_on_time_without_progress_ends_an_update_whose_retries_would_go_on() {
        // every CRC request is answered after the timeout: retries never end in a verified object
        device.hook = (req, n) -> req.opCode() == OpCode.EXECUTE && n > 1 ? Action.DROP_ANSWER : Action.NORMAL;
        DfuOptions options = options().retriesPerObject(100).retriesPerImage(100).retriesPerDevice(1000)
                .withoutProgress(Duration.ofSeconds(30)).build();

        Runs.Result r = update(app24k, options);

        assertThat(r.error()).isInstanceOfSatisfying(DeviceUnresponsiveException.class,
                e -> assertThat(e.getMessage()).contains("30 s without verified progress"));
        assertThat(r.finalSummary()).isNotNull();
        assertThat(r.endMillis()).isBetween(30_000L, 31_000L);
    }
}
