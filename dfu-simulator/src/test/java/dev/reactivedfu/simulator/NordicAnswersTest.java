package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.ImageCrc;
import dev.reactivedfu.protocol.Slip;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 9: the simulator answers as Nordic's SDK 17.1 secure serial bootloader did, frame for frame, in the 14
 * scenarios where it used to differ. Answers are hex of {@code 60 op result payload}; the expected frames are the
 * ones Nordic's own code gave.
 */
class NordicAnswersTest {

    private static final SimulatorConfig KEYED = SimulatorConfig.builder().publicKey(Fixtures.publicKey()).build();
    private static final SimulatorConfig.FlashTiming NRF52840 = SimulatorConfig.FlashTiming.NRF52840;

    /** SELECT of the command object after a refusal: max 512, offset 0, CRC 0. */
    private static final String COMMAND_DROPPED = "600601" + "00020000" + "00000000" + "00000000";

    // ---------------------------------------------------------------- item 1: init packet refusals

    private record Refusal(SimulatorConfig config, byte[] dat, String answer) {
    }

    @Test
    void after_each_init_packet_refusal_select_of_the_command_object_reports_offset_0_and_crc_0() {
        Map<String, Refusal> refusals = Map.of(
                "unsigned", new Refusal(KEYED, InitPackets.unsigned(i -> { }), "6004" + "0B" + "08"),
                "bad signature", new Refusal(KEYED, InitPackets.corruptedSignature(), "600405"),
                "hw_version", new Refusal(KEYED.toBuilder().hwVersion(51).build(), InitPackets.signedApp(),
                        "6004" + "0B" + "06"),
                "sd_req", new Refusal(KEYED.toBuilder().softDeviceId(0x0100).build(), InitPackets.signedApp(),
                        "6004" + "0B" + "07"),
                "debug on a release build", new Refusal(SimulatorConfig.defaults(),
                        InitPackets.unsigned(i -> i.setIsDebug(true)), "6004" + "0B" + "06"),
                "too large", new Refusal(SimulatorConfig.defaults(),
                        InitPackets.unsigned(i -> i.setAppSize(0xCF000)), "600404"),
                "bootloader version", new Refusal(SimulatorConfig.builder().bootloaderVersion(3).build(),
                        Fixtures.images("sd_bl_app_24k.zip").get(0).dat(), "6004" + "0B" + "05"));
        refusals.forEach((what, r) -> {
            Bench b = new Bench(r.config());
            assertThat(b.init(r.dat())).as(what).isEqualTo(r.answer());
            assertThat(b.one("06 01")).as(what + ": the refused packet's progress is dropped")
                    .isEqualTo(COMMAND_DROPPED);
        });
    }

    // ---------------------------------------------------------------- item 2: ABORT

