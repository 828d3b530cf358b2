package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.ImageCrc;
import org.junit.jupiter.api.Test;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/** Every opcode of DESIGN.md's table, request bytes in, exact response bytes out. */
class ProtocolOpcodesTest {

    private final Bench bench = new Bench();

    @Test
    void protocol_version_answers_1() {
        assertThat(bench.one("00")).isEqualTo(
                "60" + "00" + "01"   // response, PROTOCOL VERSION, success
                + "01");             // version 1 (SDK 15-17)
    }

    @Test
    void ping_echoes_its_id() {
        assertThat(bench.one("09 2A")).isEqualTo("60 09 01 2A".replace(" ", ""));
        assertThat(bench.one("09 C0")).isEqualTo("6009" + "01" + "C0"); // an id that needs escaping
    }

    @Test
    void mtu_is_131_on_uart_and_2051_on_usb_cdc() {
        assertThat(bench.one("07")).isEqualTo("600701" + "8300");      // u16 131
        Bench usb = new Bench(SimulatorConfig.builder().profile(SimulatorConfig.Profile.USB_CDC).build());
        assertThat(usb.one("07")).isEqualTo("600701" + "0308");        // u16 2051
    }

    @Test
    void hardware_version_is_an_nrf52840() {
        assertThat(bench.one("0A")).isEqualTo("600A01"
                + "40280500"    // part 0x52840
                + "30434141"    // variant "AAC0"
                + "00001000"    // ROM 1 MiB
                + "00000400"    // RAM 256 KiB
                + "00100000");  // page 4 KiB
    }

    @Test
    void firmware_versions_of_a_fresh_board() {
        assertThat(bench.one("0B 00")).isEqualTo("600B01"
                + "02"          // bootloader
                + "01000000"    // version 1
                + "00800F00"    // at 0xF8000
                + "00600000");  // 24 KiB
        assertThat(bench.one("0B 01")).isEqualTo("600B01"
                + "00"          // SoftDevice
                + "90D76A00"    // version 7002000
                + "00100000"    // at 0x1000
                + "00600200");  // 0x26000 bytes, up to the application start 0x27000
        assertThat(bench.one("0B 02")).isEqualTo("600B01" + "FF" + "00000000" + "00000000" + "00000000"); // no app
        assertThat(bench.one("0B 03")).isEqualTo("600B01" + "FF" + "00000000" + "00000000" + "00000000");
    }

    @Test
    void firmware_version_follows_the_configured_softdevice_and_application_start() {
        Bench b = new Bench(SimulatorConfig.builder().softDeviceVersion(0x01020304).applicationStart(0x26000).build());
        assertThat(b.one("0B 01")).isEqualTo("600B01" + "00" + "04030201" + "00100000" + "00500200");
    }

    @Test
    void firmware_version_of_image_2_reports_the_activated_application() {
        byte[] app = InitPackets.app24k();
        assertThat(bench.init(InitPackets.signedApp())).isEqualTo("600401");
        for (int o = 0; o < app.length; o += 4096) {
            assertThat(bench.object(app, o, 4096)).isEqualTo("600401");
        }
        bench.take();
        bench.device.enterDfu();
        assertThat(bench.one("0B 02")).isEqualTo("600B01"
                + "01"          // application
                + "01000000"    // fw_version 1 from the init packet
                + "00700200"    // at 0x27000
                + "00600000");  // 24576 bytes
    }

    @Test
    void unknown_opcodes_answer_opcode_not_supported() {
        assertThat(bench.one("05")).isEqualTo("600502");
        assertThat(bench.one("0D 00")).isEqualTo("600D02");
        assertThat(bench.one("60 01 01")).isEqualTo("606002"); // a response sent back as a request
    }

    @Test
    void set_prn_answers_success() {
        assertThat(bench.one("02 0500")).isEqualTo("600201");
        assertThat(bench.device.bootloader().prn()).isEqualTo(5);
    }

    @Test
    void select_reports_maxima_512_and_4096_with_zero_progress_on_a_fresh_board() {
        assertThat(bench.one("06 01")).isEqualTo("600601" + "00020000" + "00000000" + "00000000");
        assertThat(bench.one("06 02")).isEqualTo("600601" + "00100000" + "00000000" + "00000000");
    }

    @Test
    void select_of_an_unknown_type_answers_invalid_object_and_leaves_the_object_invalid() {
        assertThat(bench.one("06 03")).isEqualTo("600605");
        assertThat(bench.one("03")).isEqualTo("600305");      // CRC GET of the invalid object
        assertThat(bench.one("04")).isEqualTo("600405");      // EXECUTE too
        assertThat(bench.one("02 0100")).isEqualTo("600201");
        assertThat(bench.send("08 AABB")).containsExactly("600305"); // a PRN-counted write: 60 03 <result>
        assertThat(bench.one("06 01")).startsWith("600601");  // a valid SELECT makes it valid again
        assertThat(bench.one("03")).isEqualTo("600301" + "00000000" + "00000000");
    }

    @Test
    void requests_before_any_select_or_create_act_on_no_object() {
        assertThat(bench.one("03")).isEqualTo("600305");
        assertThat(bench.send("08 00")).isEmpty();            // PRN 0: no answer, even to a failed write
    }

    @Test
    void create_of_an_unknown_type_answers_invalid_object() {
        assertThat(bench.one("01 03 00010000")).isEqualTo("600105");
    }

    @Test
    void crc_get_reports_offset_and_crc_of_the_command_object() {
        byte[] dat = InitPackets.signedApp();
        assertThat(bench.one("01 01" + u32(dat.length))).isEqualTo("600101");
        assertThat(bench.writeAll(dat)).isEmpty();
        assertThat(bench.one("03")).isEqualTo("600301" + u32(dat.length) + u32(ImageCrc.upTo(dat, dat.length)));
        assertThat(bench.one("06 01")).isEqualTo("600601" + "00020000" + u32(dat.length)
                + u32(ImageCrc.upTo(dat, dat.length)));
    }

    @Test
    void abort_gets_no_answer_and_resets_the_board() {
        assertThat(bench.send("0C")).isEmpty();
        assertThat(bench.device.counters().resets()).isEqualTo(1);
        assertThat(bench.one("09 01")).isEqualTo("60090101");
    }

    @Test
    void a_response_with_bytes_to_escape_is_framed_with_escapes() {
        bench.send("09 DB");
        assertThat(bench.rawOut()).last().satisfies(raw -> assertThat(Bench.hex(raw)).isEqualTo(
                "600901" + "DBDD" + "C0")); // id 0xDB escaped, one END, no leading END
    }
}
