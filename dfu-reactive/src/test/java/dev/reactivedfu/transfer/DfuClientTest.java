package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whole updates against the scripted fake device: what reaches the device, and what the events say. */
class DfuClientTest {

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
    void a_fresh_device_receives_the_whole_image_and_activates_it() {
        Runs.Result r = update(app24k, options().build());

        assertThat(r.error()).isNull();
        assertThat(device.activated).hasSize(1);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
        UpdateSummary s = r.summary();
        assertThat(s.bytesSent()).isEqualTo(24576 + 143);
        assertThat(s.bytesResent()).isZero();
        assertThat(s.retries()).isZero();
        assertThat(s.images()).isEqualTo(1);
        assertThat(s.objectsExecuted()).isEqualTo(1 + 6);
    }

    @Test
    void a_200_kib_image_of_50_objects_arrives_whole_over_a_device_that_answers_at_once() {
        DfuPackage app200k = TestPackages.fixture("/fixtures/app_200k.zip");

        Runs.Result r = update(app200k, options().build());

        assertThat(r.error()).isNull();
        assertThat(device.activated.get(0)).isEqualTo(app200k.images().get(0).firmware());
        assertThat(r.summary().objectsExecuted()).isEqualTo(51);
    }

    @Test
    void the_events_follow_the_update_step_by_step() {
        List<DfuEvent> events = update(app24k, options().build()).events();

        assertThat(events.get(0)).isEqualTo(new DfuEvent.ImageStarted(0, 1, ImageKind.APPLICATION, 143, 24576));
        assertThat(events.get(1)).isEqualTo(new DfuEvent.Connected("fake", 1, 131, 64, 3, 3));
        assertThat(events.get(2)).isInstanceOf(DfuEvent.DeviceInfo.class);
        assertThat(events.get(3)).isEqualTo(new DfuEvent.ObjectCreated(ImageKind.APPLICATION, ObjectType.COMMAND,
                0, 0, 143));
        assertThat(events).filteredOn(DfuEvent.ObjectCreated.class::isInstance).hasSize(7);
        assertThat(events).filteredOn(DfuEvent.ObjectExecuted.class::isInstance)
                .extracting(e -> ((DfuEvent.ObjectExecuted) e).offset())
                .containsExactly(143L, 4096L, 8192L, 12288L, 16384L, 20480L, 24576L);
        List<DfuEvent.Progress> progress = events.stream().filter(DfuEvent.Progress.class::isInstance)
                .map(DfuEvent.Progress.class::cast).toList();
        assertThat(progress).hasSize(24576 / 64);
        assertThat(progress.get(progress.size() - 1).percent()).isEqualTo(100.0);
        assertThat(events).filteredOn(DfuEvent.CrcVerified.class::isInstance)
                .extracting(e -> ((DfuEvent.CrcVerified) e).offset())
                .contains(192L, 4032L, 4096L, 4096L + 128L, 24576L);
        assertThat(events.get(events.size() - 2)).isInstanceOf(DfuEvent.ImageDone.class);
        assertThat(events.get(events.size() - 1)).isInstanceOf(DfuEvent.UpdateDone.class);
    }

    @Test
    void a_connection_starts_with_a_ping_and_mtu_and_each_object_sets_its_prn_before_it_is_created() {
        update(app24k, options().build());

        List<OpCode> first = device.received.stream().limit(11).map(DfuRequest::opCode).toList();
        assertThat(first).containsExactly(OpCode.PING, OpCode.MTU_GET, OpCode.PROTOCOL_VERSION,
                OpCode.HARDWARE_VERSION, OpCode.FIRMWARE_VERSION, OpCode.FIRMWARE_VERSION, OpCode.FIRMWARE_VERSION,
                OpCode.SELECT, OpCode.SELECT, OpCode.SET_PRN, OpCode.CREATE);
        assertThat(device.received.get(7)).isEqualTo(new DfuRequest.Select(ObjectType.COMMAND));
        assertThat(device.received.get(8)).isEqualTo(new DfuRequest.Select(ObjectType.DATA));
        // window 3 to start: PRN 1 (at most half the window, dividing the init packet's 3 writes)
        assertThat(device.received.get(9)).isEqualTo(new DfuRequest.SetPrn(1));
        assertThat(device.received.get(10)).isEqualTo(new DfuRequest.Create(ObjectType.COMMAND, 143));
    }