    @Test
    void after_abort_select_of_the_data_object_reports_offset_0() {
        Bench b = new Bench();
        byte[] app = InitPackets.app24k();
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(b.object(app, 0, 4096)).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");
        b.writeAll(Arrays.copyOfRange(app, 4096, 4096 + 1024));
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + "00140000" + u32(ImageCrc.upTo(app, 0x1400)));
        assertThat(b.send("0C")).isEmpty();                                         // no answer: a reset
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + "00000000" + "00000000");
    }

    // ---------------------------------------------------------------- item 3: after the final EXECUTE

    @Test
    void after_the_final_execute_and_its_reset_select_of_the_data_object_answers_as_nordic_valid_or_not() {
        for (String name : List.of("app_24k.zip", "tampered_app_24k_badhash.zip")) {
            Bench b = new Bench(SimulatorConfig.builder().stayInDfu(true).build());
            Fixtures.Image image = Fixtures.images(name).get(0);
            assertThat(b.init(image.dat())).isEqualTo("600401");
            byte[] bin = image.bin();
            String last = "";
            for (int o = 0; o < bin.length; o += 4096) {
                last = b.object(bin, o, 4096);
            }
            assertThat(last).as(name).isEqualTo(name.startsWith("tampered") ? "6004" + "0B" + "0C" : "600401");
            assertThat(b.device.counters().resets()).as(name).isEqualTo(1);
            assertThat(b.one("06 02")).as(name).isEqualTo("600601" + "00100000" + "00000000" + "00700200");
        }
    }

    // ---------------------------------------------------------------- item 4: data EXECUTE without an init packet

    @Test
    void execute_of_the_data_object_before_any_init_packet_answers_verification_failed_and_resets() {
        Bench b = new Bench();
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + "00000000" + "00000000");
        assertThat(b.one("04")).isEqualTo("6004" + "0B" + "0C");
        assertThat(b.device.counters().resets()).isEqualTo(1);
        assertThat(b.one("09 07")).isEqualTo("60090107");                          // back in DFU mode: no app
    }

    // ---------------------------------------------------------------- item 5: a lone END

    @Test
    void a_lone_end_after_a_write_does_not_append_again_and_after_a_create_repeats_it() {
        Bench b = new Bench();
        byte[] app = InitPackets.app24k();
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");
        b.writeAll(Arrays.copyOf(app, 64));
        assertThat(b.raw("C0")).isEmpty();
        assertThat(b.one("03")).isEqualTo("600301" + "40000000" + u32(ImageCrc.upTo(app, 64)));

        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");
        long creates = b.device.counters().dataCreates();
        assertThat(b.raw("C0")).containsExactly("600101");                         // the CREATE again
        assertThat(b.device.counters().dataCreates()).isEqualTo(creates + 1);
    }

    // ---------------------------------------------------------------- item 6: the transmitter

    @Test
    void requests_sent_back_to_back_get_only_the_answers_the_idle_transmitter_could_send() {
        Bench b = new Bench(SimulatorConfig.builder().baud(1_000_000).build());
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (String request : List.of("09 21", "06 01", "09 22", "09 23", "09 24", "09 25")) {
            line.writeBytes(Slip.encode(Bench.bytes(request)));
        }
        b.device.hostWrite(line.toByteArray());                                     // one write: back to back
        assertThat(b.advance(Duration.ofMillis(10))).containsExactly(
                "60090121",
                "600601" + "00020000" + "00000000" + "00000000",
                "60090124");
        SimulatedDevice.Counters c = b.device.counters();
        assertThat(c.responsesLost()).isEqualTo(2);                                 // 22 and 23: transmitter busy
        assertThat(c.rxOverflows()).isEqualTo(1);                                   // 25: every RX buffer held
    }

    // ---------------------------------------------------------------- item 7: timing with nRF52840 flash

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** Virtual ms from sending {@code hex} to its answer. */
    private static double answerMillis(Bench b, String hex, String expected) {
        long t0 = b.now();
        int before = b.frameTimes.size();
        assertThat(b.answer(hex)).isEqualTo(expected);
        return millis(b.frameTimes.get(before) - t0);
    }

    @Test
    void the_init_packet_execute_answers_after_its_settings_writes_and_the_first_create_after_its_erase() {
        Bench b = new Bench(SimulatorConfig.builder().baud(115_200).flashTiming(NRF52840).build());
        byte[] dat = InitPackets.signedApp();
        assertThat(b.answer("01 01" + u32(dat.length))).isEqualTo("600101");
        b.writeAll(dat);
        b.advance(Duration.ofMillis(50));                                           // the writes have arrived
        double execute = answerMillis(b, "04", "600401");
        double create = answerMillis(b, "01 02" + u32(4096), "600101");
        System.out.printf("init EXECUTE answered after %.2f ms (Nordic 189-192), first data CREATE after %.2f ms "
                + "(Nordic 86-87)%n", execute, create);
        assertThat(execute).isCloseTo(190, within(190 * 0.15));
        assertThat(create).isCloseTo(86.5, within(86.5 * 0.15));
    }

    @Test
    void a_4_kib_object_streamed_at_1_mbaud_with_flow_control_takes_about_82_ms_to_its_crc_answer() {
        Bench b = new Bench(SimulatorConfig.builder().baud(1_000_000).flashTiming(NRF52840).flowControl(true).build());
        byte[] app = InitPackets.app24k();
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(b.answer("01 02" + u32(4096))).isEqualTo("600101");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int o = 0; o < 4096; o += 64) {
            byte[] write = new byte[65];
            write[0] = 0x08;
            System.arraycopy(app, o, write, 1, 64);
            stream.writeBytes(Slip.encode(write));
        }
        stream.writeBytes(Slip.encode(Bench.bytes("03")));
        long t0 = b.now();
        int before = b.frameTimes.size();
        b.device.hostWrite(stream.toByteArray());                                   // the host streams it all
        assertThat(b.advance(Duration.ofMillis(200)))
                .containsExactly("600301" + u32(4096) + u32(ImageCrc.upTo(app, 4096)));
        double ms = millis(b.frameTimes.get(before) - t0);
        System.out.printf("4 KiB object at 1 Mbaud with flow control: %.2f ms to the CRC answer (Nordic 82)%n", ms);
        assertThat(ms).isCloseTo(82, within(82 * 0.15));
        assertThat(b.device.counters().rxOverflows()).isZero();
    }

    // ---------------------------------------------------------------- item 8: the line intake

    @Test
    void without_flow_control_at_115200_streamed_writes_arrive_at_the_line_rate_and_none_is_dropped() {
        Bench b = new Bench(SimulatorConfig.builder().baud(115_200).flashTiming(NRF52840).build());
        List<long[]> writes = new ArrayList<>();                                    // {model ns, frame length}
        b.device.trace((direction, nanos, message, note) -> {
            if (direction == FrameTrace.Direction.IN && message[0] == 0x08) {
                writes.add(new long[] {nanos, Slip.encode(message).length});
                assertThat(note).doesNotStartWith("dropped");
            }
        });
        byte[] app = InitPackets.app24k();
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        writes.clear();
        assertThat(b.answer("01 02" + u32(4096))).isEqualTo("600101");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int o = 0; o < 4096; o += 64) {
            byte[] write = new byte[65];
            write[0] = 0x08;
            System.arraycopy(app, o, write, 1, 64);
            stream.writeBytes(Slip.encode(write));
        }
        b.device.hostWrite(stream.toByteArray());                                   // 64 writes at once
        b.advance(Duration.ofMillis(400));
        assertThat(writes).hasSize(64);
        for (int i = 1; i < writes.size(); i++) {
            // each frame completes exactly its own length of byte times (86 805 ns at 115200) after the previous
            assertThat(writes.get(i)[0] - writes.get(i - 1)[0]).isEqualTo(writes.get(i)[1] * 86_805);
        }
        assertThat(b.device.counters().rxOverflows()).isZero();
        assertThat(b.answer("03")).isEqualTo("600301" + u32(4096) + u32(ImageCrc.upTo(app, 4096)));
        assertThat(b.answer("04")).isEqualTo("600401");
    }

    @Test
    void without_flow_control_at_1_mbaud_a_streamed_object_is_complete_and_executes() {
        Bench b = new Bench(SimulatorConfig.builder().baud(1_000_000).flashTiming(NRF52840).build());
        byte[] app = InitPackets.app24k();
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        for (int o = 0; o < app.length; o += 4096) {
            assertThat(b.answer("01 02" + u32(4096))).isEqualTo("600101");
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int w = o; w < o + 4096; w += 64) {
                byte[] write = new byte[65];
                write[0] = 0x08;
                System.arraycopy(app, w, write, 1, 64);
                stream.writeBytes(Slip.encode(write));
            }
            b.device.hostWrite(stream.toByteArray());
            b.advance(Duration.ofMillis(100));
            assertThat(b.answer("03")).isEqualTo("600301" + u32(o + 4096L) + u32(ImageCrc.upTo(app, o + 4096L)));
            assertThat(b.answer("04")).isEqualTo("600401");
        }
        assertThat(b.device.counters().rxOverflows()).isZero();
        assertThat(b.device.application()).contains(app);
    }
}
