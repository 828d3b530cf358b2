package dev.reactivedfu.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The nrfutil fixture packages and key (test resources under {@code /fixtures/}, shared with other modules through
 * the dfu-reactive test-jar).
 */
public final class Fixtures {

    /** Signed application, 24,576 bytes. */
    public static final String APP_24K = "app_24k.zip";
    /** Signed application, 204,800 bytes. */
    public static final String APP_200K = "app_200k.zip";
    /** Signed SoftDevice+bootloader (178,688 bytes) then application (24,576 bytes). */
    public static final String SD_BL_APP_24K = "sd_bl_app_24k.zip";
    /** The 24 KiB application with an unsigned init packet. */
    public static final String APP_24K_UNSIGNED = "app_24k_unsigned.zip";
    /** Signature valid, but the firmware was changed after signing. */
    public static final String TAMPERED = "tampered_app_24k_badhash.zip";
    /** The signing key's public half as PEM. */
    public static final String PUBLIC_PEM = "public.pem";
    /** The signing key's public half as nrfutil prints it (x then y, little-endian hex). */
    public static final String PUBLIC_HEX = "public_key.hex.txt";

    /** Every fixture package. */
    public static final List<String> PACKAGES = List.of(APP_24K, APP_200K, SD_BL_APP_24K, APP_24K_UNSIGNED, TAMPERED);

    private Fixtures() {
    }

    /** The bytes of fixture {@code name}. */
    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture /fixtures/" + name + " on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies fixture {@code name} into {@code dir} and returns its path there. */
    public static Path copy(String name, Path dir) {
        try {
            return Files.write(dir.resolve(name), bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
