package dev.reactivedfu.archive;

import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import dev.reactivedfu.protocol.ObjectLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The reader over every nrfutil fixture package. */
class DfuPackageReaderFixturesTest {

    private static final ECPublicKey PEM_KEY = PublicKeys.parse(Fixtures.PUBLIC_PEM,
            new String(Fixtures.bytes(Fixtures.PUBLIC_PEM), StandardCharsets.US_ASCII));
    private static final ECPublicKey HEX_KEY = PublicKeys.parse(Fixtures.PUBLIC_HEX,
            new String(Fixtures.bytes(Fixtures.PUBLIC_HEX), StandardCharsets.US_ASCII));

    private final DfuPackageReader reader = new DfuPackageReader();

    @Test
    void signed_application_reads_with_every_init_packet_field() {
        DfuPackage pkg = reader.read(Fixtures.APP_24K, Fixtures.bytes(Fixtures.APP_24K));

        assertThat(pkg.source()).isEqualTo(Fixtures.APP_24K);
        assertThat(pkg.images()).hasSize(1);
        FirmwareImage app = pkg.images().get(0);
        assertThat(app.kind()).isEqualTo(ImageKind.APPLICATION);
        assertThat(app.binFile()).isEqualTo("app_24k.bin");
        assertThat(app.datFile()).isEqualTo("app_24k.dat");
        assertThat(app.firmwareSize()).isEqualTo(24_576);
        assertThat(app.initPacketSize()).isEqualTo(143);
        assertThat(app.metadata()).isEmpty();
        InitPacket init = app.init();
        assertThat(init.isSigned()).isTrue();
        assertThat(init.signatureType()).contains(DfuCc.SignatureType.ECDSA_P256_SHA256);
        assertThat(init.signature()).hasSize(64);
        assertThat(init.fwVersion()).isEqualTo(1);
        assertThat(init.hwVersion()).isEqualTo(52);
        assertThat(init.sdReq()).containsExactly(0xCA, 0xB6);
        assertThat(init.type()).isEqualTo(DfuCc.FwType.APPLICATION);
        assertThat(init.appSize()).isEqualTo(24_576);
        assertThat(init.sdSize()).isZero();
        assertThat(init.blSize()).isZero();
        assertThat(init.hashType()).isEqualTo(DfuCc.HashType.SHA256);
        assertThat(init.isDebug()).isFalse();
        assertThat(init.bootValidations()).extracting(DfuCc.BootValidation::getType)
                .containsExactly(DfuCc.ValidationType.VALIDATE_GENERATED_CRC);
        assertThat(pkg.totalFirmwareBytes()).isEqualTo(24_576);
    }

    @Test
    void the_stored_hash_is_the_firmwares_sha256_byte_reversed() throws Exception {
        FirmwareImage app = reader.read(Fixtures.APP_24K, Fixtures.bytes(Fixtures.APP_24K)).images().get(0);
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(app.firmware());
        byte[] stored = app.init().hash();

        assertThat(stored).hasSize(32);
        for (int i = 0; i < 32; i++) {
            assertThat(stored[i]).as("byte %d", i).isEqualTo(sha[31 - i]);
        }
    }

    @Test
    void the_init_packet_and_firmware_are_the_entries_of_the_zip_byte_for_byte() throws Exception {
        byte[] zip = Fixtures.bytes(Fixtures.SD_BL_APP_24K);
        java.util.Map<String, byte[]> entries = new java.util.HashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }

        for (FirmwareImage image : reader.read(Fixtures.SD_BL_APP_24K, zip).images()) {
            assertThat(image.initPacket()).isEqualTo(entries.get(image.datFile()));
            assertThat(image.firmware()).isEqualTo(entries.get(image.binFile()));
        }
    }

    @Test
    void a_firmware_image_hands_out_copies_so_it_stays_unchanged() {
        FirmwareImage app = reader.read(Fixtures.APP_24K, Fixtures.bytes(Fixtures.APP_24K)).images().get(0);
        byte[] copy = app.firmware();
        copy[0] ^= 1;
        byte[] init = app.initPacket();
        init[0] ^= 1;

        assertThat(app.firmware()).isNotEqualTo(copy);
        assertThat(app.initPacket()).isNotEqualTo(init);
    }

    @Test
    void softdevice_bootloader_comes_before_the_application_with_its_sizes_from_init_packet_and_manifest() {
        DfuPackage pkg = reader.read(Fixtures.SD_BL_APP_24K, Fixtures.bytes(Fixtures.SD_BL_APP_24K));

        assertThat(pkg.images()).extracting(FirmwareImage::kind)
                .containsExactly(ImageKind.SOFTDEVICE_BOOTLOADER, ImageKind.APPLICATION);
        FirmwareImage sdBl = pkg.images().get(0);
        assertThat(sdBl.binFile()).isEqualTo("sd_bl.bin");
        assertThat(sdBl.firmwareSize()).isEqualTo(178_688);
        assertThat(sdBl.init().type()).isEqualTo(DfuCc.FwType.SOFTDEVICE_BOOTLOADER);
        assertThat(sdBl.init().sdSize()).isEqualTo(155_648);
        assertThat(sdBl.init().blSize()).isEqualTo(23_040);
        assertThat(sdBl.init().sdSize() + sdBl.init().blSize()).isEqualTo(178_688);
        assertThat(sdBl.metadata()).contains(new ReadOnlyMetadata(155_648, 23_040));
        assertThat(sdBl.init().fwVersion()).isEqualTo(2);
        FirmwareImage app = pkg.images().get(1);
        assertThat(app.firmwareSize()).isEqualTo(24_576);
        assertThat(app.init().sdReq()).containsExactly(0xCA);
        assertThat(pkg.totalFirmwareBytes()).isEqualTo(178_688 + 24_576);
    }

    @Test
    void the_200k_application_is_fifty_data_objects() {
        FirmwareImage app = reader.read(Fixtures.APP_200K, Fixtures.bytes(Fixtures.APP_200K)).images().get(0);

        assertThat(app.firmwareSize()).isEqualTo(204_800);
        assertThat(new ObjectLayout(app.firmwareSize(), 4096).objectCount()).isEqualTo(50);
    }

    @Test
    void unsigned_package_is_valid_and_reported_as_unsigned() {
        PackageValidation v = reader.inspect(Fixtures.APP_24K_UNSIGNED, Fixtures.bytes(Fixtures.APP_24K_UNSIGNED));

        assertThat(v.isValid()).isTrue();
        ImageValidation image = v.images().get(0);
        assertThat(image.image().init().isSigned()).isFalse();
        assertThat(image.image().init().signatureType()).isEmpty();
        assertThat(image.image().init().signature()).isEmpty();
        assertThat(image.signature()).isEqualTo(SignatureCheck.UNSIGNED);
        assertThat(image.signature().valid()).isEmpty();
        assertThat(image.hashValid()).isTrue();
        assertThat(image.image().initPacketSize()).isEqualTo(72);
    }

    @Test
    void unsigned_package_checked_against_a_key_is_refused_as_unsigned_with_no_verdict_on_the_signature() {
        PackageValidation v = reader.inspect(Fixtures.APP_24K_UNSIGNED, Fixtures.bytes(Fixtures.APP_24K_UNSIGNED),
                PEM_KEY);

        assertThat(v.images().get(0).signature()).isEqualTo(SignatureCheck.UNSIGNED);
        assertThat(v.images().get(0).signature().valid()).isEmpty();
        PackageException e = catchThrowableOfType(PackageException.class, v::requireValid);
        assertThat(e.fault()).isEqualTo(Fault.UNSIGNED);
        assertThat(e.getMessage()).startsWith(Fixtures.APP_24K_UNSIGNED + ": app_24k.dat: the init packet is not signed");
    }

    @Test
    void signed_package_without_a_key_is_valid_and_its_signature_not_checked() {
        PackageValidation v = reader.inspect(Fixtures.APP_24K, Fixtures.bytes(Fixtures.APP_24K));

        assertThat(v.isValid()).isTrue();
        assertThat(v.keyGiven()).isFalse();
        assertThat(v.images().get(0).signature()).isEqualTo(SignatureCheck.NOT_CHECKED);
        assertThat(v.images().get(0).signature().valid()).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("dev.reactivedfu.archive.DfuPackageReaderFixturesTest#SIGNED")
    void signatures_verify_with_the_fixture_key_as_pem_and_as_nrfutil_hex(String fixture) {
        for (ECPublicKey key : new ECPublicKey[] {PEM_KEY, HEX_KEY}) {
            PackageValidation v = reader.inspect(fixture, Fixtures.bytes(fixture), key);

            assertThat(v.keyGiven()).isTrue();
            assertThat(v.images()).allSatisfy(i -> {
                assertThat(i.signature()).isEqualTo(SignatureCheck.VALID);
                assertThat(i.signature().valid()).contains(true);
            });
        }
        assertThat(reader.read(fixture, Fixtures.bytes(fixture), HEX_KEY).images()).isNotEmpty();
    }

    static final java.util.List<String> SIGNED = java.util.List.of(
            Fixtures.APP_24K, Fixtures.APP_200K, Fixtures.SD_BL_APP_24K);

    @ParameterizedTest
    @FieldSource("dev.reactivedfu.archive.DfuPackageReaderFixturesTest#SIGNED")
    void signatures_do_not_verify_with_another_key(String fixture) throws Exception {
        ECPublicKey other = otherKey();

        PackageValidation v = reader.inspect(fixture, Fixtures.bytes(fixture), other);

        assertThat(v.isValid()).isFalse();
        assertThat(v.images()).allSatisfy(i -> {
            assertThat(i.signature()).isEqualTo(SignatureCheck.INVALID);
            assertThat(i.signature().valid()).contains(false);
            assertThat(i.hashValid()).isTrue();
        });
        assertThatThrownBy(() -> reader.read(fixture, Fixtures.bytes(fixture), other))
                .isInstanceOfSatisfying(PackageException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.SIGNATURE_INVALID);
                    assertThat(e.file()).isEqualTo(fixture);
                    assertThat(e.getMessage()).contains("ECDSA_P256_SHA256 signature does not verify with the key");
                });
    }

    @Test
    void tampered_package_is_refused_for_its_hash_even_though_its_signature_is_valid() {
        byte[] zip = Fixtures.bytes(Fixtures.TAMPERED);

        PackageException e = catchThrowableOfType(PackageException.class,
                () -> reader.read(Fixtures.TAMPERED, zip));

        assertThat(e.fault()).isEqualTo(Fault.HASH_MISMATCH);
        assertThat(e.file()).isEqualTo(Fixtures.TAMPERED);
        assertThat(e.getMessage()).startsWith(Fixtures.TAMPERED + ": app_24k.bin: SHA-256 of the firmware is ")
                .contains("but the init packet app_24k.dat says");
        ImageValidation image = reader.inspect(Fixtures.TAMPERED, zip, PEM_KEY).images().get(0);
        assertThat(image.hashValid()).isFalse();
        assertThat(image.hashTypeSupported()).isTrue();
        assertThat(image.sizesValid()).isTrue();
        assertThat(image.signature()).isEqualTo(SignatureCheck.VALID);
        assertThat(image.problems()).extracting(ImageValidation.Problem::fault).containsExactly(Fault.HASH_MISMATCH);
    }

    @Test
    void reading_a_path_gives_the_same_package_as_reading_its_bytes(@TempDir Path dir) {
        Path file = Fixtures.copy(Fixtures.SD_BL_APP_24K, dir);

        DfuPackage fromPath = reader.read(file);
        DfuPackage fromBytes = reader.read("x", Fixtures.bytes(Fixtures.SD_BL_APP_24K));

        assertThat(fromPath.source()).isEqualTo(file.toString());
        assertThat(fromPath.images()).hasSameSizeAs(fromBytes.images());
        for (int i = 0; i < fromPath.images().size(); i++) {
            assertThat(fromPath.images().get(i).firmware()).isEqualTo(fromBytes.images().get(i).firmware());
            assertThat(fromPath.images().get(i).initPacket()).isEqualTo(fromBytes.images().get(i).initPacket());
        }
        assertThat(reader.read(file, PEM_KEY).images()).hasSize(2);
        assertThat(reader.inspect(file, PEM_KEY).isValid()).isTrue();
    }

    @Test
    void the_pem_and_hex_fixture_keys_are_the_same_key() {
        assertThat(HEX_KEY.getW()).isEqualTo(PEM_KEY.getW());
        String hexText = new String(Fixtures.bytes(Fixtures.PUBLIC_HEX), StandardCharsets.US_ASCII);
        assertThat(hexText).contains(PublicKeys.toNrfutilHex(PEM_KEY));
    }

    @Test
    void the_fixture_signature_covers_the_serialized_init_command() {
        InitPacket init = reader.read(Fixtures.APP_24K, Fixtures.bytes(Fixtures.APP_24K)).images().get(0).init();

        assertThat(InitPacketSignature.verify(PEM_KEY, init.signedBytes(), init.signature())).isTrue();
        byte[] altered = init.signedBytes();
        altered[altered.length - 1] ^= 1;
        assertThat(InitPacketSignature.verify(PEM_KEY, altered, init.signature())).isFalse();
        byte[] sig = init.signature();
        sig[0] ^= 1;
        assertThat(InitPacketSignature.verify(PEM_KEY, init.signedBytes(), sig)).isFalse();
        assertThat(InitPacketSignature.verify(PEM_KEY, init.signedBytes(), new byte[63])).isFalse();
        assertThat(HexFormat.of().formatHex(init.signedBytes()))
                .isEqualTo(HexFormat.of().formatHex(init.command().toByteArray()));
    }

    static ECPublicKey otherKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return (ECPublicKey) generator.generateKeyPair().getPublic();
    }
}
