package dev.reactivedfu.archive;

import dev.reactivedfu.archive.ForgedPackages.Forgery;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Issue 8: a package whose {@code .bin} changed after signing, with the new hash in a second occurrence of a field of
 * the signed {@code .dat}, must be refused, not reported as signed and intact.
 */
class ForgedInitPacketTest {

    private static final String SOURCE = "forged.zip";

    private final DfuPackageReader reader = new DfuPackageReader();

    @ParameterizedTest
    @EnumSource(value = Forgery.class, mode = EnumSource.Mode.EXCLUDE, names = "COMMAND_BESIDE_SIGNED_COMMAND")
    void each_forgery_would_fool_a_reader_that_merges_fields(Forgery forgery) throws Exception {
        Map<String, byte[]> entries = ForgedPackages.entries(ForgedPackages.zip(forgery));

        DfuCc.InitCommand merged = ForgedPackages.asMerged(entries.get("app_24k.dat"));

        // the attack: what protobuf's merge reads names the tampered firmware's hash
        assertThat(merged.getHash().getHash().toByteArray())
                .isEqualTo(Sha256.initPacketHash(entries.get("app_24k.bin")));
    }

    @ParameterizedTest
    @EnumSource(Forgery.class)
    void each_forgery_is_refused_with_the_key(Forgery forgery) {
        PackageException e = catchThrowableOfType(PackageException.class,
                () -> reader.inspect(SOURCE, ForgedPackages.zip(forgery), Fixtures.publicKey()));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.fault()).as(e.getMessage()).isEqualTo(Fault.NONSTANDARD_INIT_PACKET);
        assertThat(e.getMessage()).startsWith(SOURCE + ": app_24k.dat: init packet refused, nrfutil never writes")
                .doesNotContain("\n");
        assertThat(e.advice()).contains("do not flash it");
    }

    @ParameterizedTest
    @EnumSource(Forgery.class)
    void each_forgery_is_refused_without_a_key_too(Forgery forgery) {
        PackageException e = catchThrowableOfType(PackageException.class,
                () -> reader.read(SOURCE, ForgedPackages.zip(forgery)));

        assertThat(e).isNotNull();
        assertThat(e.fault()).isEqualTo(Fault.NONSTANDARD_INIT_PACKET);
    }

    @Test
    void the_messages_name_the_duplicated_field() {
        assertThat(message(Forgery.SECOND_COMMAND_IN_SIGNED_COMMAND))
                .contains("signed_command.command appears more than once");
        assertThat(message(Forgery.SECOND_SIGNED_COMMAND)).contains("Packet.signed_command appears more than once");
        assertThat(message(Forgery.SECOND_INIT_IN_COMMAND))
                .contains("signed_command.command.init appears more than once");
        assertThat(message(Forgery.COMMAND_BESIDE_SIGNED_COMMAND)).contains("a command beside the signed_command");
        assertThat(message(Forgery.REPEATED_HASH_FIELD))
                .contains("signed_command.command.init.hash appears more than once");
    }

    @Test
    void the_unforged_fixture_still_verifies() {
        PackageValidation v = reader.inspect(ForgedPackages.BASE, Fixtures.bytes(ForgedPackages.BASE),
                Fixtures.publicKey());

        assertThat(v.isValid()).isTrue();
        assertThat(v.images().get(0).signature()).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void the_fields_read_are_parsed_from_the_signed_bytes() throws Exception {
        byte[] dat = ForgedPackages.entries(Fixtures.bytes(ForgedPackages.BASE)).get("app_24k.dat");

        InitPacket init = InitPacket.parse("app_24k.dat", dat);

        assertThat(init.command()).isEqualTo(DfuCc.InitCommand.parseFrom(init.signedBytes()));
        assertThat(init.verifySignature(Fixtures.publicKey())).isTrue();
    }

    /** Other packets nrfutil never writes, each refused by name; a hex {@code .dat} per case (fields commented). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // Packet { command { op_code INIT, init { fw_version 1, fw_version 2 } } }
            "0a 08 08 01 12 04 08 01 08 02|init.fw_version appears more than once",
            // Packet { command { op_code INIT, op_code INIT, init {} } }
            "0a 06 08 01 08 01 12 00|command.op_code appears more than once",
            // Packet { command { op_code INIT, init {} }, field 7 varint 1 }
            "0a 04 08 01 12 00 38 01|Packet holds unknown field 7",
            // Packet { command { op_code INIT, init { field 15 bytes "" } } }
            "0a 06 08 01 12 02 7a 00|init holds unknown field 15",
            // Packet { command { op_code INIT, init { type 9 } } }: an enum value no schema knows
            "0a 06 08 01 12 02 20 09|init.type is 9, not a known value",
            // Packet { command { op_code INIT, init { app_size 2^32 } } }: past uint32
            "0a 0a 08 01 12 06 38 80 80 80 80 10|init.app_size is 4294967296, which does not fit its uint32",
            // Packet { command { op_code INIT, init { sd_req as an unpacked varint } } }
            "0a 06 08 01 12 02 18 01|init.sd_req has wire type 0 instead of 2",
            // Packet { command { op_code INIT, init { is_debug 2 } } }
            "0a 06 08 01 12 02 48 02|init.is_debug is 2",
            // Packet { command { op_code INIT, init {}, reset { timeout 1 } } }
            "0a 08 08 01 12 00 1a 02 08 01|holds a reset command beside the init command",
            // Packet { command { op_code INIT, init { hash { hash_type SHA256, hash_type SHA256, hash "" } } } }
            "0a 0c 08 01 12 08 42 06 08 03 08 03 12 00|init.hash.hash_type appears more than once",
    })
    void other_packets_nrfutil_never_writes_are_refused_by_name(String testCase) {
        String[] parts = testCase.split("\\|");
        byte[] dat = HexFormat.ofDelimiter(" ").parseHex(parts[0]);

        PackageException e = catchThrowableOfType(PackageException.class, () -> InitPacket.parse("x.dat", dat));

        assertThat(e).isNotNull();
        assertThat(e.fault()).as(e.getMessage()).isEqualTo(Fault.NONSTANDARD_INIT_PACKET);
        assertThat(e.getMessage()).contains(parts[1]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // Packet { command { op_code INIT, init { fw_version as an overlong varint 81 00 } } }
            "0a 07 08 01 12 03 08 81 00",
            // Packet { command { op_code INIT, init { } } } then one stray byte (a cut tag)
            "0a 04 08 01 12 00 80",
            // Packet { command { op_code INIT, init { hash 5 bytes declared, 2 present } } }
            "0a 08 08 01 12 04 42 05 08 03",
            // Packet { command { op_code INIT, init { hash { hash "" } } } }: hash_type required
            "0a 08 08 01 12 04 42 02 12 00",
            // Packet { signed_command { command { op_code INIT, init {} } } }: no signature
            "12 06 0a 04 08 01 12 00",
    })
    void malformed_or_incomplete_packets_are_refused_as_init_packet_faults(String hex) {
        byte[] dat = HexFormat.ofDelimiter(" ").parseHex(hex);

        PackageException e = catchThrowableOfType(PackageException.class, () -> InitPacket.parse("x.dat", dat));

        assertThat(e).isNotNull();
        assertThat(e.fault()).as(e.getMessage()).isEqualTo(Fault.INIT_PACKET);
    }

    private String message(Forgery forgery) {
        return catchThrowableOfType(PackageException.class,
                () -> reader.read(SOURCE, ForgedPackages.zip(forgery))).getMessage();
    }
}
