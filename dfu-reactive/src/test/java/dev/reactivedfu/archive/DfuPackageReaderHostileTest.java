package dev.reactivedfu.archive;

import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.reactivedfu.archive.ImageKind.APPLICATION;
import static dev.reactivedfu.archive.ImageKind.BOOTLOADER;
import static dev.reactivedfu.archive.ImageKind.SOFTDEVICE;
import static dev.reactivedfu.archive.ImageKind.SOFTDEVICE_BOOTLOADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Hostile and broken packages, built in the tests: each is refused with a {@link PackageException} naming the file
 * and the fault, and nothing is written anywhere.
 */
class DfuPackageReaderHostileTest {

    private static final String SOURCE = "hostile.zip";

    private final DfuPackageReader reader = new DfuPackageReader();

    private PackageException refused(byte[] zip, Fault fault) {
        return refused(reader, zip, fault);
    }

    private static PackageException refused(DfuPackageReader reader, byte[] zip, Fault fault) {
        PackageException e = catchThrowableOfType(PackageException.class, () -> reader.read(SOURCE, zip));
        assertThat(e).as("expected a PackageException").isNotNull();
        assertThat(e.fault()).as(e.getMessage()).isEqualTo(fault);
        assertThat(e.file()).isEqualTo(SOURCE);
        assertThat(e.getMessage()).startsWith(SOURCE + ": ");
        assertThat(e.advice()).isNotBlank();
        return e;
    }

    // ---------------------------------------------------------------- a valid base to break

    @Test
    void all_four_kinds_come_out_in_send_order_whatever_the_order_of_manifest_and_entries() {
        byte[] zip = TestPackages.zip(TestPackages.entries(APPLICATION, BOOTLOADER, SOFTDEVICE, SOFTDEVICE_BOOTLOADER));

        DfuPackage pkg = reader.read(SOURCE, zip);

        assertThat(pkg.images()).extracting(FirmwareImage::kind)
                .containsExactly(SOFTDEVICE_BOOTLOADER, SOFTDEVICE, BOOTLOADER, APPLICATION);
        assertThat(pkg.images()).extracting(FirmwareImage::binFile).containsExactly(
                "softdevice_bootloader.bin", "softdevice.bin", "bootloader.bin", "application.bin");
    }

    // ---------------------------------------------------------------- not a zip, truncated, damaged

    @Test
    void an_empty_file_is_not_a_zip() {
        assertThat(refused(new byte[0], Fault.NOT_A_ZIP)).hasMessage(SOURCE + ": not a zip file: the file is empty");
    }

    @Test
    void a_text_file_is_not_a_zip() {
        byte[] text = "{\"manifest\": {}}".getBytes(StandardCharsets.UTF_8);

        assertThat(refused(text, Fault.NOT_A_ZIP)).hasMessageContaining("it starts with 7b 22 6d 61, not PK 03 04");
    }

    @Test
    void a_bare_init_packet_is_not_a_zip() {
        refused(TestPackages.dat(TestPackages.initFor(APPLICATION, new byte[16])), Fault.NOT_A_ZIP);
    }

    @ParameterizedTest(name = "cut to {0} bytes")
    @ValueSource(ints = {2, 4, 30, 100, 1000, 12_000})
    void a_zip_cut_short_is_truncated(int length) {
        byte[] zip = Arrays.copyOf(Fixtures.bytes(Fixtures.APP_24K), length);

        refused(zip, Fault.TRUNCATED);
    }

    @Test
    void a_zip_cut_inside_its_central_directory_is_truncated_although_every_entry_is_whole() {
        byte[] whole = Fixtures.bytes(Fixtures.APP_24K);

        for (int cut = 1; cut <= 60; cut++) {
            byte[] zip = Arrays.copyOf(whole, whole.length - cut);
            assertThat(catchThrowableOfType(PackageException.class, () -> reader.read(SOURCE, zip)).fault())
                    .as("cut %d bytes off the end", cut).isEqualTo(Fault.TRUNCATED);
        }
    }

    @Test
    void a_zip_with_corrupted_compressed_data_is_refused_as_damaged() {
        byte[] zip = Fixtures.bytes(Fixtures.APP_24K);
        for (int i = 3000; i < 3100; i++) {
            zip[i] ^= 0x5A;
        }

        assertThat(refused(zip, Fault.NOT_A_ZIP)).hasMessageContaining("damaged zip");
    }