    @Test
    void no_write_is_ever_longer_than_the_mtu_allows() {
        DfuOptions options = options().chunkSize(1000).build();

        update(app24k, options);

        assertThat(device.received(OpCode.WRITE))
                .allSatisfy(w -> assertThat(((DfuRequest.Write) w).length()).isLessThanOrEqualTo(64));
        assertThat(device.activated).hasSize(1);
    }

    @Test
    void a_usb_cdc_mtu_gives_1024_byte_writes() {
        device.mtu = 2051;

        Runs.Result r = update(app24k, options().build());

        assertThat(device.received(OpCode.WRITE)).hasSize(1 + 24576 / 1024);
        assertThat(r.events(DfuEvent.Connected.class).get(0).writeSize()).isEqualTo(1024);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
    }

    @Test
    void a_smaller_chunk_size_is_honoured() {
        update(app24k, options().chunkSize(16).build());

        assertThat(device.received(OpCode.WRITE))
                .allSatisfy(w -> assertThat(((DfuRequest.Write) w).length()).isLessThanOrEqualTo(16))
                .hasSize((143 + 15) / 16 + 24576 / 16);
        assertThat(device.activated.get(0)).isEqualTo(app24k.images().get(0).firmware());
    }

    @Test
    void an_image_whose_last_object_is_short_is_sent_whole() {
        DfuPackage pkg = TestPackages.synthetic(10_000, 5);

        Runs.Result r = update(pkg, options().build());

        assertThat(device.activated.get(0)).isEqualTo(pkg.images().get(0).firmware());
        assertThat(device.received(OpCode.CREATE)).contains(new DfuRequest.Create(ObjectType.DATA, 10_000 - 8192));
        assertThat(r.summary().bytesSent()).isEqualTo(10_000 + pkg.images().get(0).initPacketSize());
    }

    @Test
    void device_info_reports_the_versions_the_device_answers() {
        DfuEvent.DeviceInfo info = update(app24k, options().build()).events(DfuEvent.DeviceInfo.class).get(0);

        assertThat(info.protocolVersion()).hasValue(1);
        assertThat(info.hardware()).hasValueSatisfying(h -> assertThat(h.part()).isEqualTo(0x52840));
        assertThat(info.firmware()).hasSize(2);
    }

    @Test
    void a_bootloader_without_version_requests_answers_not_supported_and_the_update_goes_on() {
        device.supportsInfo = false;

        Runs.Result r = update(app24k, options().build());

        DfuEvent.DeviceInfo info = r.events(DfuEvent.DeviceInfo.class).get(0);
        assertThat(info.protocolVersion()).isEmpty();
        assertThat(info.hardware()).isEmpty();
        assertThat(info.firmware()).isEmpty();
        assertThat(device.activated).hasSize(1);
    }

    @Test
    void the_device_is_probed_once_per_update_also_over_several_connections() {
        // the device resets before the 10th write and its port drops: the update goes on over a second connection
        device.resetClosesPort = true;
        device.hook = (req, n) -> req.opCode() == OpCode.WRITE && n == 10 ? FakeDevice.Action.RESET
                : FakeDevice.Action.NORMAL;

        Runs.Result r = update(app24k, options().build());

        assertThat(r.error()).isNull();
        assertThat(device.opens).isEqualTo(2);
        assertThat(r.events(DfuEvent.DeviceInfo.class)).hasSize(1);
        assertThat(device.received(OpCode.PROTOCOL_VERSION)).hasSize(1);
        assertThat(device.received(OpCode.HARDWARE_VERSION)).hasSize(1);
        assertThat(device.received(OpCode.FIRMWARE_VERSION)).hasSize(3);
    }

    @Test
    void probing_can_be_switched_off() {
        update(app24k, options().probeDeviceInfo(false).build());

        assertThat(device.received(OpCode.PROTOCOL_VERSION)).isEmpty();
        assertThat(device.received(OpCode.HARDWARE_VERSION)).isEmpty();
        assertThat(device.activated).hasSize(1);
    }

