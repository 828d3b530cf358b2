package dev.reactivedfu.archive;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A package's {@code manifest.json}: {@code {"manifest": {KIND: {"bin_file", "dat_file"[,
 * "info_read_only_metadata": {"bl_size", "sd_size"}]}}}}, KIND one of {@link ImageKind}'s manifest keys. Read and
 * written by the same Jackson mapping; written as nrfutil writes it (Python's {@code json.dumps(sort_keys=True,
 * indent=4, separators=(',', ': '))}: keys sorted, four-space indent, no final newline).
 *
 * @param images the images it lists, in send order
 */
public record Manifest(List<Image> images) {

    /** The name of the manifest entry. */
    public static final String ENTRY = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One image of the manifest.
     *
     * @param kind     what it is
     * @param binFile  the firmware entry
     * @param datFile  the init packet entry
     * @param metadata {@code info_read_only_metadata}, which nrfutil writes for a SoftDevice and bootloader
     */
    public record Image(ImageKind kind, String binFile, String datFile, Optional<ReadOnlyMetadata> metadata) {
        public Image {
            java.util.Objects.requireNonNull(kind, "kind");
            java.util.Objects.requireNonNull(binFile, "binFile");
            java.util.Objects.requireNonNull(datFile, "datFile");
            java.util.Objects.requireNonNull(metadata, "metadata");
        }
    }

    public Manifest {
        Map<ImageKind, Image> byKind = new EnumMap<>(ImageKind.class);
        for (Image i : images) {
            if (byKind.put(i.kind(), i) != null) {
                throw new IllegalArgumentException("two " + i.kind().manifestKey() + " images");
            }
        }
        if (byKind.isEmpty()) {
            throw new IllegalArgumentException("a manifest lists at least one image");
        }
        images = List.copyOf(byKind.values());
    }

    /** The manifest as nrfutil writes it (UTF-8, no final newline). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode manifest = root.putObject("manifest");
        Map<String, Image> sorted = new TreeMap<>();
        images.forEach(i -> sorted.put(i.kind().manifestKey(), i));
        sorted.forEach((key, image) -> {
            ObjectNode node = manifest.putObject(key);
            node.put("bin_file", image.binFile());
            node.put("dat_file", image.datFile());
            image.metadata().ifPresent(m -> node.putObject("info_read_only_metadata")
                    .put("bl_size", m.blSize())
                    .put("sd_size", m.sdSize()));
        });
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("    ", "\n"))
                .withArrayIndenter(new DefaultIndenter("    ", "\n"));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.setPrettyPrinter(printer);
            JSON.writeTree(g, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a manifest; {@code source} names the package in errors.
     *
     * @throws PackageException with fault {@link Fault#MANIFEST} when the JSON is malformed or ill-shaped
     */
    public static Manifest parse(String source, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new PackageException(source, Fault.MANIFEST, ENTRY + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PackageException(source, Fault.MANIFEST, ENTRY + " cannot be read: " + e.getMessage(), e);
        }
        JsonNode manifest = root == null ? null : root.get("manifest");
        if (manifest == null || !manifest.isObject()) {
            throw new PackageException(source, Fault.MANIFEST,
                    ENTRY + " has no \"manifest\" object: not an nrfutil package");
        }
        List<Image> images = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : manifest.properties()) {
            ImageKind kind = ImageKind.fromManifestKey(field.getKey());
            if (kind == null) {
                throw new PackageException(source, Fault.MANIFEST, ENTRY + " lists unknown image kind "
                        + SafeZip.quote(field.getKey()) + " (expected softdevice_bootloader, softdevice, bootloader "
                        + "or application)");
            }
            JsonNode image = field.getValue();
            if (!image.isObject()) {
                throw new PackageException(source, Fault.MANIFEST,
                        ENTRY + ": " + kind.manifestKey() + " is not an object");
            }
            images.add(new Image(kind, text(source, image, kind, "bin_file"), text(source, image, kind, "dat_file"),
                    metadata(source, image, kind)));
        }
        if (images.isEmpty()) {
            throw new PackageException(source, Fault.MANIFEST, ENTRY + " lists no image");
        }
        return new Manifest(images);
    }

    private static String text(String source, JsonNode image, ImageKind kind, String field) {
        JsonNode value = image.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new PackageException(source, Fault.MANIFEST,
                    ENTRY + ": " + kind.manifestKey() + " has no " + field + " string");
        }
        return value.asText();
    }

    private static Optional<ReadOnlyMetadata> metadata(String source, JsonNode image, ImageKind kind) {
        JsonNode meta = image.get("info_read_only_metadata");
        if (meta == null || meta.isNull()) {
            return Optional.empty();
        }
        JsonNode sd = meta.get("sd_size");
        JsonNode bl = meta.get("bl_size");
        if (!meta.isObject() || sd == null || bl == null || !sd.canConvertToLong() || !bl.canConvertToLong()
                || !sd.isIntegralNumber() || !bl.isIntegralNumber() || sd.asLong() < 0 || bl.asLong() < 0) {
            throw new PackageException(source, Fault.MANIFEST, ENTRY + ": " + kind.manifestKey()
                    + "'s info_read_only_metadata needs whole non-negative numbers sd_size and bl_size");
        }
        return Optional.of(new ReadOnlyMetadata(sd.asLong(), bl.asLong()));
    }
}
