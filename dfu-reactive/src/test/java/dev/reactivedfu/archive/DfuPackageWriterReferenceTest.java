package dev.reactivedfu.archive;

import dev.reactivedfu.archive.proto.DfuCc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer against what nrfutil 6.1.7 made from the same inputs ({@code fixtures/nrfutil-reference}, its README
 * gives the commands).
 */
class DfuPackageWriterReferenceTest {

    static final String REF = "nrfutil-reference/";
    /** The time nrfutil stamped the reference packages' entries with (their DOS time). */
    static final LocalDateTime REF_TIME = LocalDateTime.of(2026, 12, 1, 20, 23, 20);

    @TempDir
    Path dir;

    private DfuPackageWriter.Firmware app12k() {
        return DfuPackageWriter.Firmware.read(ref("app_12k.hex", dir), false);
    }

    /** Copies reference file {@code name} into {@code dir}. */
    static Path ref(String name, Path dir) {
        try {
            return Files.write(dir.resolve(name), Fixtures.bytes(REF + name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ECPublicKey refPublicKey() {
        return PublicKeys.parse("ref_public.pem",
                new String(Fixtures.bytes(REF + "ref_public.pem"), StandardCharsets.US_ASCII));
    }

    private DfuPackageWriter.Spec unsignedSpec() {
        return new DfuPackageWriter.Spec(Optional.of(app12k()), Optional.empty(), Optional.empty(), Optional.of(3L),
                Optional.empty(), 52, List.of(0xCA), List.of(), DfuCc.ValidationType.VALIDATE_GENERATED_CRC,
                DfuCc.ValidationType.VALIDATE_GENERATED_CRC, false, Optional.empty());
    }

    private DfuPackageWriter.Spec signedSpec() {
        Path key = ref("ref_private.pem", dir);
        return new DfuPackageWriter.Spec(Optional.of(app12k()), Optional.empty(), Optional.empty(), Optional.of(3L),
                Optional.empty(), 52, List.of(0xCA, 0x0100), List.of(), DfuCc.ValidationType.VALIDATE_GENERATED_CRC,
                DfuCc.ValidationType.VALIDATE_SHA256, false, Optional.of(dev.reactivedfu.archive.keys.SigningKey.read(key)));
    }

    @Test
    void the_hex_input_becomes_the_references_padded_bin() {
        Map<String, byte[]> ref = ForgedPackages.entries(Fixtures.bytes(REF + "ref_app_12k.zip"));

        DfuPackageWriter.Firmware app = app12k();

        assertThat(app.binName()).isEqualTo("app_12k.bin");
        assertThat(app.bin()).hasSize(12_348).isEqualTo(ref.get("app_12k.bin"));
    }

    @Test
    void the_unsigned_package_is_the_references_byte_for_byte() {
        byte[] zip = DfuPackageWriter.generate(unsignedSpec()).zip(REF_TIME);

        assertThat(zip).isEqualTo(Fixtures.bytes(REF + "ref_app_12k_unsigned.zip"));
    }

    @Test
    void the_signed_package_has_the_references_manifest_bin_and_init_command_and_its_signature_verifies()
            throws Exception {
        Map<String, byte[]> ref = ForgedPackages.entries(Fixtures.bytes(REF + "ref_app_12k.zip"));

        byte[] zip = DfuPackageWriter.generate(signedSpec()).zip(REF_TIME);
        Map<String, byte[]> ours = ForgedPackages.entries(zip);

        assertThat(ours.keySet()).containsExactlyElementsOf(ref.keySet());
        assertThat(ours.get("manifest.json")).isEqualTo(ref.get("manifest.json"));
        assertThat(ours.get("app_12k.bin")).isEqualTo(ref.get("app_12k.bin"));
        InitPacket mine = InitPacket.parse("app_12k.dat", ours.get("app_12k.dat"));
        InitPacket theirs = InitPacket.parse("app_12k.dat", ref.get("app_12k.dat"));
        assertThat(mine.signedBytes()).isEqualTo(theirs.signedBytes());
        assertThat(mine.verifySignature(refPublicKey())).isTrue();
        assertThat(theirs.verifySignature(refPublicKey())).isTrue();
        // randomised ECDSA: same length, different bytes, both valid
        assertThat(ours.get("app_12k.dat")).hasSameSizeAs(ref.get("app_12k.dat"));
        assertThat(mine.sdReq()).containsExactly(0x100, 0xCA);
    }

    @Test
    void the_signed_package_reads_back_valid_with_the_reference_public_key() {
        byte[] zip = DfuPackageWriter.generate(signedSpec()).zip(REF_TIME);

        PackageValidation v = new DfuPackageReader().inspect("generated.zip", zip, refPublicKey());

        assertThat(v.problems()).isEmpty();
        assertThat(v.images()).singleElement().satisfies(i -> assertThat(i.signature()).isEqualTo(SignatureCheck.VALID));
    }

    @Test
    void written_atomically_the_file_holds_the_zip_and_nothing_else_is_left() throws Exception {
        Path out = dir.resolve("out.zip");

        DfuPackageWriter.generate(unsignedSpec()).write(out, REF_TIME);

        assertThat(out).hasBinaryContent(Fixtures.bytes(REF + "ref_app_12k_unsigned.zip"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("out.zip", "app_12k.hex");
        }
    }

    @Test
    void sd_req_follows_pythons_set_order() {
        assertThat(PythonSetOrder.of(List.of(0xCA, 0x100))).containsExactly(0x100, 0xCA);
        assertThat(PythonSetOrder.of(List.of(0xCA, 0xB6))).containsExactly(0xCA, 0xB6);
        assertThat(PythonSetOrder.of(List.of(0xB6, 0xCA, 0xB6))).containsExactly(0xCA, 0xB6);
        assertThat(PythonSetOrder.of(List.of(0xFFFE))).containsExactly(0xFFFE);
        // five or more: the table grows to 32 slots (orders checked against CPython 3)
        assertThat(PythonSetOrder.of(List.of(40, 8, 16, 24, 32))).containsExactly(32, 40, 8, 16, 24);
        // CPython 3: list(set([0x100, 0xCA, 0xB6, 0xA8, 0xAF, 0x9D, 0xFFFE]))
        assertThat(PythonSetOrder.of(List.of(0x100, 0xCA, 0xB6, 0xA8, 0xAF, 0x9D, 0xFFFE)))
                .containsExactly(0x100, 0xA8, 0xCA, 0xAF, 0xB6, 0x9D, 0xFFFE);
    }
}
