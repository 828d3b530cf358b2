package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.ImageCrc;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/** The timing model, on a virtual clock: wire time, latency, flash time with the CPU held, RX buffers, TX busy. */
class TimingTest {

    private final byte[] app = InitPackets.app24k();

    @Test
    void each_byte_takes_ten_bits_on_the_wire_each_way() {
        Bench b = new Bench(SimulatorConfig.builder().baud(115_200).build());
        // PING 09 01 + END = 3 bytes x 86 805 ns out; 56 us to answer; 60 09 01 01 + END = 5 bytes = 434027 ns back
        assertThat(b.send("09 01")).isEmpty();
        assertThat(b.advance(Duration.ofNanos(3 * 86_805 + 56_000 + 434_027 - 1))).isEmpty();
        assertThat(b.advance(Duration.ofNanos(1))).containsExactly("60090101");
    }

    @Test
    void a_usb_adapter_adds_its_latency_in_each_direction() {
        Bench b = new Bench(SimulatorConfig.builder().latency(Duration.ofMillis(5)).build());
        assertThat(b.send("09 01")).isEmpty();
        assertThat(b.advance(Duration.ofMillis(10).minusNanos(1))).isEmpty();
        assertThat(b.advance(Duration.ofNanos(1))).containsExactly("60090101");
    }

    @Test
    void a_data_create_answers_after_its_page_erase() {
        Bench b = new Bench(SimulatorConfig.builder().flashTiming(SimulatorConfig.FlashTiming.NRF52840).build());
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(b.send("01 02" + u32(4096))).isEmpty();
        assertThat(b.advance(Duration.ofMillis(85).minusNanos(1))).isEmpty();
        assertThat(b.advance(Duration.ofNanos(1))).containsExactly("600101");
    }

    @Test
    void the_init_packet_execute_answers_after_its_settings_are_saved() {
        Bench b = new Bench(SimulatorConfig.builder().flashTiming(SimulatorConfig.FlashTiming.NRF52840).build());
        byte[] dat = InitPackets.signedApp();
        assertThat(b.one("01 01" + u32(dat.length))).isEqualTo("600101");
        b.writeAll(dat);
        assertThat(b.send("04")).isEmpty();                                // waits for two page erases and writes
        // settings page and backup: 2 x 85 ms erase + 2 x 244 words x 41 us = 190.008 ms
        assertThat(b.advance(Duration.ofNanos(190_008_000 - 1))).isEmpty();
        assertThat(b.advance(Duration.ofNanos(1))).containsExactly("600401");
        assertThat(b.one("09 01")).isEqualTo("60090101");                  // nothing holds the CPU after it
    }

    @Test
    void frames_arriving_while_all_rx_buffers_wait_for_flash_are_dropped() {
        for (int buffers : new int[] {3, 5}) {
            Bench b = new Bench(SimulatorConfig.builder().flashTiming(SimulatorConfig.FlashTiming.NRF52840)
                    .rxBuffers(buffers).build());
            assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
            assertThat(b.send("01 02" + u32(4096))).isEmpty();             // erasing: holds one buffer for 85 ms
            b.writeAll(Arrays.copyOf(app, 4 * 64));                        // four writes right behind it
            assertThat(b.advance(Duration.ofMillis(100))).containsExactly("600101");
            int kept = Math.min(4, buffers - 1);
            assertThat(b.device.counters().rxOverflows()).isEqualTo(4 - kept);
            assertThat(b.one("03")).isEqualTo("600301" + u32(kept * 64L) + u32(ImageCrc.upTo(app, kept * 64L)));
        }
    }

    @Test
    void with_flow_control_frames_wait_for_a_buffer_instead_of_being_dropped() {
        Bench b = new Bench(SimulatorConfig.builder().flashTiming(SimulatorConfig.FlashTiming.NRF52840)
                .rxBuffers(1).flowControl(true).build());
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(b.send("01 02" + u32(4096))).isEmpty();
        b.writeAll(Arrays.copyOf(app, 4 * 64));
        assertThat(b.advance(Duration.ofMillis(100))).containsExactly("600101");
        assertThat(b.device.counters().rxOverflows()).isZero();
        assertThat(b.one("03")).isEqualTo("600301" + u32(256) + u32(ImageCrc.upTo(app, 256)));
    }

    @Test
    void a_response_due_while_the_transmitter_is_busy_is_lost() {
        Bench b = new Bench(SimulatorConfig.builder().baud(115_200).build());
        b.send("09 01");
        b.send("09 02");                                                   // sent before the first answer is out
        assertThat(b.advance(Duration.ofMillis(5))).containsExactly("60090101");
        assertThat(b.device.counters().responsesLost()).isEqualTo(1);
    }
}
