package dev.reactivedfu.archive.keys;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.InitPacketSignature;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.LocalDateTime;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys and their texts against what nrfutil 6.1.7 printed for the reference key. */
class SigningKeyTest {

    static final String PRIVATE = "nrfutil-reference/ref_private.pem";

    private static String text(String fixture) {
        return new String(Fixtures.bytes(fixture), StandardCharsets.US_ASCII);
    }

    private static SigningKey reference() {
        return SigningKey.parse(PRIVATE, text(PRIVATE));
    }

    @Test
    void public_pem_is_nrfutils_text_byte_for_byte() {
        // nrfutil prints the text and a newline
        assertThat(KeyText.publicPem(reference().publicKey()) + "\n")
                .isEqualTo(text("nrfutil-reference/ref_public.pem"));
    }

    @Test
    void public_hex_is_nrfutils_text_byte_for_byte() {
        assertThat(KeyText.publicHex(reference().publicKey()) + "\n")
                .isEqualTo(text("nrfutil-reference/ref_public_key.hex.txt"));
    }

    @Test
    void public_code_is_nrfutils_c_file_byte_for_byte_with_its_date() {
        String ref = text("nrfutil-reference/ref_public_key.c.txt");

        String code = KeyText.publicCode(reference().publicKey(), false, LocalDateTime.of(2026, 12, 1, 20, 23, 20));

        assertThat(code + "\n").isEqualTo(ref);
    }

    @Test
    void debug_code_wraps_the_key_for_debug_builds_only() {
        String code = KeyText.publicCode(reference().publicKey(), true, LocalDateTime.of(2026, 1, 2, 3, 4, 5));

        assertThat(code).contains("on 2026-01-02 (YY-MM-DD) at 03:04:05 */")
                .contains("#ifdef NRF_DFU_DEBUG_VERSION\n\n/** @brief Public key used to verify DFU images */")
                .endsWith("};\n\n#else\n#error \"Debug public key not valid for production. Please see "
                        + "https://github.com/NordicSemiconductor/pc-nrfutil/blob/master/README.md to generate it\"\n"
                        + "#endif\n");
    }

    @Test
    void the_private_pem_is_rewritten_exactly_as_nrfutil_wrote_it() {
        assertThat(reference().toPem()).isEqualTo(text(PRIVATE));
        assertThat(KeyText.privatePem(reference())).isEqualTo(KeyText.PRIVATE_WARNING + text(PRIVATE));
    }

    @Test
    void private_hex_is_the_scalar_little_endian_after_the_warning() {
        // openssl asn1parse ref_private.pem: the scalar is 9D0F93FA...99CDB7A2 (big-endian)
        assertThat(KeyText.privateHex(reference())).isEqualTo(KeyText.PRIVATE_WARNING + "Private (signing) key sk:\n"
                + "a2b7cd993408ce4812d6817a22a3e3654b33f056f0b1b9d270a46fe3fa930f9d");
    }

    @Test
    void a_signature_is_little_endian_r_s_that_verifies_with_the_public_pem() {
        byte[] data = "init command".getBytes(StandardCharsets.US_ASCII);
        var publicKey = PublicKeys.parse("ref_public.pem", text("nrfutil-reference/ref_public.pem"));

        byte[] one = reference().sign(data);
        byte[] two = reference().sign(data);

        assertThat(one).hasSize(64).isNotEqualTo(two);
        assertThat(InitPacketSignature.verify(publicKey, data, one)).isTrue();
        assertThat(InitPacketSignature.verify(publicKey, data, two)).isTrue();
        assertThat(InitPacketSignature.verify(publicKey, "other".getBytes(StandardCharsets.US_ASCII), one)).isFalse();
    }

    @Test
    void a_generated_key_reads_back_and_signs(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.generate(new SecureRandom());
        Path file = Files.writeString(dir.resolve("k.pem"), key.toPem());

        SigningKey back = SigningKey.read(file);

        assertThat(back).isEqualTo(key);
        assertThat(InitPacketSignature.verify(back.publicKey(), new byte[] {1}, key.sign(new byte[] {1}))).isTrue();
    }

    @Test
    void a_pkcs8_private_key_is_read_too() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        var pair = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        SigningKey key = SigningKey.parse("p8.pem", pem);

        assertThat(key.publicKey().getW()).isEqualTo(((java.security.interfaces.ECPublicKey) pair.getPublic()).getW());
    }

    @Test
    void keys_that_are_not_p256_private_keys_are_refused_in_one_line() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        String p384 = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        String rsaPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        assertRefused(p384, "k.pem: the key is on secp384r1, not P-256 (prime256v1)");
        assertRefused(rsaPem, "k.pem: not an EC key (algorithm 1.2.840.113549.1.1.1): nRF5 bootloaders take P-256 only");
        assertRefused(text("nrfutil-reference/ref_public.pem"),
                "k.pem: holds a public key only: a private (signing) key is needed (dfu keys generate makes one)");
        assertRefused("hello", "k.pem: no PEM key in the file (dfu keys generate makes one)");
        // openssl ec -aes128 of a P-256 key: the PEM headers say it is encrypted
        assertRefused("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                        + "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\nAAAA\n-----END EC PRIVATE KEY-----\n",
                "k.pem: the key is encrypted; nrfutil's key files are not (decrypt it: openssl ec -in KEY -out PLAIN)");
    }

    @Test
    void a_missing_key_file_is_an_io_error() {
        assertThatThrownBy(() -> SigningKey.read(Path.of("no/such/key.pem")))
                .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.fault()).isEqualTo(Fault.IO))
                .hasMessage("no/such/key.pem: no such key file");
    }

    private static void assertRefused(String pem, String message) {
        assertThatThrownBy(() -> SigningKey.parse("k.pem", pem))
                .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.fault()).isEqualTo(Fault.KEY))
                .hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