    @Test
    void a_zip_whose_directory_lists_more_entries_than_it_holds_is_refused() {
        byte[] zip = TestPackages.zip(TestPackages.entries(APPLICATION));
        int end = zip.length - 22;                       // end record, no comment
        zip[end + 8] = 4;                                // entries on this disk
        zip[end + 10] = 4;                               // entries in total: 4, but 3 are there

        assertThat(refused(zip, Fault.NOT_A_ZIP)).hasMessageContaining("lists 4 entries but it holds 3");
    }

    // ---------------------------------------------------------------- unsafe names, duplicates

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../evil.bin", "firmware/../../evil.bin", "/etc/evil.bin", "\\evil.bin",
            "..\\evil.bin", "C:\\evil.bin", "c:/evil.bin", "a/b/.."})
    void an_entry_named_outside_the_archive_is_refused(String name) {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put(name, new byte[] {1, 2, 3});

        PackageException e = refused(TestPackages.zip(entries), Fault.UNSAFE_ENTRY);

        assertThat(e.getMessage()).contains("entry '" + name + "'");
    }

    @Test
    void a_manifest_naming_a_file_outside_the_archive_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("manifest.json", ("{\"manifest\": {\"application\": {\"bin_file\": \"../../etc/passwd\", "
                + "\"dat_file\": \"application.dat\"}}}").getBytes(StandardCharsets.UTF_8));

        assertThat(refused(TestPackages.zip(entries), Fault.UNSAFE_ENTRY))
                .hasMessageContaining("manifest.json names '../../etc/passwd' for the application");
    }

    @Test
    void a_hostile_package_on_disk_leaves_its_directory_exactly_as_it_was(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("../evil.bin", new byte[] {1});
        entries.put("sub/evil.bin", new byte[] {2});
        Path packages = Files.createDirectories(dir.resolve("packages"));
        Path file = Files.write(packages.resolve("evil.zip"), TestPackages.zip(entries));

        PackageException e = catchThrowableOfType(PackageException.class, () -> reader.read(file));

        assertThat(e.fault()).isEqualTo(Fault.UNSAFE_ENTRY);
        assertThat(e.file()).isEqualTo(file.toString());
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all).containsExactlyInAnyOrder(dir, packages, file);
        }
    }

    @Test
    void an_entry_that_appears_twice_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("application.bi_", new byte[] {1, 2, 3});     // renamed to application.bin below
        byte[] zip = TestPackages.patch(TestPackages.zip(entries), "application.bi_", "application.bin");

        assertThat(refused(zip, Fault.DUPLICATE_ENTRY))
                .hasMessage(SOURCE + ": entry 'application.bin' appears more than once");
    }

    @Test
    void a_manifest_with_an_image_kind_twice_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("manifest.json", ("{\"manifest\": {"
                + "\"application\": {\"bin_file\": \"application.bin\", \"dat_file\": \"application.dat\"}, "
                + "\"application\": {\"bin_file\": \"other.bin\", \"dat_file\": \"application.dat\"}}}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(refused(TestPackages.zip(entries), Fault.MANIFEST)).hasMessageContaining("Duplicate field");
    }

    @Test
    void too_many_entries_are_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        for (int i = 0; entries.size() <= DfuPackageReader.MAX_ENTRIES; i++) {
            entries.put("filler" + i, new byte[0]);
        }

        assertThat(refused(TestPackages.zip(entries), Fault.TOO_LARGE)).hasMessageContaining("more than 64 entries");
    }

    // ---------------------------------------------------------------- missing entries, manifest

    @Test
    void a_package_without_manifest_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.remove("manifest.json");

        assertThat(refused(TestPackages.zip(entries), Fault.MISSING_ENTRY)).hasMessageContaining("no manifest.json");
    }

    @Test
    void a_manifest_naming_a_missing_firmware_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.remove("application.bin");

        assertThat(refused(TestPackages.zip(entries), Fault.MISSING_ENTRY)).hasMessage(SOURCE
                + ": manifest.json names 'application.bin' for the application, but the archive has no such entry");
    }

    @Test
    void a_manifest_naming_a_missing_init_packet_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(SOFTDEVICE_BOOTLOADER, APPLICATION);
        entries.remove("softdevice_bootloader.dat");

        assertThat(refused(TestPackages.zip(entries), Fault.MISSING_ENTRY))
                .hasMessageContaining("'softdevice_bootloader.dat' for the softdevice_bootloader");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"manifest\": {\"application\": {\"bin_file\": \"application.bin\",",   // cut short
            "{manifest: {}}",                                                          // not JSON
            "{\"manifest\": {}} trailing",                                             // garbage after it
            "\u00ff\u00fe"})                                                           // not text
    void malformed_json_is_refused(String json) {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("manifest.json", json.getBytes(StandardCharsets.ISO_8859_1));

        assertThat(refused(TestPackages.zip(entries), Fault.MANIFEST)).hasMessageContaining("manifest.json is not valid JSON");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "",
            "[]",
            "{\"images\": {}}",
            "{\"manifest\": []}",
            "{\"manifest\": {}}",
            "{\"manifest\": {\"firmware\": {\"bin_file\": \"application.bin\", \"dat_file\": \"application.dat\"}}}",
            "{\"manifest\": {\"application\": \"application.bin\"}}",
            "{\"manifest\": {\"application\": {\"dat_file\": \"application.dat\"}}}",
            "{\"manifest\": {\"application\": {\"bin_file\": 7, \"dat_file\": \"application.dat\"}}}",
            "{\"manifest\": {\"application\": {\"bin_file\": \"\", \"dat_file\": \"application.dat\"}}}",
            "{\"manifest\": {\"application\": {\"bin_file\": \"application.bin\", \"dat_file\": \"application.dat\", "
                    + "\"info_read_only_metadata\": {\"sd_size\": \"big\", \"bl_size\": 1}}}}"})
    void a_manifest_of_the_wrong_shape_is_refused(String json) {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("manifest.json", json.getBytes(StandardCharsets.UTF_8));

        refused(TestPackages.zip(entries), Fault.MANIFEST);
    }

    // ---------------------------------------------------------------- init packets

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ff ff ff ff", "0a", "12 05 0a 03 08 01", "0a 02 08 02", "2a 00"})
    void a_malformed_init_packet_is_refused(String hex) {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("application.dat", java.util.HexFormat.ofDelimiter(" ").parseHex(hex));

        assertThat(refused(TestPackages.zip(entries), Fault.INIT_PACKET)).hasMessageStartingWith(
                SOURCE + ": application.dat: ");
    }

    @Test
    void an_init_packet_cut_short_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        byte[] dat = entries.get("application.dat");
        entries.put("application.dat", Arrays.copyOf(dat, dat.length - 5));

        refused(TestPackages.zip(entries), Fault.INIT_PACKET);
    }

    @Test
    void an_empty_firmware_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("application.bin", new byte[0]);
        entries.put("application.dat", TestPackages.dat(TestPackages.initFor(APPLICATION, new byte[0])));

        assertThat(refused(TestPackages.zip(entries), Fault.SIZE_MISMATCH)).hasMessageContaining("image is empty");
    }

    // ---------------------------------------------------------------- validation against the init packet

    @Test
    void an_app_size_that_does_not_match_the_firmware_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        byte[] fw = entries.get("application.bin");
        entries.put("application.dat", TestPackages.dat(TestPackages.initFor(APPLICATION, fw).setAppSize(4096)));

        assertThat(refused(TestPackages.zip(entries), Fault.SIZE_MISMATCH)).hasMessageContaining(
                "application.dat: app_size 4096 does not match application.bin of " + fw.length + " bytes");
    }

    @Test
    void softdevice_and_bootloader_sizes_must_add_up_to_the_image() {
        Map<String, byte[]> entries = TestPackages.entries(SOFTDEVICE_BOOTLOADER);
        byte[] fw = entries.get("softdevice_bootloader.bin");
        entries.put("softdevice_bootloader.dat", TestPackages.dat(
                TestPackages.initFor(SOFTDEVICE_BOOTLOADER, fw).setSdSize(4096).setBlSize(1024)));

        assertThat(refused(TestPackages.zip(entries), Fault.SIZE_MISMATCH))
                .hasMessageContaining("sd_size 4096 + bl_size 1024 = 5120 does not match softdevice_bootloader.bin of 8192 bytes");
    }

    @Test
    void manifest_metadata_disagreeing_with_the_init_packet_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(SOFTDEVICE_BOOTLOADER);
        entries.put("manifest.json", ("{\"manifest\": {\"softdevice_bootloader\": {\"bin_file\": "
                + "\"softdevice_bootloader.bin\", \"dat_file\": \"softdevice_bootloader.dat\", "
                + "\"info_read_only_metadata\": {\"sd_size\": 4096, \"bl_size\": 4096}}}}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(refused(TestPackages.zip(entries), Fault.SIZE_MISMATCH))
                .hasMessageContaining("differ from the manifest's info_read_only_metadata (sd_size 4096, bl_size 4096)");
    }

    @Test
    void softdevice_and_bootloader_images_are_checked_against_their_own_size_field() {
        Map<String, byte[]> entries = TestPackages.entries(SOFTDEVICE, BOOTLOADER);
        byte[] bl = entries.get("bootloader.bin");
        entries.put("bootloader.dat", TestPackages.dat(TestPackages.initFor(BOOTLOADER, bl).setBlSize(0)
                .setAppSize(bl.length)));

        assertThat(refused(TestPackages.zip(entries), Fault.SIZE_MISMATCH)).hasMessageContaining("bl_size 0");
    }

    @Test
    void an_init_packet_whose_type_is_not_the_manifest_kind_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        byte[] fw = entries.get("application.bin");
        entries.put("application.dat", TestPackages.dat(TestPackages.initFor(APPLICATION, fw)
                .setType(DfuCc.FwType.BOOTLOADER)));

        assertThat(refused(TestPackages.zip(entries), Fault.MANIFEST))
                .hasMessageContaining("the manifest lists it as application but its init packet's type is BOOTLOADER");
    }

    @Test
    void a_hash_type_other_than_sha256_is_refused() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        byte[] fw = entries.get("application.bin");
        DfuCc.InitCommand.Builder init = TestPackages.initFor(APPLICATION, fw);
        init.getHashBuilder().setHashType(DfuCc.HashType.CRC);
        entries.put("application.dat", TestPackages.dat(init));

        PackageValidation v = reader.inspect(SOURCE, TestPackages.zip(entries));
        assertThat(v.images().get(0).hashTypeSupported()).isFalse();
        assertThat(v.images().get(0).hashValid()).isFalse();
        assertThat(refused(TestPackages.zip(entries), Fault.UNSUPPORTED_HASH)).hasMessageContaining("hash type CRC");
    }

    @Test
    void an_init_packet_without_hash_is_refused_for_its_hash_type() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        byte[] fw = entries.get("application.bin");
        entries.put("application.dat", TestPackages.dat(TestPackages.initFor(APPLICATION, fw).clearHash()));

        refused(TestPackages.zip(entries), Fault.UNSUPPORTED_HASH);
    }

    @Test
    void a_firmware_changed_after_its_init_packet_was_made_is_refused_for_its_hash() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.get("application.bin")[100] ^= 1;

        refused(TestPackages.zip(entries), Fault.HASH_MISMATCH);
    }

    @Test
    void every_failed_check_is_reported_and_the_first_one_refuses_the_package() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        byte[] fw = entries.get("application.bin");
        entries.put("application.dat", TestPackages.dat(TestPackages.initFor(APPLICATION, fw).setAppSize(1)));
        entries.get("application.bin")[0] ^= 1;

        PackageValidation v = reader.inspect(SOURCE, TestPackages.zip(entries));

        assertThat(v.isValid()).isFalse();
        assertThat(v.problems()).extracting(ImageValidation.Problem::fault)
                .containsExactly(Fault.HASH_MISMATCH, Fault.SIZE_MISMATCH);
        assertThat(v.failure()).get().extracting(PackageException::getMessage).asString()
                .endsWith("(and 1 more problem)");
    }

    // ---------------------------------------------------------------- size limits and zip bombs

    @Test
    void an_image_over_the_configured_limit_is_refused_and_one_at_the_limit_is_read() {
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        int size = entries.get("application.bin").length;

        assertThat(reader.withMaxImageSize(size).read(SOURCE, TestPackages.zip(entries)).images()).hasSize(1);
        assertThat(refused(reader.withMaxImageSize(size - 1), TestPackages.zip(entries), Fault.TOO_LARGE))
                .hasMessageContaining("entry 'application.bin' inflates to more than the limit of " + (size - 1));
    }

    @Test
    void the_default_image_limit_is_16_mib() {
        assertThat(reader.maxImageSize()).isEqualTo(16L * 1024 * 1024);
        Map<String, byte[]> entries = TestPackages.entries(APPLICATION);
        entries.put("application.bin", new byte[16 * 1024 * 1024 + 1]);

        refused(TestPackages.zip(entries), Fault.TOO_LARGE);
    }

    @Test
    void a_zip_bomb_is_stopped_at_the_limit_whatever_its_headers_claim() throws IOException {
        // 256 MiB of zeros deflates to about 256 KiB; the records are then patched to claim 1000 bytes
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(TestPackages.manifest(APPLICATION).getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("application.bin"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        byte[] bomb = claimSmallSizes(out.toByteArray());
        assertThat(bomb.length).isLessThan(1 << 20);

        PackageException e = refused(bomb, Fault.TOO_LARGE);

        assertThat(e).hasMessageContaining("entry 'application.bin' inflates to more than the limit of 16777216 bytes");
    }

    @Test
    void many_entries_each_under_the_image_limit_are_stopped_at_the_archive_limit() {
        Map<String, byte[]> entries = new LinkedHashMap<>(TestPackages.entries(APPLICATION));
        byte[] zeros = new byte[12 * 1024 * 1024];
        for (String name : List.of("pad1", "pad2", "pad3")) {
            entries.put(name, zeros);
        }

        assertThat(refused(TestPackages.zip(entries), Fault.TOO_LARGE))
                .hasMessageContaining("the entries inflate to more than the limit of 33554432 bytes (at 'pad3')");
    }

    @Test
    void a_file_larger_than_the_archive_limit_is_refused_before_it_is_read(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("big.zip"), Fixtures.bytes(Fixtures.APP_24K));

        PackageException e = catchThrowableOfType(PackageException.class,
                () -> reader.withMaxArchiveSize(1000).read(file));

        assertThat(e.fault()).isEqualTo(Fault.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo(file + ": the file is " + Files.size(file)
                + " bytes, more than the limit of 1000 bytes for a package");
    }

    @Test
    void a_missing_file_is_an_io_fault_naming_it(@TempDir Path dir) {
        Path file = dir.resolve("nope.zip");

        PackageException e = catchThrowableOfType(PackageException.class, () -> reader.read(file));

        assertThat(e.fault()).isEqualTo(Fault.IO);
        assertThat(e.getMessage()).isEqualTo(file + ": no such file");
        assertThat(catchThrowableOfType(PackageException.class, () -> reader.read(dir)).fault()).isEqualTo(Fault.IO);
    }

    /**
     * Makes the zip's records claim that {@code application.bin} inflates to 1000 bytes: its central directory
     * header and the data descriptor after its data.
     */
    private static byte[] claimSmallSizes(byte[] zip) {
        byte[] out = zip.clone();
        int end = out.length - 22;                                   // end record, no comment
        int entries = u16(out, end + 10);
        int cd = (int) u32(out, end + 16);
        for (int i = 0; i < entries; i++) {
            int nameLength = u16(out, cd + 28);
            int extraLength = u16(out, cd + 30);
            int commentLength = u16(out, cd + 32);
            String name = new String(out, cd + 46, nameLength, StandardCharsets.UTF_8);
            if (name.equals("application.bin")) {
                long compressed = u32(out, cd + 20);
                int local = (int) u32(out, cd + 42);
                int descriptor = (int) (local + 30 + u16(out, local + 26) + u16(out, local + 28) + compressed);
                assertThat(u32(out, descriptor)).as("data descriptor signature").isEqualTo(0x08074b50L);
                putU32(out, descriptor + 12, 1000);                  // descriptor: uncompressed size
                putU32(out, cd + 24, 1000);                          // central directory: uncompressed size
            }
            cd += 46 + nameLength + extraLength + commentLength;
        }
        return out;
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int offset) {
        return (u16(b, offset) | (long) u16(b, offset + 2) << 16) & 0xFFFF_FFFFL;
    }

    private static void putU32(byte[] b, int offset, long v) {
        for (int k = 0; k < 4; k++) {
            b[offset + k] = (byte) (v >>> (8 * k));
        }
    }
}
