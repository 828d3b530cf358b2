package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.ImageCrc;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/** Progress in RAM or flash across resets, ABORT, the final EXECUTE, inactivity, activation and persistence. */
class ProgressResetTest {

    private final byte[] app = InitPackets.app24k();
    private final byte[] dat = InitPackets.signedApp();

    private static String crc(byte[] image, long offset) {
        return u32(offset) + u32(ImageCrc.upTo(image, offset));
    }

    /** Init packet, object 0 executed, {@code partial} bytes of object 1 written. */
    private Bench midway(SimulatorConfig config, int partial) {
        Bench b = new Bench(config);
        assertThat(b.init(dat)).isEqualTo("600401");
        assertThat(b.object(app, 0, 4096)).isEqualTo("600401");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");
        b.writeAll(Arrays.copyOfRange(app, 4096, 4096 + partial));
        return b;
    }

    private static String selectData(String crcPart) {
        return "600601" + "00100000" + crcPart;
    }

    @Test
    void progress_in_ram_is_lost_on_reset_but_the_init_packet_is_kept() {
        Bench b = midway(SimulatorConfig.defaults(), 640);
        assertThat(b.one("06 02")).isEqualTo(selectData(crc(app, 4736)));
        b.device.enterDfu();
        assertThat(b.one("06 02")).isEqualTo(selectData(crc(app, 0)));    // back to what the init EXECUTE saved
        assertThat(b.one("06 01")).isEqualTo("600601" + "00020000" + crc(dat, dat.length));
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600101");       // the init packet is still valid
    }

    @Test
    void progress_in_flash_comes_back_at_the_end_of_the_last_executed_object() {
        Bench b = midway(SimulatorConfig.builder().progressInFlash(true).build(), 640);
        b.device.enterDfu();
        assertThat(b.one("06 02")).isEqualTo(selectData(crc(app, 4096)));
    }

    @Test
    void re_executing_the_init_packet_saves_the_ram_progress_even_mid_object() {
        Bench b = midway(SimulatorConfig.defaults(), 2048);
        assertThat(b.one("06 01")).startsWith("600601");
        assertThat(b.one("04")).isEqualTo("600401");                      // executed again: success, and a save
        b.device.enterDfu();
        assertThat(b.one("06 02")).isEqualTo(selectData(crc(app, 6144))); // mid-object, CRC consistent
        b.writeAll(Arrays.copyOfRange(app, 6144, 8192));                  // the rest of that object completes it
        assertThat(b.one("04")).isEqualTo("600401");
        assertThat(b.one("03")).isEqualTo("600301" + crc(app, 8192));
    }

