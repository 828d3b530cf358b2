package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.ImageCrc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/** Data objects: CREATE, WRITE, PRN, CRC and EXECUTE, with their error answers. */
class DataObjectTest {

    private final byte[] app = InitPackets.app24k();
    private Bench bench;

    @BeforeEach
    void validInitPacket() {
        bench = new Bench();
        assertThat(bench.init(InitPackets.signedApp())).isEqualTo("600401");
    }

    private static String crc(byte[] image, long offset) {
        return u32(offset) + u32(ImageCrc.upTo(image, offset));
    }

    private List<String> write(int from, int to) {
        List<String> answers = new ArrayList<>();
        for (int o = from; o < to; o += 64) {
            answers.addAll(bench.writeAll(Arrays.copyOfRange(app, o, Math.min(o + 64, to))));
        }
        return answers;
    }

    @Test
    void create_with_a_bad_size_answers_invalid_parameter_or_insufficient_resources() {
        assertThat(bench.one("01 02" + u32(0))).isEqualTo("600103");       // size 0
        assertThat(bench.one("01 02" + u32(100))).isEqualTo("600103");     // not a page, and not the last object
        assertThat(bench.one("01 02" + u32(8192))).isEqualTo("600104");    // more than the select maximum
        assertThat(bench.device.counters().dataCreates()).isZero();
    }

    @Test
    void the_last_object_may_be_shorter_than_a_page() {
        Bench b = new Bench();
        assertThat(b.init(InitPackets.unsigned(i -> i.setAppSize(5000)))).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(904))).isEqualTo("600103");         // 904 at offset 0 is not the last
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");
        b.writeAll(Arrays.copyOf(app, 4096));
        assertThat(b.one("04")).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(904))).isEqualTo("600101");         // 4096 + 904 = 5000: the last
    }

    @Test
    void create_past_the_end_of_the_image_answers_operation_not_permitted() {
        Bench b = new Bench();
        assertThat(b.init(InitPackets.unsigned(i -> i.setAppSize(5000)))).isEqualTo("600401");
        assertThat(b.object(app, 0, 4096)).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600108");        // 4096 + 4096 > 5000
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + crc(app, 4096)); // progress untouched
    }

    @Test
    void create_discards_the_unexecuted_partial_object_and_erases_its_page() {
        long bank = bench.device.bootloader().receivingBankStart();
        assertThat(bench.object(app, 0, 4096)).isEqualTo("600401");
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        write(4096, 4096 + 640);
        assertThat(bench.one("03")).isEqualTo("600301" + crc(app, 4736));
        assertThat(bench.device.bootloader().flash().read(bank + 4096, 640)).isEqualTo(Arrays.copyOfRange(app, 4096, 4736));

        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");    // again: the 640 bytes are gone
        assertThat(bench.one("03")).isEqualTo("600301" + crc(app, 4096));
        byte[] erased = new byte[4096];
        Arrays.fill(erased, (byte) 0xFF);
        assertThat(bench.device.bootloader().flash().read(bank + 4096, 4096)).isEqualTo(erased);
        assertThat(bench.device.bootloader().flash().read(bank, 4096)).isEqualTo(Arrays.copyOf(app, 4096));
    }

    @Test
    void execute_of_an_incomplete_object_answers_operation_not_permitted_and_a_second_execute_succeeds() {
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        write(0, 4032);
        assertThat(bench.one("04")).isEqualTo("600408");                   // 4032 of 4096
        write(4032, 4096);
        assertThat(bench.one("04")).isEqualTo("600401");
        assertThat(bench.one("04")).isEqualTo("600401");                   // already complete: succeeds again
        assertThat(bench.one("06 02")).isEqualTo("600601" + "00100000" + crc(app, 4096));
    }

    @Test
    void writes_get_no_answer_when_prn_is_0() {
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        assertThat(write(0, 4096)).isEmpty();
        assertThat(bench.one("03")).isEqualTo("600301" + crc(app, 4096));
    }

    @Test
    void prn_5_notifies_every_fifth_write_of_a_4096_byte_object_and_crc_get_answers_at_the_end() {
        assertThat(bench.one("02 0500")).isEqualTo("600201");
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        List<String> expected = new ArrayList<>();
        for (int offset = 320; offset <= 3840; offset += 320) {
            expected.add("600301" + crc(app, offset));                     // 12 notifications: 320, 640, ... 3840
        }
        assertThat(write(0, 4096)).containsExactlyElementsOf(expected);
        assertThat(bench.one("03")).isEqualTo("600301" + crc(app, 4096));
        assertThat(bench.one("04")).isEqualTo("600401");

        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");   // the next CREATE restarts the count
        assertThat(write(4096, 4096 + 4 * 64)).isEmpty();
        assertThat(write(4096 + 4 * 64, 4096 + 5 * 64)).containsExactly("600301" + crc(app, 4096 + 320));
    }

    @Test
    void prn_counts_writes_since_the_last_create_even_when_the_object_is_created_again() {
        assertThat(bench.one("02 0500")).isEqualTo("600201");
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        assertThat(write(0, 3 * 64)).isEmpty();
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        assertThat(write(0, 4 * 64)).isEmpty();                           // 3 + 4 would be 7: no, counted anew
        assertThat(write(4 * 64, 5 * 64)).containsExactly("600301" + crc(app, 320));
    }

    @Test
    void a_write_past_the_object_size_fails() {
        assertThat(bench.one("02 0100")).isEqualTo("600201");
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600101");
        assertThat(bench.send("08" + Bench.hex(new byte[64])).size()).isEqualTo(1);
        for (int i = 1; i < 64; i++) {
            bench.send("08" + Bench.hex(new byte[64]));
        }
        assertThat(bench.send("08 00")).containsExactly("600303");         // 4097 > 4096: invalid parameter
        assertThat(bench.one("03")).startsWith("600301" + u32(4096));
    }

    @Test
    void a_command_create_drops_command_and_data_progress_at_once() {
        assertThat(bench.object(app, 0, 4096)).isEqualTo("600401");
        assertThat(bench.one("06 02")).isEqualTo("600601" + "00100000" + crc(app, 4096));
        assertThat(bench.one("01 01" + u32(143))).isEqualTo("600101");
        assertThat(bench.one("06 01")).isEqualTo("600601" + "00020000" + "00000000" + "00000000");
        assertThat(bench.one("06 02")).isEqualTo("600601" + "00100000" + "00000000" + "00000000");
        assertThat(bench.one("01 02" + u32(4096))).isEqualTo("600108");    // no valid init packet any more
    }
}