    @Test
    void a_softdevice_bootloader_and_application_package_activates_both_images_in_order() {
        DfuPackage pkg = TestPackages.fixture("/fixtures/sd_bl_app_24k.zip");

        Runs.Result r = update(pkg, options().build());

        assertThat(r.error()).isNull();
        assertThat(device.activated).hasSize(2);
        assertThat(device.activated.get(0)).isEqualTo(pkg.images().get(0).firmware());
        assertThat(device.activated.get(1)).isEqualTo(pkg.images().get(1).firmware());
        assertThat(r.events(DfuEvent.ImageStarted.class)).extracting(DfuEvent.ImageStarted::kind)
                .containsExactly(ImageKind.SOFTDEVICE_BOOTLOADER, ImageKind.APPLICATION);
        assertThat(r.events(DfuEvent.ImageDone.class)).hasSize(2);
        // the device reset after the first image: a new connection; the first image replaced the bootloader, so the
        // new one is probed once more, and only then
        assertThat(device.opens).isEqualTo(2);
        assertThat(r.events(DfuEvent.DeviceInfo.class)).hasSize(2);
        assertThat(device.received(OpCode.PROTOCOL_VERSION)).hasSize(2);
        assertThat(device.received(OpCode.HARDWARE_VERSION)).hasSize(2);
        assertThat(r.summary().images()).isEqualTo(2);
        assertThat(r.summary().bytesSent()).isEqualTo(178_688 + 24_576 + pkg.images().get(0).initPacketSize()
                + pkg.images().get(1).initPacketSize());
    }

    @Test
    void an_init_packet_the_device_refuses_fails_at_once_with_the_remote_error() {
        DfuPackage wrongBoard = TestPackages.synthetic(8192, 1, 1234);

        Runs.Result r = update(wrongBoard, options().build());

        assertThat(r.error()).isInstanceOfSatisfying(RemoteErrorException.class, e -> {
            assertThat(e.opCode()).isEqualTo(OpCode.EXECUTE);
            assertThat(e.extended()).contains(ExtendedError.HW_VERSION_FAILURE);
        });
        DfuEvent last = r.events().get(r.events().size() - 1);
        assertThat(last).isInstanceOfSatisfying(DfuEvent.Failed.class, f -> assertThat(f.cause()).isSameAs(r.error()));
        assertThat(r.events(DfuEvent.ObjectRetried.class)).isEmpty();
        assertThat(device.received(OpCode.CREATE)).hasSize(1);
    }

    @Test
    void cancelling_stops_between_frames_and_nothing_is_sent_afterwards() {
        Runs.Result r = Runs.run(DfuClient.create().update(device.transport(), app24k, options().build()), vts,
                Duration.ofMillis(1), Duration.ofSeconds(1),
                e -> e instanceof DfuEvent.Progress p && p.bytes() >= 5000);

        int sent = device.received.size();
        vts.advanceTimeBy(Duration.ofMinutes(5));

        assertThat(r.completed()).isFalse();
        assertThat(device.received).hasSize(sent);
        assertThat(device.received.get(sent - 1)).isInstanceOf(DfuRequest.Write.class);
        assertThat(device.dataOffset()).isEqualTo(5056);
        assertThat(device.activated).isEmpty();
    }

    @Test
    void an_update_is_cold_nothing_happens_before_subscription() {
        DfuClient.create().update(device.transport(), app24k, options().build());

        assertThat(device.opens).isZero();
    }

    @Test
    void the_blocking_facade_returns_the_summary() {
        UpdateSummary s = new BlockingDfuClient(DfuClient.create()).update(device.transport(), app24k,
                options().build());

        assertThat(s.bytesSent()).isEqualTo(24576 + 143);
        assertThat(device.activated).hasSize(1);
    }

    @Test
    void the_blocking_facade_throws_the_typed_failure() {
        BlockingDfuClient client = new BlockingDfuClient(DfuClient.create());
        DfuPackage wrongBoard = TestPackages.synthetic(8192, 1, 1234);

        assertThatThrownBy(() -> client.update(device.transport(), wrongBoard, options().build()))
                .isInstanceOf(RemoteErrorException.class);
    }
}
