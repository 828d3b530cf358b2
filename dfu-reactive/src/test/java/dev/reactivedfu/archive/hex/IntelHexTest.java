package dev.reactivedfu.archive.hex;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Intel HEX reader and writer: every record type, every refusal with its line, nrfutil's layout. */
class IntelHexTest {

    static final String APP_12K = "nrfutil-reference/app_12k.hex";

    private static IntelHex parse(String text) {
        return IntelHexReader.parse("t.hex", text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.fault()).isEqualTo(Fault.HEX))
                .hasMessage("t.hex: " + message);
    }

    @Test
    void nrfutil_application_hex_reads_as_12345_bytes_at_0x27000_and_pads_to_12348() {
        IntelHex hex = IntelHexReader.parse(APP_12K, Fixtures.bytes(APP_12K));

        assertThat(hex.segments()).hasSize(1);
        assertThat(hex.minAddress()).isEqualTo(0x27000);
        assertThat(hex.endAddress()).isEqualTo(0x27000 + 12_345);
        assertThat(hex.toBinary()).hasSize(12_345);
        byte[] padded = hex.toBinary(4);
        assertThat(padded).hasSize(12_348);
        assertThat(Arrays.copyOfRange(padded, 12_345, 12_348)).containsExactly(0xFF, 0xFF, 0xFF);
        // first data record: :10 7000 00 24E7F73F...
        assertThat(Arrays.copyOf(padded, 4)).containsExactly(0x24, 0xE7, 0xF7, 0x3F);
    }

    @Test
    void nrfutil_application_hex_is_written_back_byte_for_byte() {
        byte[] original = Fixtures.bytes(APP_12K);

        String written = IntelHexReader.parse(APP_12K, original).toHex();

        assertThat(written).isEqualTo(new String(original, StandardCharsets.US_ASCII));
    }

    @Test
    void every_record_type_is_understood() {
        IntelHex hex = parse(String.join("\n",
                ":0400000300001234B3", //  03 start segment address CS 0x0000 IP 0x1234
                ":020000021000EC", //      02 extended segment address: base 0x1000 * 16 = 0x10000
                ":020010000102EB", //      00 two bytes 01 02 at 0x10010
                ":020000040002F8", //      04 extended linear address: base 0x20000
                ":03000000AABBCCCC", //    00 three bytes AA BB CC at 0x20000
                ":00000001FF", //          01 end of file
                ""));

        assertThat(hex.segments()).containsExactly(
                new IntelHex.Segment(0x10010, new byte[] {1, 2}),
                new IntelHex.Segment(0x20000, new byte[] {(byte) 0xAA, (byte) 0xBB, (byte) 0xCC}));
        assertThat(hex.start()).contains(new IntelHex.StartAddress.Segmented(0, 0x1234));
    }

    @Test
    void start_linear_address_record_is_read_and_written_first() {
        IntelHex hex = parse(":040000050002700085" + "\n:0100000042BD\n:00000001FF\n");

        assertThat(hex.start()).contains(new IntelHex.StartAddress.Linear(0x27000));
        assertThat(hex.toHex()).isEqualTo(":040000050002700085\n:0100000042BD\n:00000001FF\n");
    }

    @Test
    void crlf_line_ends_and_blank_lines_are_accepted() {
        IntelHex hex = parse(":0100000042BD\r\n\r\n:00000001FF\r\n\r\n");

        assertThat(hex.toBinary()).containsExactly(0x42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad checksum           | :0100000042BC\\n:00000001FF                 | line 1: checksum 0xBC, expected 0xBD (the record is corrupt)
            no colon               | :0100000042BD\\n0100000042BD\\n:00000001FF  | line 2: does not start with ':' (not an Intel HEX record)
            odd digits             | :0100000042B\\n:00000001FF                  | line 1: a record needs an even number of at least 10 hex digits after ':', found 11
            not hex                | :01000000G2BD\\n:00000001FF                 | line 1: 'G2' is not a hex byte
            count too large        | :0200000042BC\\n:00000001FF                 | line 1: byte count 2 but the record holds 1 data bytes
            unknown type           | :00000006FA\\n:00000001FF                   | line 1: unknown record type 0x06 (known: 00 to 05)
            eof with data          | :0100000100FE                              | line 1: record type 0x01 must hold 0 bytes, holds 1
            short 04 record        | :0100000400FB\\n:00000001FF                 | line 1: record type 0x04 must hold 2 bytes, holds 1
            record after eof       | :00000001FF\\n:0100000042BD                 | line 2: a record after the end-of-file record of line 1
            two start records      | :040000050002700085\\n:040000050002700085\\n:00000001FF | line 2: a second start address record (the first is on line 1)
            truncated              | :0100000042BD                              | no end-of-file record (:00000001FF): the file is truncated or not Intel HEX
            """)
    void malformed_records_are_refused_naming_the_line(String name, String text, String message) {
        assertRefused(text.replace("\\n", "\n"), message);
    }

    @Test
    void overlapping_data_is_refused_naming_both_lines() {
        assertRefused(String.join("\n",
                ":040000001122334452", //     0x0000..0x0003
                ":040010001122334442", //     0x0010..0x0013
                ":02000200556641", //         0x0002..0x0003: overlaps line 1
                ":00000001FF"),
                "line 3: data at 0x00000002..0x00000003 overlaps data of line 1 (0x00000000..0x00000003)");
    }

    @Test
    void data_below_the_previous_record_without_overlap_is_refused_as_out_of_order() {
        assertRefused(String.join("\n",
                ":040000001122334452", //     0x0000..0x0003
                ":040010001122334442", //     0x0010..0x0013
                ":0200080055663B", //         0x0008..0x0009: in the gap, but after line 2's data
                ":00000001FF"),
                "line 3: data at 0x00000008 comes before the end (0x00000014) of line 2's data: records out of order");
    }

    @Test
    void data_in_a_lower_linear_segment_after_a_higher_one_is_out_of_order() {
        assertRefused(String.join("\n",
                ":020000040001F9", //         base 0x10000
                ":0100000042BD", //           0x10000
                ":020000040000FA", //         base 0
                ":0100000042BD", //           0x00000: below
                ":00000001FF"),
                "line 4: data at 0x00000000 comes before the end (0x00010001) of line 2's data: records out of order");
    }

    @Test
    void writer_splits_at_holes_and_64k_boundaries_and_emits_04_records_only_above_64k() {
        IntelHex low = IntelHex.builder()
                .put(0x0008, bytes(20, 1))
                .put(0x0100, bytes(3, 100))
                .build();
        assertThat(low.toHex()).isEqualTo(String.join("\n",
                record(0x0008, bytes(16, 1)),
                record(0x0018, bytes(4, 17)),
                record(0x0100, bytes(3, 100)),
                ":00000001FF", ""));

        IntelHex crossing = IntelHex.of(0xFFF8, bytes(24, 1));
        assertThat(crossing.toHex()).isEqualTo(String.join("\n",
                ":020000040000FA",
                record(0xFFF8, bytes(8, 1)),
                ":020000040001F9",
                record(0x0000, bytes(16, 9)),
                ":00000001FF", ""));
    }

    @Test
    void random_images_round_trip_through_the_writer_and_reader() {
        long seed = System.nanoTime();
        System.out.println("IntelHexTest seed " + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            IntelHex.Builder b = IntelHex.builder();
            long address = random.nextInt(0x30000);
            for (int s = random.nextInt(5); s >= 0; s--) {
                byte[] data = new byte[1 + random.nextInt(300)];
                random.nextBytes(data);
                b.put(address, data);
                address += data.length + 1 + random.nextInt(0x20000);
            }
            IntelHex hex = b.build();

            IntelHex back = IntelHexReader.parse("round" + round, hex.toHex().getBytes(StandardCharsets.US_ASCII));

            assertThat(back).as("seed %d round %d", seed, round).isEqualTo(hex);
        }
    }

    @Test
    void builder_refuses_overlap_and_merges_adjacent_runs() {
        IntelHex.Builder b = IntelHex.builder().put(0x10, bytes(4, 0)).put(0x14, bytes(4, 4));
        assertThatThrownBy(() -> b.put(0x12, bytes(1, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data at 0x00000012..0x00000012 overlaps data at 0x00000010..0x00000013");

        assertThat(b.build().segments()).containsExactly(new IntelHex.Segment(0x10, bytes(8, 0)));
    }

    @Test
    void slice_drops_what_lies_outside_like_a_softdevice_without_its_mbr() {
        IntelHex sd = IntelHex.builder().put(0x0000, bytes(0x20, 0)).put(0x1000, bytes(8, 1)).build();

        assertThat(sd.slice(0x1000, IntelHex.ADDRESS_LIMIT).segments())
                .containsExactly(new IntelHex.Segment(0x1000, bytes(8, 1)));
        assertThat(sd.slice(0x10, 0x1004).toBinary()).hasSize(0x1004 - 0x10);
    }

    @Test
    void read_names_a_missing_file_and_writes_atomically(@TempDir Path dir) {
        assertThatThrownBy(() -> IntelHexReader.read(dir.resolve("missing.hex")))
                .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.fault()).isEqualTo(Fault.IO))
                .hasMessageEndingWith("missing.hex: no such file");

        Path out = dir.resolve("out.hex");
        IntelHex.of(0x27000, bytes(5, 7)).write(out);

        assertThat(IntelHexReader.read(out)).isEqualTo(IntelHex.of(0x27000, bytes(5, 7)));
    }

    @Test
    void empty_image_is_only_an_end_of_file_record() {
        assertThat(IntelHex.empty().toHex()).isEqualTo(":00000001FF\n");
        assertThat(parse(":00000001FF").isEmpty()).isTrue();
    }

    private static byte[] bytes(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    /** A data record computed independently of the writer. */
    private static String record(int address, byte[] data) {
        byte[] r = new byte[data.length + 5];
        r[0] = (byte) data.length;
        r[1] = (byte) (address >>> 8);
        r[2] = (byte) address;
        r[3] = 0;
        System.arraycopy(data, 0, r, 4, data.length);
        int sum = 0;
        for (int i = 0; i < r.length - 1; i++) {
            sum += r[i] & 0xFF;
        }
        r[r.length - 1] = (byte) -sum;
        return ":" + HexFormat.of().withUpperCase().formatHex(r);
    }
}
