package dev.reactivedfu.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

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

    /** Every fixture package a device accepts. */
    public static final List<String> GOOD = List.of(APP_24K, APP_200K, SD_BL_APP_24K);

    /**
     * One image of a fixture as its entries stand in the zip, unchecked: what a scripted host sends, including the
     * tampered package that {@link DfuPackageReader} (rightly) refuses.
     */
    public record Image(String kind, byte[] dat, byte[] bin) {
    }

    private static final List<String> ORDER = List.of("softdevice_bootloader", "softdevice", "bootloader",
            "application");

    private Fixtures() {
    }

    /** The images of fixture {@code name} in send order, read without any check. */
    public static List<Image> images(String name) {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes(name)))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
            JsonNode manifest = new ObjectMapper().readTree(entries.get("manifest.json")).get("manifest");
            List<Image> images = new ArrayList<>();
            for (String kind : ORDER) {
                JsonNode node = manifest.get(kind);
                if (node != null) {
                    images.add(new Image(kind, entries.get(node.get("dat_file").asText()),
                            entries.get(node.get("bin_file").asText())));
                }
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last image's firmware: the application of every fixture. */
    public static byte[] application(String name) {
        List<Image> images = images(name);
        return images.get(images.size() - 1).bin();
    }

    /** The key that signed the fixtures. */
    public static ECPublicKey publicKey() {
        return PublicKeys.parse(PUBLIC_PEM, new String(bytes(PUBLIC_PEM), StandardCharsets.US_ASCII));
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
