package dev.reactivedfu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.ForgedPackages;
import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.archive.hex.IntelHex;
import dev.reactivedfu.simulator.MemoryLayout;
import dev.reactivedfu.simulator.SimulatedBootloader;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.Runs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dfu pkg generate} in process, against what nrfutil 6.1.7 made ({@code fixtures/nrfutil-reference}), every
 * nRF52 combination read back by {@code dfu pkg display} and flashed onto the simulated board, and every refusal.
 */
class PkgGenerateCommandTest {

    private static final String REF = "nrfutil-reference/";
    /** The DOS time of the reference packages' entries. */
    private static final LocalDateTime REF_TIME = LocalDateTime.of(2026, 12, 1, 20, 23, 20);
    private static final ECPublicKey REF_KEY = PublicKeys.parse("ref_public.pem",
            new String(Fixtures.bytes(REF + "ref_public.pem"), StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    @BeforeEach
    void fixTheClock() {
        PkgCommand.Generate.fixedTime = REF_TIME;
    }

    @AfterEach
    void freeTheClock() {
        PkgCommand.Generate.fixedTime = null;
    }

    private String ref(String name) {
        try {
            return Files.write(dir.resolve(name), Fixtures.bytes(REF + name)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String bin(String name, int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        try {
            return Files.write(dir.resolve(name), b).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String out() {
        return dir.resolve("out.zip").toString();
    }

    // ---------------------------------------------------------------- against the nrfutil reference

    @Test
    void the_unsigned_reference_command_writes_nrfutils_package_byte_for_byte() {
        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--application-version", "3", "--application", ref("app_12k.hex"), out());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Zip created at " + out());
        assertThat(Path.of(out())).hasBinaryContent(Fixtures.bytes(REF + "ref_app_12k_unsigned.zip"));
    }

    @Test
    void the_signed_reference_command_writes_the_same_manifest_bin_and_init_command_signed_by_the_key()
            throws Exception {
        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA,0x0100",
                "--application-version", "3", "--application", ref("app_12k.hex"),
                "--app-boot-validation", "VALIDATE_GENERATED_SHA256", "--key-file", ref("ref_private.pem"), out());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        Map<String, byte[]> ours = ForgedPackages.entries(Files.readAllBytes(Path.of(out())));
        Map<String, byte[]> theirs = ForgedPackages.entries(Fixtures.bytes(REF + "ref_app_12k.zip"));
        assertThat(ours.keySet()).containsExactlyElementsOf(theirs.keySet());
        assertThat(ours.get("manifest.json")).isEqualTo(theirs.get("manifest.json"));
        assertThat(ours.get("app_12k.bin")).isEqualTo(theirs.get("app_12k.bin"));
        InitPacket mine = InitPacket.parse("app_12k.dat", ours.get("app_12k.dat"));
        assertThat(mine.signedBytes()).isEqualTo(InitPacket.parse("app_12k.dat", theirs.get("app_12k.dat"))
                .signedBytes());
        assertThat(mine.verifySignature(REF_KEY)).isTrue();

        CliRun display = CliRun.dfu("pkg", "display", out(), "--key", ref("ref_public.pem"), "--json");
        assertThat(display.exit()).as(display.err()).isZero();
        assertThat(display.json().get("images").get(0).get("signature_valid").asBoolean()).isTrue();
    }

    // ---------------------------------------------------------------- every nRF52 combination, round trip

    /** A combination: the options, the manifest keys in send order, and the archive's entry order. */
    record Combination(String name, List<String> options, List<String> kinds, List<String> entries) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                new Combination("application", List.of("--application", "app.bin", "--application-version", "4"),
                        List.of("application"), List.of("app.bin", "manifest.json", "app.dat")),
                new Combination("bootloader", List.of("--bootloader", "bl.bin", "--bootloader-version", "2"),
                        List.of("bootloader"), List.of("bl.bin", "manifest.json", "bl.dat")),
                new Combination("softdevice", List.of("--softdevice", "sd.bin"),
                        List.of("softdevice"), List.of("sd.bin", "manifest.json", "sd.dat")),
                new Combination("softdevice+bootloader", List.of("--softdevice", "sd.bin", "--bootloader", "bl.bin",
                        "--bootloader-version", "2"),
                        List.of("softdevice_bootloader"), List.of("sd_bl.bin", "manifest.json", "sd_bl.dat")),
                new Combination("softdevice+bootloader+application", List.of("--softdevice", "sd.bin",
                        "--bootloader", "bl.bin", "--bootloader-version", "2", "--application", "app.bin",
                        "--application-version", "4", "--sd-id", "0xCA"),
                        List.of("softdevice_bootloader", "application"),
                        List.of("sd_bl.bin", "sd_bl.dat", "app.bin", "manifest.json", "app.dat")),
                new Combination("softdevice+application", List.of("--softdevice", "sd.bin", "--application",
                        "app.bin", "--application-version", "4", "--sd-id", "0xCA"),
                        List.of("softdevice", "application"),
                        List.of("sd.bin", "sd.dat", "app.bin", "manifest.json", "app.dat"))
        ).map(Arguments::of);
    }

    private static final int SD_SIZE = 16 * 1024;
    private static final int BL_SIZE = 8 * 1024 + 4;
    private static final int APP_SIZE = 12_345;

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void each_combination_is_displayed_valid_and_flashed_onto_the_simulated_board(Combination c) throws Exception {
        byte[] sd = Files.readAllBytes(Path.of(bin("sd.bin", SD_SIZE, 1)));
        byte[] bl = Files.readAllBytes(Path.of(bin("bl.bin", BL_SIZE, 2)));
        byte[] app = Files.readAllBytes(Path.of(bin("app.bin", APP_SIZE, 3)));
        List<String> args = new ArrayList<>(List.of("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--key-file", ref("ref_private.pem")));
        for (String o : c.options()) {
            args.add(o.endsWith(".bin") ? dir.resolve(o).toString() : o);
        }
        args.add(out());

        CliRun run = CliRun.dfu(args.toArray(String[]::new));

        assertThat(run.exit()).as(run.err()).isZero();
        byte[] zip = Files.readAllBytes(Path.of(out()));
        assertThat(ForgedPackages.entries(zip).keySet()).containsExactlyElementsOf(c.entries());

        CliRun display = CliRun.dfu("pkg", "display", out(), "--key", ref("ref_public.pem"), "--json");
        assertThat(display.exit()).as(display.err()).isZero();
        List<String> kinds = new ArrayList<>();
        for (JsonNode image : display.json().get("images")) {
            kinds.add(image.get("kind").asText());
            assertThat(image.get("signature_valid").asBoolean()).isTrue();
            assertThat(image.get("hash_valid").asBoolean()).isTrue();
        }
        assertThat(kinds).containsExactlyElementsOf(c.kinds());

        // flash it: the simulated board, with the matching public key, ends up holding every image
        DfuPackage pkg = new DfuPackageReader().read(Path.of(out()), REF_KEY);
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.builder().publicKey(REF_KEY)
                .softDeviceId(0xCA).hwVersion(52).bootloaderVersion(1).build(), vts);
        try {
            Runs.Result r = Runs.run(DfuClient.create().update(new SimulatorTransport("sim", device, false), pkg,
                    DfuOptions.builder().scheduler(vts).build()), vts, Duration.ofMillis(1), Duration.ofHours(1), null);

            assertThat(r.error()).as("update error").isNull();
            byte[] flash = device.flashImage();
            boolean hasSd = c.options().contains("--softdevice");
            boolean hasBl = c.options().contains("--bootloader");
            if (hasSd) {
                assertThat(Arrays.copyOfRange(flash, MemoryLayout.SOFTDEVICE_START,
                        MemoryLayout.SOFTDEVICE_START + SD_SIZE)).isEqualTo(sd);
            }
            if (hasBl) {
                assertThat(Arrays.copyOfRange(flash, MemoryLayout.BOOTLOADER_START,
                        MemoryLayout.BOOTLOADER_START + BL_SIZE)).isEqualTo(bl);
            }
            if (c.options().contains("--application")) {
                byte[] padded = Arrays.copyOf(app, 12_348);
                Arrays.fill(padded, APP_SIZE, padded.length, (byte) 0xFF);
                assertThat(device.application()).hasValueSatisfying(a -> assertThat(a).isEqualTo(padded));
                assertThat(device.mode()).isEqualTo(SimulatedBootloader.Mode.APPLICATION);
            }
        } finally {
            device.dispose();
        }
    }

    // ---------------------------------------------------------------- refusals: one line, naming the option

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--bootloader", "bl.bin",
                        "--bootloader-version", "2", "--application", "app.bin", "--application-version", "1"),
                        "--bootloader with --application needs --softdevice"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--softdevice", "sd.bin",
                        "--application", "app.bin", "--application-version", "1"), "--sd-id required"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--application", "app.bin",
                        "--application-version-string", "1.2"), "--application-version-string '1.2'"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--application", "app.bin"),
                        "--application-version or --application-version-string required"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--bootloader", "bl.bin"),
                        "--bootloader-version required"),
                Arguments.of(List.of("--sd-req", "0xCA", "--application", "app.bin", "--application-version", "1"),
                        "--hw-version required"),
                Arguments.of(List.of("--hw-version", "52", "--application", "app.bin", "--application-version", "1"),
                        "--sd-req required"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xZZ", "--application", "app.bin",
                        "--application-version", "1"), "in --sd-req"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--bootloader-version", "2",
                        "--application", "app.bin", "--application-version", "1"),
                        "--bootloader-version given without --bootloader"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--application", "app.bin",
                        "--application-version", "1", "--app-boot-validation", "VALIDATE_SOMETHING"),
                        "--app-boot-validation 'VALIDATE_SOMETHING'"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA", "--application", "app.bin",
                        "--application-version", "1", "--app-boot-validation", "VALIDATE_ECDSA_P256_SHA256"),
                        "needs --key-file"),
                Arguments.of(List.of("--hw-version", "0x1FFFFFFFF", "--sd-req", "0xCA", "--application", "app.bin",
                        "--application-version", "1"), "--hw-version 0x1FFFFFFFF does not fit 32 bits"),
                Arguments.of(List.of("--hw-version", "52", "--sd-req", "0xCA"), "nothing to package"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusals")
    void each_refusal_is_one_line_naming_the_option_and_leaves_no_file(List<String> options, String message) {
        bin("app.bin", 100, 1);
        bin("bl.bin", 100, 2);
        bin("sd.bin", 100, 3);
        List<String> args = new ArrayList<>(List.of("pkg", "generate"));
        for (String o : options) {
            args.add(o.endsWith(".bin") ? dir.resolve(o).toString() : o);
        }
        args.add(out());

        CliRun run = CliRun.dfu(args.toArray(String[]::new));

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("error: ").contains(message);
        assertThat(Path.of(out())).doesNotExist();
    }

    // ---------------------------------------------------------------- bad inputs: one line, no output file

    @Test
    void a_missing_input_file_is_one_line_and_no_output() {
        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--application-version", "3", "--application", dir.resolve("nope.hex").toString(), out());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + dir.resolve("nope.hex"))
                .contains("no such file");
        assertThat(Path.of(out())).doesNotExist();
    }

    @Test
    void a_corrupt_hex_is_one_line_naming_its_line_and_no_output() throws IOException {
        String hex = ref("app_12k.hex");
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(hex)));
        lines.set(5, lines.get(5).substring(0, lines.get(5).length() - 2) + "00"); // wrong checksum on line 6
        Files.write(Path.of(hex), lines);

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--application-version", "3", "--application", hex, out());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + hex).contains("line 6");
        assertThat(Path.of(out())).doesNotExist();
    }

    private String hex(String name, IntelHex image) {
        try {
            return Files.writeString(dir.resolve(name), image.toHex()).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] seeded(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void a_bootloader_hex_with_uicr_records_packages_the_bootloader_alone_as_nrfutil_does() throws IOException {
        // bootloader 0x78000..0x79FFF; UICR NRFFW[0] (its start address) 0x10001014..0x10001017 and the MBR
        // parameter page address 0x10001018..0x1000101B, as every SDK bootloader hex carries them
        byte[] image = seeded(0x2000, 2);
        String bl = hex("bl.hex", IntelHex.builder().put(0x78000, image)
                .put(0x10001014L, new byte[] {0, (byte) 0x80, 0x07, 0, 0, (byte) 0xE0, 0x07, 0}).build());

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--bootloader-version", "2", "--bootloader", bl, out());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        DfuPackage pkg = new DfuPackageReader().read(Path.of(out()));
        assertThat(pkg.images()).singleElement().satisfies(i -> assertThat(i.firmware()).isEqualTo(image));
    }

    @Test
    void a_bootloader_hex_with_data_in_ram_is_refused_naming_the_option_and_the_range() {
        String bl = hex("bl.hex", IntelHex.builder().put(0x78000, seeded(0x2000, 2))
                .put(0x20000000L, seeded(16, 4)).build());

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--bootloader-version", "2", "--bootloader", bl, out());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + bl + ": --bootloader holds "
                + "data at 0x20000000..0x2000000F, outside a bootloader's image region");
        assertThat(Path.of(out())).doesNotExist();
    }

    @Test
    void an_application_hex_holding_the_mbr_page_is_refused_rather_than_silently_cut() {
        // a merged hex: MBR 0x000..0x0AFF, application 0x27000..: nrfutil would drop the MBR bytes without a word
        String app = hex("merged.hex", IntelHex.builder().put(0, seeded(0xB00, 1)).put(0x27000, seeded(0x400, 3))
                .build());

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--application-version", "3", "--application", app, out());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.errLines()).singleElement().asString()
                .contains("--application holds data at 0x00000000..0x00000AFF")
                .contains("image region 0x00001000..0x000FFFFF").contains("MBR");
        assertThat(Path.of(out())).doesNotExist();
    }

    @Test
    void a_softdevice_hex_loses_its_mbr_and_is_joined_with_the_bootloader_hex_as_nrfutil_joins_them()
            throws Exception {
        // SoftDevice hex: MBR 0x000..0x0AFF, SoftDevice 0x1000..0x4FFF; bootloader hex 0x78000..0x79FFF
        byte[] sd = seeded(0x4000, 1);
        byte[] bl = seeded(0x2000, 2);
        String sdHex = hex("s132.hex", IntelHex.builder().put(0, seeded(0xB00, 9)).put(0x1000, sd).build());
        String blHex = hex("bl.hex", IntelHex.of(0x78000, bl));

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA", "--softdevice", sdHex,
                "--bootloader", blHex, "--bootloader-version", "2", "--key-file", ref("ref_private.pem"), out());

        assertThat(run.exit()).as(run.err()).isZero();
        byte[] joined = Arrays.copyOf(sd, sd.length + bl.length);
        System.arraycopy(bl, 0, joined, sd.length, bl.length);
        assertThat(ForgedPackages.entries(Files.readAllBytes(Path.of(out()))).get("sd_bl.bin")).isEqualTo(joined);
        CliRun display = CliRun.dfu("pkg", "display", out(), "--key", ref("ref_public.pem"), "--json");
        assertThat(display.exit()).as(display.err()).isZero();
        assertThat(display.json().get("images").get(0).get("hash_valid").asBoolean()).isTrue();
    }

    @Test
    void a_key_that_is_not_p256_is_one_line_and_no_output() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        Path key = Files.writeString(dir.resolve("p384.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--application-version", "3", "--application", ref("app_12k.hex"), "--key-file", key.toString(),
                out());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + key).contains("not P-256");
        assertThat(Path.of(out())).doesNotExist();
    }

    @Test
    void an_output_in_a_missing_directory_is_one_line_and_nothing_is_written() throws IOException {
        Path missing = dir.resolve("no/such/dir/out.zip");

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--application-version", "3", "--application", ref("app_12k.hex"), missing.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(run.errLines()).singleElement().asString().startsWith("error: " + missing)
                .contains("does not exist");
        assertThat(dir.resolve("no")).doesNotExist();
    }

    @Test
    void an_existing_output_is_untouched_when_generation_fails() throws IOException {
        Path existing = Files.writeString(dir.resolve("out.zip"), "the previous package");

        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0xCA",
                "--application-version", "3", "--application", dir.resolve("nope.bin").toString(), out());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_PACKAGE);
        assertThat(existing).hasContent("the previous package");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(existing);
        }
    }

    @Test
    void debug_mode_defaults_the_versions_and_sd_req_as_nrfutil_does() throws Exception {
        CliRun run = CliRun.dfu("pkg", "generate", "--debug-mode", "--application", ref("app_12k.hex"), out());

        assertThat(run.exit()).as(run.err()).isZero();
        InitPacket init = new DfuPackageReader().read(Path.of(out())).images().get(0).init();
        assertThat(init.isDebug()).isTrue();
        assertThat(Integer.toUnsignedLong(init.fwVersion())).isEqualTo(0xFFFF_FFFFL);
        assertThat(Integer.toUnsignedLong(init.hwVersion())).isEqualTo(0xFFFF_FFFFL);
        assertThat(init.sdReq()).containsExactly(0xFFFE);
    }

    @Test
    void a_version_string_is_stored_as_major_minor_patch_digits() throws Exception {
        CliRun run = CliRun.dfu("pkg", "generate", "--hw-version", "52", "--sd-req", "0x00",
                "--application-version-string", "2.7.31", "--application", ref("app_12k.hex"), out());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(new DfuPackageReader().read(Path.of(out())).images().get(0).init().fwVersion()).isEqualTo(20731);
    }

    @Test
    void generate_help_lists_nrfutils_options() {
        CliRun run = CliRun.dfu("pkg", "generate", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--application", "--application-version", "--application-version-string",
                "--bootloader", "--bootloader-version", "--softdevice", "--hw-version", "--sd-req", "--sd-id",
                "--app-boot-validation", "--sd-boot-validation", "--key-file", "--debug-mode", "Exit codes:");
    }
}
