package dev.reactivedfu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The fixture packages of dfu-reactive's test-jar, read just enough for a scripted host. */
final class FixturePackages {

    /** One image: its init packet and firmware. */
    record Image(String kind, byte[] dat, byte[] bin) {
    }

    /** Every fixture package a device accepts. */
    static final List<String> GOOD = List.of("app_24k.zip", "app_200k.zip", "sd_bl_app_24k.zip");

    private static final List<String> ORDER = List.of("softdevice_bootloader", "softdevice", "bootloader",
            "application");

    private FixturePackages() {
    }

    static byte[] resource(String name) {
        try (InputStream in = FixturePackages.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The images of a package, in send order. */
    static List<Image> images(String zip) {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(resource(zip)))) {
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

    /** The application of a package (its last image). */
    static byte[] application(String zip) {
        List<Image> images = images(zip);
        return images.get(images.size() - 1).bin();
    }
}
