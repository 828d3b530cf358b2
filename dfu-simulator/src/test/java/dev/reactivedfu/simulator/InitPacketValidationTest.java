package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.proto.DfuCc;
import org.junit.jupiter.api.Test;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/** The init packet's EXECUTE, with the answers SDK 17.1 gives (DESIGN.md, "Device behaviour"). */
class InitPacketValidationTest {

    private static final SimulatorConfig KEYED = SimulatorConfig.builder().publicKey(Fixtures.publicKey()).build();

    @Test
    void a_signed_packet_from_the_configured_key_is_accepted() {
        Bench b = new Bench(KEYED);
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(b.device.bootloader().initPacketValid()).isTrue();
    }

    @Test
    void with_a_key_an_unsigned_packet_answers_signature_missing() {
        Bench b = new Bench(KEYED);
        assertThat(b.init(InitPackets.unsigned(i -> { }))).isEqualTo("6004" + "0B" + "08"); // ext: signature missing
    }

    @Test
    void without_a_key_unsigned_and_signed_packets_are_accepted() {
        assertThat(new Bench().init(InitPackets.unsigned(i -> { }))).isEqualTo("600401");
        assertThat(new Bench().init(InitPackets.signedApp())).isEqualTo("600401");
    }

    @Test
    void a_corrupted_signature_answers_invalid_object_without_extended_code() {
        assertThat(new Bench(KEYED).init(InitPackets.corruptedSignature())).isEqualTo("600405");
    }

    @Test
    void an_init_command_changed_after_signing_answers_invalid_object() {
        assertThat(new Bench(KEYED).init(InitPackets.tamperedInitCommand())).isEqualTo("600405");
    }

    @Test
    void an_unparsable_packet_answers_invalid_object() {
        assertThat(new Bench().init(Bench.bytes("FFFFFFFF0102030405"))).isEqualTo("600405");
    }

    @Test
    void a_signature_of_another_type_answers_wrong_signature_type() {
        assertThat(new Bench(KEYED).init(InitPackets.signedWithType(DfuCc.SignatureType.ED25519)))
                .isEqualTo("6004" + "0B" + "0B");
    }

    @Test
    void a_wrong_hardware_version_answers_hw_version_failure() {
        Bench b = new Bench(KEYED.toBuilder().hwVersion(51).build());
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("6004" + "0B" + "06");
    }

    @Test
    void a_debug_package_on_a_release_bootloader_answers_hw_version_failure() {
        assertThat(new Bench().init(InitPackets.unsigned(i -> i.setIsDebug(true)))).isEqualTo("6004" + "0B" + "06");
    }

    @Test
    void a_debug_bootloader_accepts_a_debug_package_without_version_checks() {
        Bench b = new Bench(SimulatorConfig.builder().debugBootloader(true).softDeviceId(0x0100).build());
        assertThat(b.init(InitPackets.unsigned(i -> i.setIsDebug(true).setHwVersion(7)))).isEqualTo("600401");
    }

    @Test
    void a_softdevice_requirement_not_met_answers_sd_version_failure() {
        Bench b = new Bench(KEYED.toBuilder().softDeviceId(0x0100).build());
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("6004" + "0B" + "07"); // sd_req 0xCA,0xB6
    }

    @Test
    void sd_req_any_and_sd_req_zero_are_accepted() {
        SimulatorConfig otherSd = SimulatorConfig.builder().softDeviceId(0x0100).build();
        assertThat(new Bench(otherSd).init(InitPackets.unsigned(i -> i.clearSdReq().addSdReq(0xFFFE))))
                .isEqualTo("600401");
        assertThat(new Bench(otherSd).init(InitPackets.unsigned(i -> i.clearSdReq().addSdReq(0x00))))
                .isEqualTo("600401");
    }

    @Test
    void fw_version_0_is_accepted_on_a_fresh_board() {
        assertThat(new Bench().init(InitPackets.unsigned(i -> i.setFwVersion(0)))).isEqualTo("600401");
    }

    @Test
    void a_bootloader_older_than_the_installed_one_answers_fw_version_failure() {
        Bench b = new Bench(SimulatorConfig.builder().bootloaderVersion(3).build());
        byte[] sdBl = Fixtures.images("sd_bl_app_24k.zip").get(0).dat(); // fw_version 2
        assertThat(b.init(sdBl)).isEqualTo("6004" + "0B" + "05");
    }

    @Test
    void a_hash_other_than_sha256_answers_wrong_hash_type() {
        assertThat(new Bench().init(InitPackets.unsigned(i -> i.setHash(i.getHash().toBuilder()
                .setHashType(DfuCc.HashType.SHA512))))).isEqualTo("6004" + "0B" + "09");
    }

    @Test
    void an_image_larger_than_the_free_flash_answers_insufficient_resources() {
        // 0xF5000 (end of the application region) - 0x27000 = 0xCE000 bytes fit; one page more does not
        assertThat(new Bench().init(InitPackets.unsigned(i -> i.setAppSize(0xCF000)))).isEqualTo("600404");
        assertThat(new Bench().init(InitPackets.unsigned(i -> i.setAppSize(0xCE000)))).isEqualTo("600401");
    }

    @Test
    void execute_of_an_incomplete_init_packet_answers_operation_not_permitted() {
        Bench b = new Bench();
        byte[] dat = InitPackets.signedApp();
        assertThat(b.one("01 01" + u32(dat.length))).isEqualTo("600101");
        b.writeAll(java.util.Arrays.copyOf(dat, 64));
        assertThat(b.one("04")).isEqualTo("600408");
    }

    @Test
    void a_second_execute_of_a_valid_init_packet_succeeds() {
        Bench b = new Bench();
        assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
        assertThat(b.one("04")).isEqualTo("600401");
    }

    @Test
    void a_command_object_larger_than_512_answers_insufficient_resources() {
        Bench b = new Bench();
        assertThat(b.one("01 01" + u32(513))).isEqualTo("600104");
        assertThat(b.one("01 01" + u32(512))).isEqualTo("600101");
    }

    @Test
    void writing_past_the_created_command_size_fails_and_a_prn_notification_says_so() {
        Bench b = new Bench();
        assertThat(b.one("02 0100")).isEqualTo("600201");                  // PRN 1
        assertThat(b.one("01 01" + u32(2))).isEqualTo("600101");
        assertThat(b.send("08 AABBCC")).containsExactly("600303");          // 3 bytes into 2: invalid parameter
        assertThat(b.send("08 AABB")).containsExactly("600301" + u32(2) + u32(dev.reactivedfu.protocol.ImageCrc
                .upTo(Bench.bytes("AABB"), 2)));
    }

    @Test
    void a_data_object_before_a_valid_init_packet_answers_operation_not_permitted() {
        Bench b = new Bench();
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600108");
        assertThat(b.init(InitPackets.unsigned(i -> i.setHwVersion(1)))).isEqualTo("6004" + "0B" + "06");
        assertThat(b.one("01 02" + u32(4096))).isEqualTo("600108");        // a rejected packet is not valid either
    }
}
