package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.ImageCrc;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/** Nordic's SLIP input hazards (DESIGN.md, "The SLIP decoder has hazards a master must steer around"). */
class SlipHazardTest {

    private final Bench bench = new Bench();

    @Test
    void an_empty_frame_replays_the_previous_request() {
        assertThat(bench.one("09 01")).isEqualTo("60090101");
        assertThat(bench.raw("C0")).containsExactly("60090101");          // a lone END: PING 01 again
        assertThat(bench.device.counters().framesReceived()).isEqualTo(2);
    }

    @Test
    void an_empty_frame_after_a_write_does_not_append_the_data_again() {
        byte[] app = InitPackets.app24k();
        assertThat(bench.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        byte[] chunk = Arrays.copyOf(app, 64);
        bench.writeAll(chunk);
        assertThat(bench.raw("C0")).isEmpty();                             // the WRITE is not appended again
        // Nordic SDK 17.1: offset 0x40, not 0x80 (issue 9, item 5)
        assertThat(bench.one("03")).isEqualTo("600301" + "40000000" + u32(ImageCrc.upTo(app, 64)));
    }

    @Test
    void an_empty_frame_on_a_device_that_received_nothing_does_nothing() {
        assertThat(bench.raw("C0 C0")).isEmpty();
        assertThat(bench.device.counters().framesReceived()).isZero();
    }

    @Test
    void a_partial_frame_left_by_a_killed_host_is_prepended_to_the_next_frame() {
        assertThat(bench.raw("09")).isEmpty();                             // host killed after one byte of a PING
        assertThat(bench.send("09 07")).containsExactly("60090109");       // seen as 09 09 07: PING id 0x09
        assertThat(bench.one("09 08")).isEqualTo("60090108");              // the next ping is answered with its id
    }

    @Test
    void stray_bytes_without_an_end_merge_into_the_next_request() {
        assertThat(bench.raw("FF")).isEmpty();
        assertThat(bench.send("09 05")).containsExactly("60FF02");         // FF 09 05: unknown opcode 0xFF
    }

    @Test
    void a_bad_escape_drops_the_frame_silently() {
        assertThat(bench.raw("09 DB 01 C0")).isEmpty();
        assertThat(bench.device.counters().badEscapes()).isEqualTo(1);
        assertThat(bench.one("09 02")).isEqualTo("60090102");
    }

    @Test
    void a_frame_just_under_the_mtu_is_processed() {
        assertThat(bench.one("02 0100")).isEqualTo("600201");              // PRN 1 to see the write's result
        assertThat(bench.send("08" + Bench.hex(new byte[129]))).containsExactly("600305"); // 130 bytes: processed
        assertThat(bench.device.jammed()).isFalse();
    }

    @Test
    void a_frame_as_long_as_the_mtu_jams_the_decoder_until_reset() {
        assertThat(bench.send("08" + Bench.hex(new byte[130]))).isEmpty(); // 131 decoded bytes: the END is refused
        assertThat(bench.device.jammed()).isTrue();
        assertThat(bench.send("09 01")).isEmpty();
        assertThat(bench.send("09 02")).isEmpty();
        assertThat(bench.device.counters().refusedBytes()).isGreaterThan(6);
        bench.device.reset();
        assertThat(bench.one("09 03")).isEqualTo("60090103");
    }

    @Test
    void a_jammed_decoder_is_freed_by_the_inactivity_timer() {
        assertThat(bench.send("08" + Bench.hex(new byte[200]))).isEmpty();
        assertThat(bench.advance(Duration.ofSeconds(119))).isEmpty();
        assertThat(bench.send("09 01")).isEmpty();
        bench.advance(Duration.ofSeconds(1));
        assertThat(bench.device.counters().resets()).isEqualTo(1);
        assertThat(bench.one("09 04")).isEqualTo("60090104");
    }

    @Test
    void a_usb_cdc_device_accepts_frames_up_to_its_mtu() {
        Bench usb = new Bench(SimulatorConfig.builder().profile(SimulatorConfig.Profile.USB_CDC).build());
        assertThat(usb.one("02 0100")).isEqualTo("600201");
        assertThat(usb.send("08" + Bench.hex(new byte[1024]))).containsExactly("600305");
        assertThat(usb.send("08" + Bench.hex(new byte[2050]))).isEmpty();
        assertThat(usb.device.jammed()).isTrue();
    }
}
