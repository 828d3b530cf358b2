package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.ImageCrc;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/** Seeded faults: reset at an offset, lost and corrupted bytes, a stall, stale progress. */
class FaultTest {

    private final byte[] app = InitPackets.app24k();
    private final byte[] dat = InitPackets.signedApp();

    private static String crc(byte[] image, long offset) {
        return u32(offset) + u32(ImageCrc.upTo(image, offset));
    }

    @Test
    void the_board_resets_once_when_the_data_offset_reaches_the_configured_point() {
        Bench b = new Bench(SimulatorConfig.builder().fault(new Fault.ResetAtOffset(6144)).build());
        assertThat(b.init(dat)).isEqualTo("600401");
        assertThat(b.object(app, 0, 4096)).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");
        b.writeAll(Arrays.copyOfRange(app, 4096, 6144));
        assertThat(b.device.counters().resets()).isEqualTo(1);
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + crc(app, 0)); // RAM progress lost
        assertThat(b.object(app, 0, 4096)).isEqualTo("600401");
        assertThat(b.object(app, 4096, 4096)).isEqualTo("600401");                 // no second reset
        assertThat(b.device.counters().resets()).isEqualTo(1);
    }

    private static List<String> pings(long seed, Fault fault) {
        Bench b = new Bench(SimulatorConfig.builder().fault(fault).seed(seed).build());
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.addAll(b.send(String.format("09 %02X", i)));
            answers.add("|");
        }
        answers.add("lost " + b.device.counters().bytesLost());
        return answers;
    }

    @Test
    void dropped_bytes_are_lost_at_the_configured_rate_and_reproducible_by_seed() {
        List<String> run = pings(42, new Fault.DropBytes(0.05));
        assertThat(run).isEqualTo(pings(42, new Fault.DropBytes(0.05)));
        assertThat(run).isNotEqualTo(pings(43, new Fault.DropBytes(0.05)));
        long answered = run.stream().filter(s -> s.startsWith("6009")).count();
        assertThat(answered).as("answers of 200 pings, 5%% of 600 bytes lost").isBetween(120L, 199L);
        assertThat(run.get(run.size() - 1)).isNotEqualTo("lost 0");
    }

    @Test
    void corrupted_bytes_are_flipped_at_the_configured_rate_and_reproducible_by_seed() {
        List<String> run = pings(7, new Fault.CorruptBytes(0.05));
        assertThat(run).isEqualTo(pings(7, new Fault.CorruptBytes(0.05)));
        long wrong = 0;
        for (int i = 0, ping = 0; i < run.size() - 1; i++) {
            if (run.get(i).equals("|")) {
                ping++;
            } else if (!run.get(i).equals(String.format("600901%02X", ping))) {
                wrong++;
            }
        }
        assertThat(wrong).as("answers that are not the echo of their ping").isPositive();
    }

    @Test
    void a_stall_silences_the_board_for_its_duration_then_it_carries_on() {
        Bench b = new Bench(SimulatorConfig.builder().fault(new Fault.Stall(Duration.ofSeconds(2), 4096)).build());
        assertThat(b.init(dat)).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");
        b.writeAll(Arrays.copyOf(app, 4096));                               // reaches 4096: stalls
        assertThat(b.send("03")).isEmpty();
        assertThat(b.advance(Duration.ofMillis(1999))).isEmpty();
        assertThat(b.send("09 01")).isEmpty();                              // lost: the UART overran
        b.advance(Duration.ofMillis(1));
        assertThat(b.one("03")).isEqualTo("600301" + crc(app, 4096));      // progress intact
        assertThat(b.device.counters().bytesLost()).isPositive();
    }

    @Test
    void stale_progress_comes_back_from_an_older_saved_copy_after_a_reset() {
        Bench b = new Bench(SimulatorConfig.builder().progressInFlash(true).fault(new Fault.StaleProgress()).build());
        assertThat(b.init(dat)).isEqualTo("600401");
        for (int o = 0; o < 3 * 4096; o += 4096) {
            assertThat(b.object(app, o, 4096)).isEqualTo("600401");
        }
        b.device.enterDfu();
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + crc(app, 8192)); // not 12288
    }
}
