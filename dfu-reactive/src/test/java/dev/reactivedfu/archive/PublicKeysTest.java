package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PublicKeysTest {

    private static final String HEX = "e78641086265718ee46346fbadb58d11bf3edeac487ffd9bce5b25c077313b52"
            + "4798b87dd3fe6e27f654145e85d9350ba1e6994eb7b5340e5195cd64ea6ace19";

    @Test
    void the_fixture_key_reads_from_pem_and_from_nrfutil_hex_files(@TempDir Path dir) {
        ECPublicKey pem = PublicKeys.read(Fixtures.copy(Fixtures.PUBLIC_PEM, dir));
        ECPublicKey hex = PublicKeys.read(Fixtures.copy(Fixtures.PUBLIC_HEX, dir));

        assertThat(pem.getW()).isEqualTo(hex.getW());
        assertThat(PublicKeys.toNrfutilHex(pem)).isEqualTo(HEX);
    }

    @Test
    void the_hex_form_is_x_then_y_little_endian() {
        ECPublicKey key = PublicKeys.parse("k", HEX);
        byte[] raw = HexFormat.of().parseHex(HEX);
        byte[] xBigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            xBigEndian[i] = raw[31 - i];
        }

        assertThat(key.getW().getAffineX()).isEqualTo(new java.math.BigInteger(1, xBigEndian));
    }

    @Test
    void the_hex_form_is_also_read_as_c_style_bytes() {
        StringBuilder c = new StringBuilder("const uint8_t pk[64] = {");
        for (int i = 0; i < HEX.length(); i += 2) {
            c.append(i > 0 ? ", " : "").append("0x").append(HEX, i, i + 2);
        }
        c.append("};");

        assertThat(PublicKeys.toNrfutilHex(PublicKeys.parse("k", c.toString()))).isEqualTo(HEX);
    }

    @Test
    void a_generated_key_round_trips_through_the_hex_form() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";

        assertThat(PublicKeys.parse("k", PublicKeys.toNrfutilHex(key)).getW()).isEqualTo(key.getW());
        assertThat(PublicKeys.parse("k.pem", pem).getW()).isEqualTo(key.getW());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "hello", "e78641086265718e", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "0000000000000000000000000000000000000000000000000000000000000000"
                    + "0000000000000000000000000000000000000000000000000000000000000000",          // not on the curve
            "e78641086265718ee46346fbadb58d11bf3edeac487ffd9bce5b25c077313b52"
                    + "4798b87dd3fe6e27f654145e85d9350ba1e6994eb7b5340e5195cd64ea6ace18"})         // y off by one
    void text_without_a_p256_public_key_is_a_key_fault_naming_the_file(String text) {
        PackageException e = catchThrowableOfType(PackageException.class, () -> PublicKeys.parse("key.txt", text));

        assertThat(e).isNotNull();
        assertThat(e.fault()).isEqualTo(PackageException.Fault.KEY);
        assertThat(e.file()).isEqualTo("key.txt");
        assertThat(e.getMessage()).startsWith("key.txt: ");
    }

    @Test
    void a_missing_key_file_is_a_key_fault(@TempDir Path dir) {
        PackageException e = catchThrowableOfType(PackageException.class,
                () -> PublicKeys.read(dir.resolve("missing.pem")));

        assertThat(e.fault()).isEqualTo(PackageException.Fault.KEY);
        assertThat(e.getMessage()).contains("cannot read key file");
    }

    @Test
    void a_private_key_pem_is_not_mistaken_for_nothing(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                StandardCharsets.US_ASCII);

        assertThat(catchThrowableOfType(PackageException.class, () -> PublicKeys.read(file)).fault())
                .isEqualTo(PackageException.Fault.KEY);
    }
}