    @Test
    void abort_drops_the_data_progress_saves_and_resets_without_an_answer() {
        Bench b = midway(SimulatorConfig.defaults(), 640);
        assertThat(b.one("06 02")).isEqualTo(selectData(crc(app, 4736)));
        assertThat(b.send("0C")).isEmpty();
        assertThat(b.device.counters().resets()).isEqualTo(1);
        // Nordic SDK 17.1: offset 0 after ABORT (issue 9, item 2), the init packet kept
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + "00000000" + "00000000");
        assertThat(b.one("06 01")).isEqualTo("600601" + "00020000" + crc(dat, dat.length));
    }

    @Test
    void the_final_execute_answers_verification_failed_then_resets_and_the_image_is_not_activated() {
        List<Fixtures.Image> tampered = Fixtures.images("tampered_app_24k_badhash.zip");
        Bench b = new Bench();
        assertThat(b.init(tampered.get(0).dat())).isEqualTo("600401");
        byte[] bin = tampered.get(0).bin();
        for (int o = 0; o < bin.length - 4096; o += 4096) {
            assertThat(b.object(bin, o, 4096)).isEqualTo("600401");
        }
        assertThat(b.object(bin, bin.length - 4096, 4096)).isEqualTo("6004" + "0B" + "0C"); // verification failed
        assertThat(b.device.counters().resets()).isEqualTo(1);
        assertThat(b.device.application()).isEmpty();
        // Nordic SDK 17.1: offset 0, and the CRC field holds the receiving address 0x27000 (issue 9, item 3)
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + "00000000" + "00700200");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600108");        // the init packet is gone
    }

    @Test
    void the_final_execute_answers_success_then_resets_into_the_new_application() {
        Bench b = new Bench();
        assertThat(b.init(dat)).isEqualTo("600401");
        for (int o = 0; o < app.length; o += 4096) {
            assertThat(b.object(app, o, 4096)).isEqualTo("600401");
        }
        assertThat(b.device.counters().resets()).isEqualTo(1);
        assertThat(b.device.mode()).isEqualTo(SimulatedBootloader.Mode.APPLICATION);
        assertThat(b.send("09 01")).isEmpty();                              // the application ignores the port
        assertThat(b.device.application()).contains(app);
    }

    @Test
    void after_the_final_execute_and_its_reset_select_of_the_data_object_reports_offset_0_and_the_bank_address() {
        Bench b = new Bench(SimulatorConfig.builder().stayInDfu(true).build());
        assertThat(b.init(dat)).isEqualTo("600401");
        for (int o = 0; o < app.length; o += 4096) {
            assertThat(b.object(app, o, 4096)).isEqualTo("600401");
        }
        assertThat(b.device.counters().resets()).isEqualTo(1);
        assertThat(b.device.application()).contains(app);
        // Nordic SDK 17.1 (issue 9, item 3): 60 06 01 00100000 00000000 00700200
        assertThat(b.one("06 02")).isEqualTo("600601" + "00100000" + "00000000" + "00700200");
    }

    @Test
    void the_inactivity_timer_resets_after_120_s_without_progress_and_pings_do_not_restart_it() {
        Bench b = new Bench();
        b.advance(Duration.ofSeconds(60));
        assertThat(b.one("09 01")).isEqualTo("60090101");
        b.advance(Duration.ofSeconds(59));
        assertThat(b.device.counters().resets()).isZero();
        b.advance(Duration.ofSeconds(1));
        assertThat(b.device.counters().resets()).isEqualTo(1);
    }

    @Test
    void a_command_create_and_a_data_execute_restart_the_inactivity_timer() {
        Bench b = new Bench(SimulatorConfig.builder().inactivityTimeout(Duration.ofSeconds(10)).build());
        b.advance(Duration.ofSeconds(9));
        assertThat(b.init(dat)).isEqualTo("600401");                     // command CREATE at t = 9 s
        b.advance(Duration.ofSeconds(9));
        assertThat(b.object(app, 0, 4096)).isEqualTo("600401");           // data EXECUTE at t = 18 s
        b.advance(Duration.ofSeconds(9));
        assertThat(b.device.counters().resets()).isZero();
        b.advance(Duration.ofSeconds(1));
        assertThat(b.device.counters().resets()).isEqualTo(1);
        assertThat(b.one("06 02")).isEqualTo(selectData(crc(app, 0)));    // RAM progress lost
    }

    @Test
    void a_second_application_is_received_in_bank_1_after_the_first_and_activated_over_it() {
        Bench b = new Bench();
        assertThat(b.init(dat)).isEqualTo("600401");
        for (int o = 0; o < app.length; o += 4096) {
            b.object(app, o, 4096);
        }
        b.device.enterDfu();
        List<Fixtures.Image> big = Fixtures.images("app_200k.zip");
        byte[] bin = big.get(0).bin();
        assertThat(b.init(big.get(0).dat())).isEqualTo("600401");
        assertThat(b.device.bootloader().receivingBankStart()).isEqualTo(0x27000 + 0x6000); // after the old app
        for (int o = 0; o < bin.length - 4096; o += 4096) {
            assertThat(b.object(bin, o, 4096)).isEqualTo("600401");
        }
        assertThat(b.device.application()).contains(app);                  // bank 0 untouched meanwhile
        assertThat(b.device.bank1()).isEqualTo(Arrays.copyOf(bin, bin.length - 4096));
        assertThat(b.object(bin, bin.length - 4096, 4096)).isEqualTo("600401");
        assertThat(b.device.application()).contains(bin);
        assertThat(b.device.settings().bank1().code()).isEqualTo(Settings.BankCode.INVALID);
    }

    @Test
    void a_reset_mid_update_boots_the_old_application_unless_the_board_stays_in_dfu() {
        for (boolean stay : new boolean[] {false, true}) {
            Bench b = new Bench(SimulatorConfig.builder().stayInDfu(stay).build());
            assertThat(b.init(dat)).isEqualTo("600401");
            for (int o = 0; o < app.length; o += 4096) {
                b.object(app, o, 4096);
            }
            b.device.enterDfu();
            assertThat(b.init(dat)).isEqualTo("600401");
            b.device.reset();
            assertThat(b.send("09 01")).hasSize(stay ? 1 : 0);
            assertThat(b.device.mode()).isEqualTo(stay ? SimulatedBootloader.Mode.DFU
                    : SimulatedBootloader.Mode.APPLICATION);
        }
    }

    @Test
    void softdevice_and_bootloader_are_activated_and_the_board_comes_back_in_dfu_mode_for_the_application() {
        List<Fixtures.Image> images = Fixtures.images("sd_bl_app_24k.zip");
        byte[] sdBl = images.get(0).bin();
        Bench b = new Bench();
        assertThat(b.init(images.get(0).dat())).isEqualTo("600401");
        for (int o = 0; o < sdBl.length; o += 4096) {
            assertThat(b.object(sdBl, o, Math.min(4096, sdBl.length - o))).isEqualTo("600401");
        }
        assertThat(b.device.mode()).isEqualTo(SimulatedBootloader.Mode.DFU);      // no valid application
        assertThat(b.one("0B 00")).isEqualTo("600B01" + "02" + "02000000" + "00800F00" + "00600000"); // version 2
        // the fixture's SoftDevice carries a real information structure: FWID 0xCA, version 7000001, end 0x27000
        assertThat(b.one("0B 01")).isEqualTo("600B01" + "00" + "C1CF6A00" + "00100000" + "00600200");
        assertThat(b.device.settings().softDeviceId()).isEqualTo(0xCA);
        Flash flash = b.device.bootloader().flash();
        assertThat(flash.read(0x1000, 155_648)).isEqualTo(Arrays.copyOf(sdBl, 155_648));
        assertThat(flash.read(0xF8000, 23_040)).isEqualTo(Arrays.copyOfRange(sdBl, 155_648, sdBl.length));

        byte[] bin = images.get(1).bin();
        assertThat(b.init(images.get(1).dat())).isEqualTo("600401");
        for (int o = 0; o < bin.length; o += 4096) {
            assertThat(b.object(bin, o, 4096)).isEqualTo("600401");
        }
        assertThat(b.device.application()).contains(bin);
    }

    @Test
    void a_board_restored_from_its_flash_image_keeps_what_flash_held() {
        Bench b = midway(SimulatorConfig.builder().progressInFlash(true).build(), 640);
        byte[] image = b.device.flashImage();
        Bench restored = new Bench();
        SimulatedDevice device = SimulatedDevice.restore(SimulatorConfig.defaults(), restored.vts, image);
        assertThat(device.settings().progress().firmwareOffset()).isEqualTo(4096);
        assertThat(device.settings().initCommand()).isEqualTo(dat);
        assertThat(device.bootloader().initPacketValid()).isTrue();
    }
}
