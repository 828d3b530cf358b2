package dev.reactivedfu.archive;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A package's {@code manifest.json}: {@code {"manifest": {KIND: {"bin_file", "dat_file"[,
 * "info_read_only_metadata": {"bl_size", "sd_size"}]}}}}, KIND one of {@link ImageKind}'s manifest keys. Read and
 * written with Jackson's streaming parser and generator (no data binding: {@code dfu flash} reads a manifest before
 * its first frame, and an object mapper's set-up alone cost a good part of that); written as nrfutil writes it (Python's {@code json.dumps(sort_keys=True,
 * indent=4, separators=(',', ': '))}: keys sorted, four-space indent, no final newline).
 *
 * @param images the images it lists, in send order
 */
public record Manifest(List<Image> images) {

    /** The name of the manifest entry. */
    public static final String ENTRY = "manifest.json";

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

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
        Map<String, Image> sorted = new TreeMap<>();
        images.forEach(i -> sorted.put(i.kind().manifestKey(), i));
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("    ", "\n"))
                .withArrayIndenter(new DefaultIndenter("    ", "\n"));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.setPrettyPrinter(printer);
            g.writeStartObject();
            g.writeObjectFieldStart("manifest");
            for (Map.Entry<String, Image> e : sorted.entrySet()) {
                Image image = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("bin_file", image.binFile());
                g.writeStringField("dat_file", image.datFile());
                if (image.metadata().isPresent()) {
                    g.writeObjectFieldStart("info_read_only_metadata");
                    g.writeNumberField("bl_size", image.metadata().get().blSize());
                    g.writeNumberField("sd_size", image.metadata().get().sdSize());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
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
        Object root;
        try (JsonParser p = JSON.createParser(bytes)) {
            root = p.nextToken() == null ? null : value(p);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new PackageException(source, Fault.MANIFEST, ENTRY + " is not valid JSON: "
                        + trailing.asString() + " after the top-level value");
            }
        } catch (JacksonException e) {
            throw new PackageException(source, Fault.MANIFEST, ENTRY + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PackageException(source, Fault.MANIFEST, ENTRY + " cannot be read: " + e.getMessage(), e);
        }
        Object manifest = root instanceof Map<?, ?> m ? m.get("manifest") : null;
        if (!(manifest instanceof Map<?, ?> kinds)) {
            throw new PackageException(source, Fault.MANIFEST,
                    ENTRY + " has no \"manifest\" object: not an nrfutil package");
        }
        List<Image> images = new ArrayList<>();
        for (Map.Entry<?, ?> field : kinds.entrySet()) {
            String key = (String) field.getKey();
            ImageKind kind = ImageKind.fromManifestKey(key);
            if (kind == null) {
                throw new PackageException(source, Fault.MANIFEST, ENTRY + " lists unknown image kind "
                        + SafeZip.quote(key) + " (expected softdevice_bootloader, softdevice, bootloader "
                        + "or application)");
            }
            if (!(field.getValue() instanceof Map<?, ?> image)) {
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

    /**
     * The value at the parser's current token, as plain Java: an object as a {@link LinkedHashMap} in document
     * order, an array as a {@link List}, a string, a whole number as {@link Long} (or {@link BigInteger} beyond it),
     * any other number as {@link Double}, a boolean, or null.
     */
    private static Object value(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    p.nextToken();
                    object.put(name, value(p));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(p));
                }
                return array;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue()
                        : p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            default -> {
                return null; // VALUE_NULL
            }
        }
    }

    private static String text(String source, Map<?, ?> image, ImageKind kind, String field) {
        if (!(image.get(field) instanceof String value) || value.isEmpty()) {
            throw new PackageException(source, Fault.MANIFEST,
                    ENTRY + ": " + kind.manifestKey() + " has no " + field + " string");
        }
        return value;
    }

    private static Optional<ReadOnlyMetadata> metadata(String source, Map<?, ?> image, ImageKind kind) {
        Object meta = image.get("info_read_only_metadata");
        if (meta == null) {
            return Optional.empty();
        }
        if (!(meta instanceof Map<?, ?> sizes) || !(sizes.get("sd_size") instanceof Long sd)
                || !(sizes.get("bl_size") instanceof Long bl) || sd < 0 || bl < 0) {
            throw new PackageException(source, Fault.MANIFEST, ENTRY + ": " + kind.manifestKey()
                    + "'s info_read_only_metadata needs whole non-negative numbers sd_size and bl_size");
        }
        return Optional.of(new ReadOnlyMetadata(sd, bl));
    }
}
