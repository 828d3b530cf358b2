package dev.reactivedfu.archive;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads nrfutil DFU packages ({@code .zip}) into {@link DfuPackage}s and validates them before any device is touched.
 *
 * <p>A package is {@code manifest.json} ({@code {"manifest": {KIND: {"bin_file", "dat_file"[,
 * "info_read_only_metadata"]}}}}, KIND one of {@link ImageKind}'s manifest keys) and, per image, a {@code .dat} (the
 * init packet, a protobuf {@code Packet}) and a {@code .bin} (the firmware). Images come out in send order:
 * softdevice_bootloader, softdevice, bootloader, application.
 *
 * <p>Validation, per image ({@link ImageValidation}): the init packet's type matches the manifest's kind; its hash is
 * SHA-256 (the only type the bootloader accepts) and equals the SHA-256 of the {@code .bin}, stored byte-reversed;
 * its sizes match the {@code .bin} ({@code app_size} for an application, {@code sd_size} for a SoftDevice,
 * {@code bl_size} for a bootloader, {@code sd_size + bl_size} for both, and the manifest's
 * {@code info_read_only_metadata} where given); with a public key, the ECDSA P-256 signature over the serialized
 * {@code InitCommand} verifies (an unsigned package then fails as {@link Fault#UNSIGNED}).
 *
 * <p>Hostile input is refused with a {@link PackageException} naming the file and the fault, and nothing is ever
 * written anywhere: the archive is read in memory, never extracted. Refused: not a zip ({@link Fault#NOT_A_ZIP}),
 * truncated ({@link Fault#TRUNCATED}), entries named with {@code ..}, absolute or drive paths
 * ({@link Fault#UNSAFE_ENTRY}), duplicate entries ({@link Fault#DUPLICATE_ENTRY}), a manifest or image file that is
 * missing ({@link Fault#MISSING_ENTRY}), malformed or ill-shaped JSON ({@link Fault#MANIFEST}), an init packet that is
 * not a protobuf {@code Packet} holding an init command ({@link Fault#INIT_PACKET}), and an entry, an archive or a
 * number of entries past the limits ({@link Fault#TOO_LARGE}). Inflated bytes are counted as they are read; sizes
 * declared in the zip's headers are never trusted, so a zip bomb stops at the limit.
 *
 * <p>Instances are immutable and thread-safe; {@code with...} methods return a reader with another limit.
 */
public final class DfuPackageReader {

    /** Largest entry (inflated) by default: 16 MiB, far more than any nRF52 flash. */
    public static final long DEFAULT_MAX_IMAGE_SIZE = 16L * 1024 * 1024;
    /** Largest total of inflated entries by default: 32 MiB. */
    public static final long DEFAULT_MAX_ARCHIVE_SIZE = 32L * 1024 * 1024;
    /** Most entries an archive may hold (a package has at most one manifest and two files per image kind). */
    public static final int MAX_ENTRIES = 64;

    /** The name of the manifest entry. */
    public static final String MANIFEST = "manifest.json";

    private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};
    private static final byte[] END_HEADER = {'P', 'K', 5, 6};
    private static final int END_RECORD_LENGTH = 22;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final long maxImageSize;
    private final long maxArchiveSize;

    /** A reader with the default limits ({@value #DEFAULT_MAX_IMAGE_SIZE} bytes per entry). */
    public DfuPackageReader() {
        this(DEFAULT_MAX_IMAGE_SIZE, DEFAULT_MAX_ARCHIVE_SIZE);
    }

    private DfuPackageReader(long maxImageSize, long maxArchiveSize) {
        if (maxImageSize <= 0 || maxArchiveSize <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxImageSize = maxImageSize;
        this.maxArchiveSize = maxArchiveSize;
    }

    /** A reader refusing any entry that inflates to more than {@code bytes}. */
    public DfuPackageReader withMaxImageSize(long bytes) {
        return new DfuPackageReader(bytes, maxArchiveSize);
    }

    /** A reader refusing an archive (the file, and all its entries inflated together) of more than {@code bytes}. */
    public DfuPackageReader withMaxArchiveSize(long bytes) {
        return new DfuPackageReader(maxImageSize, bytes);
    }

    /** The per-entry limit in bytes, inflated. */
    public long maxImageSize() {
        return maxImageSize;
    }

    /** The limit in bytes on the file and on all its entries inflated together. */
    public long maxArchiveSize() {
        return maxArchiveSize;
    }

    // ---------------------------------------------------------------- reading and validating

    /**
     * Reads a package and requires it valid (hash, sizes, hash type; signatures are not checked).
     *
     * @throws PackageException naming the file and the fault when it cannot be read or fails a check
     */
    public DfuPackage read(Path file) {
        return inspect(file).requireValid();
    }

    /**
     * Reads a package and requires it valid and every image signed with {@code key}.
     *
     * @throws PackageException naming the file and the fault when it cannot be read, fails a check, is unsigned
     *                          ({@link Fault#UNSIGNED}) or not signed by that key ({@link Fault#SIGNATURE_INVALID})
     */
    public DfuPackage read(Path file, ECPublicKey key) {
        return inspect(file, key).requireValid();
    }

    /**
     * Reads a package held in memory and requires it valid (signatures are not checked).
     *
     * @param source names the package in errors
     * @throws PackageException naming {@code source} and the fault
     */
    public DfuPackage read(String source, byte[] zip) {
        return inspect(source, zip).requireValid();
    }

    /**
     * Reads a package held in memory and requires it valid and every image signed with {@code key}.
     *
     * @param source names the package in errors
     * @throws PackageException naming {@code source} and the fault
     */
    public DfuPackage read(String source, byte[] zip, ECPublicKey key) {
        return inspect(source, zip, key).requireValid();
    }

    /**
     * Reads a package and reports every check without refusing a package that fails one (signatures not checked).
     *
     * @throws PackageException when the file cannot be read as a package at all (see the class comment)
     */
    public PackageValidation inspect(Path file) {
        return validate(parse(file.toString(), readFile(file)), null);
    }

    /**
     * Reads a package and reports every check, signatures against {@code key}, without refusing a package that fails
     * one.
     *
     * @throws PackageException when the file cannot be read as a package at all (see the class comment)
     */
    public PackageValidation inspect(Path file, ECPublicKey key) {
        return validate(parse(file.toString(), readFile(file)), requireKey(key));
    }

    /**
     * Reads a package held in memory and reports every check (signatures not checked).
     *
     * @param source names the package in errors
     * @throws PackageException when the bytes cannot be read as a package at all
     */
    public PackageValidation inspect(String source, byte[] zip) {
        return validate(parse(source, zip), null);
    }

    /**
     * Reads a package held in memory and reports every check, signatures against {@code key}.
     *
     * @param source names the package in errors
     * @throws PackageException when the bytes cannot be read as a package at all
     */
    public PackageValidation inspect(String source, byte[] zip, ECPublicKey key) {
        return validate(parse(source, zip), requireKey(key));
    }

    private static ECPublicKey requireKey(ECPublicKey key) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        return key;
    }

    // ---------------------------------------------------------------- the archive

    private byte[] readFile(Path file) {
        String source = file.toString();
        try {
            long size = Files.size(file);
            if (size > maxArchiveSize) {
                throw new PackageException(source, Fault.TOO_LARGE, "the file is " + size
                        + " bytes, more than the limit of " + maxArchiveSize + " bytes for a package");
            }
            if (Files.isDirectory(file)) {
                throw new PackageException(source, Fault.IO, "is a directory, not a package file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PackageException(source, Fault.IO, "no such file", e);
        } catch (IOException e) {
            throw new PackageException(source, Fault.IO, "cannot read the file: " + e.getMessage(), e);
        }
    }

    /** Reads the archive's entries into memory (never to disk), counting inflated bytes against the limits. */
    private Map<String, byte[]> unzip(String source, byte[] zip) {
        if (zip.length > maxArchiveSize) {
            throw new PackageException(source, Fault.TOO_LARGE, "the archive is " + zip.length
                    + " bytes, more than the limit of " + maxArchiveSize + " bytes for a package");
        }
        int declaredEntries = checkEnd(source, zip);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        long total = 0;
        int count = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            byte[] buffer = new byte[8192];
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                if (++count > MAX_ENTRIES) {
                    throw new PackageException(source, Fault.TOO_LARGE,
                            "more than " + MAX_ENTRIES + " entries: not a DFU package");
                }
                String unsafe = unsafeName(name);
                if (unsafe != null) {
                    throw new PackageException(source, Fault.UNSAFE_ENTRY,
                            "entry " + quote(name) + " " + unsafe + "; refused without extracting anything");
                }
                if (entries.containsKey(name)) {
                    throw new PackageException(source, Fault.DUPLICATE_ENTRY,
                            "entry " + quote(name) + " appears more than once");
                }
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                long entrySize = 0;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    entrySize += n;
                    total += n;
                    if (entrySize > maxImageSize) {
                        throw new PackageException(source, Fault.TOO_LARGE, "entry " + quote(name)
                                + " inflates to more than the limit of " + maxImageSize + " bytes");
                    }
                    if (total > maxArchiveSize) {
                        throw new PackageException(source, Fault.TOO_LARGE, "the entries inflate to more than "
                                + "the limit of " + maxArchiveSize + " bytes (at " + quote(name) + ")");
                    }
                    content.write(buffer, 0, n);
                }
                entries.put(name, content.toByteArray());
            }
        } catch (PackageException e) {
            throw e;
        } catch (EOFException e) {
            throw new PackageException(source, Fault.TRUNCATED, "the zip ends in the middle of an entry", e);
        } catch (IOException | RuntimeException e) {
            // ZipException (bad header, bad CRC, bad compressed data), IllegalArgumentException (malformed names)
            throw new PackageException(source, Fault.NOT_A_ZIP, "damaged zip: " + e.getMessage(), e);
        }
        if (count != declaredEntries) {
            throw new PackageException(source, Fault.NOT_A_ZIP, "damaged zip: its directory lists "
                    + declaredEntries + " entries but it holds " + count);
        }
        entries.keySet().removeIf(name -> name.endsWith("/"));
        return entries;
    }

    /**
     * Checks the zip signature and its end-of-central-directory record, which a truncated file lacks (reading local
     * headers alone would accept a file cut inside its directory).
     *
     * @return the number of entries the directory declares
     */
    private static int checkEnd(String source, byte[] zip) {
        if (!startsWith(zip, LOCAL_HEADER) && !startsWith(zip, END_HEADER)) {
            if (zip.length == 0) {
                throw new PackageException(source, Fault.NOT_A_ZIP, "not a zip file: the file is empty");
            }
            boolean prefix = zip.length > 0 && zip.length < LOCAL_HEADER.length && startsWithPrefix(zip, LOCAL_HEADER);
            throw new PackageException(source, prefix ? Fault.TRUNCATED : Fault.NOT_A_ZIP, prefix
                    ? "the zip ends after " + zip.length + " bytes"
                    : "not a zip file (it starts with " + hexStart(zip) + ", not PK 03 04)");
        }
        int lowest = Math.max(0, zip.length - END_RECORD_LENGTH - 0xFFFF);
        for (int i = zip.length - END_RECORD_LENGTH; i >= lowest; i--) {
            if (startsWithAt(zip, i, END_HEADER) && u16(zip, i + 20) == zip.length - i - END_RECORD_LENGTH) {
                int entries = u16(zip, i + 10);
                long directorySize = u32(zip, i + 12);
                long directoryOffset = u32(zip, i + 16);
                if (entries == 0xFFFF || directorySize == 0xFFFF_FFFFL || directoryOffset == 0xFFFF_FFFFL) {
                    throw new PackageException(source, Fault.NOT_A_ZIP,
                            "a ZIP64 archive: DFU packages are plain zips");
                }
                if (directoryOffset + directorySize != i) {
                    throw new PackageException(source, Fault.TRUNCATED, "damaged zip: its central directory "
                            + "does not end where the end record starts (truncated or spliced)");
                }
                return entries;
            }
        }
        throw new PackageException(source, Fault.TRUNCATED,
                "the zip has no end record: the file is truncated (" + zip.length + " bytes)");
    }

    /** Why an entry name is unsafe to honour, or {@code null} when it is safe. */
    private static String unsafeName(String name) {
        if (name.isEmpty()) {
            return "has an empty name";
        }
        if (name.indexOf('\0') >= 0) {
            return "has a NUL in its name";
        }
        String n = name.replace('\\', '/');
        if (n.startsWith("/")) {
            return "is an absolute path";
        }
        if (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0))) {
            return "is a drive path";
        }
        for (String segment : n.split("/", -1)) {
            if (segment.equals("..")) {
                return "climbs out of the archive with '..'";
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- manifest and images

    private record ManifestImage(ImageKind kind, String binFile, String datFile,
                                 Optional<ReadOnlyMetadata> metadata) {
    }

    private DfuPackage parse(String source, byte[] zip) {
        Map<String, byte[]> entries = unzip(source, zip);
        byte[] manifest = entries.get(MANIFEST);
        if (manifest == null) {
            throw new PackageException(source, Fault.MISSING_ENTRY,
                    "no " + MANIFEST + " (entries: " + String.join(", ", entries.keySet()) + ")");
        }
        List<ManifestImage> listed = manifest(source, manifest);
        List<FirmwareImage> images = new ArrayList<>();
        for (ManifestImage m : listed) {
            byte[] dat = entry(source, entries, m.kind(), m.datFile());
            byte[] bin = entry(source, entries, m.kind(), m.binFile());
            InitPacket init;
            try {
                init = InitPacket.parse(m.datFile(), dat);
            } catch (PackageException e) {
                throw new PackageException(source, e.fault(), e.getMessage(), e);
            }
            if (bin.length == 0) {
                throw new PackageException(source, Fault.SIZE_MISMATCH, m.binFile() + ": the "
                        + m.kind().manifestKey() + " image is empty");
            }
            images.add(new FirmwareImage(m.kind(), m.binFile(), m.datFile(), dat, bin, init, m.metadata()));
        }
        return new DfuPackage(source, images);
    }

    private static byte[] entry(String source, Map<String, byte[]> entries, ImageKind kind, String name) {
        String unsafe = unsafeName(name);
        if (unsafe != null) {
            throw new PackageException(source, Fault.UNSAFE_ENTRY,
                    MANIFEST + " names " + quote(name) + " for the " + kind.manifestKey() + ", which " + unsafe);
        }
        byte[] bytes = entries.get(name);
        if (bytes == null) {
            throw new PackageException(source, Fault.MISSING_ENTRY, MANIFEST + " names " + quote(name)
                    + " for the " + kind.manifestKey() + ", but the archive has no such entry");
        }
        return bytes;
    }

    /** The images the manifest lists, in send order. */
    private static List<ManifestImage> manifest(String source, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new PackageException(source, Fault.MANIFEST, MANIFEST + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PackageException(source, Fault.MANIFEST, MANIFEST + " cannot be read: " + e.getMessage(), e);
        }
        JsonNode manifest = root == null ? null : root.get("manifest");
        if (manifest == null || !manifest.isObject()) {
            throw new PackageException(source, Fault.MANIFEST,
                    MANIFEST + " has no \"manifest\" object: not an nrfutil package");
        }
        Map<ImageKind, ManifestImage> images = new EnumMap<>(ImageKind.class);
        for (Map.Entry<String, JsonNode> field : manifest.properties()) {
            ImageKind kind = ImageKind.fromManifestKey(field.getKey());
            if (kind == null) {
                throw new PackageException(source, Fault.MANIFEST, MANIFEST + " lists unknown image kind "
                        + quote(field.getKey()) + " (expected softdevice_bootloader, softdevice, bootloader or "
                        + "application)");
            }
            JsonNode image = field.getValue();
            if (!image.isObject()) {
                throw new PackageException(source, Fault.MANIFEST,
                        MANIFEST + ": " + kind.manifestKey() + " is not an object");
            }
            images.put(kind, new ManifestImage(kind, text(source, image, kind, "bin_file"),
                    text(source, image, kind, "dat_file"), metadata(source, image, kind)));
        }
        if (images.isEmpty()) {
            throw new PackageException(source, Fault.MANIFEST, MANIFEST + " lists no image");
        }
        List<ManifestImage> ordered = new ArrayList<>(images.values());
        ordered.sort(Comparator.comparing(ManifestImage::kind));
        return ordered;
    }

    private static String text(String source, JsonNode image, ImageKind kind, String field) {
        JsonNode value = image.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new PackageException(source, Fault.MANIFEST,
                    MANIFEST + ": " + kind.manifestKey() + " has no " + field + " string");
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
            throw new PackageException(source, Fault.MANIFEST, MANIFEST + ": " + kind.manifestKey()
                    + "'s info_read_only_metadata needs whole non-negative numbers sd_size and bl_size");
        }
        return Optional.of(new ReadOnlyMetadata(sd.asLong(), bl.asLong()));
    }

    // ---------------------------------------------------------------- validation

    private static PackageValidation validate(DfuPackage dfuPackage, ECPublicKey key) {
        List<ImageValidation> validations = new ArrayList<>();
        for (FirmwareImage image : dfuPackage.images()) {
            validations.add(validate(image, key));
        }
        return new PackageValidation(dfuPackage, validations, key != null);
    }

    private static ImageValidation validate(FirmwareImage image, ECPublicKey key) {
        List<ImageValidation.Problem> problems = new ArrayList<>();
        InitPacket init = image.init();
        byte[] firmware = image.firmware();
        String kindName = image.kind().manifestKey();

        if (!typeMatches(image.kind(), init.type())) {
            problems.add(new ImageValidation.Problem(Fault.MANIFEST, image.datFile() + ": the manifest lists it as "
                    + kindName + " but its init packet's type is " + init.type()));
        }

        boolean hashTypeSupported = init.hashType() == DfuCc.HashType.SHA256;
        boolean hashValid = false;
        if (!hashTypeSupported) {
            problems.add(new ImageValidation.Problem(Fault.UNSUPPORTED_HASH, image.datFile()
                    + ": hash type " + init.hashType() + " is not supported (the bootloader checks SHA256)"));
        } else {
            byte[] expected = reversed(sha256(firmware));
            hashValid = MessageDigest.isEqual(expected, init.hash());
            if (!hashValid) {
                problems.add(new ImageValidation.Problem(Fault.HASH_MISMATCH, image.binFile()
                        + ": SHA-256 of the firmware is " + HexFormat.of().formatHex(expected)
                        + " (byte-reversed, as stored) but the init packet " + image.datFile() + " says "
                        + HexFormat.of().formatHex(init.hash())));
            }
        }

        String sizeProblem = sizeProblem(image, firmware.length);
        if (sizeProblem != null) {
            problems.add(new ImageValidation.Problem(Fault.SIZE_MISMATCH, sizeProblem));
        }

        SignatureCheck signature;
        if (!init.isSigned()) {
            signature = SignatureCheck.UNSIGNED;
            if (key != null) {
                problems.add(new ImageValidation.Problem(Fault.UNSIGNED, image.datFile()
                        + ": the init packet is not signed, but a key was given to check it against"));
            }
        } else if (key == null) {
            signature = SignatureCheck.NOT_CHECKED;
        } else if (init.verifySignature(key)) {
            signature = SignatureCheck.VALID;
        } else {
            signature = SignatureCheck.INVALID;
            problems.add(new ImageValidation.Problem(Fault.SIGNATURE_INVALID, image.datFile() + ": the "
                    + init.signatureType().map(Enum::name).orElse("") + " signature does not verify with the key"));
        }
        return new ImageValidation(image, hashTypeSupported, hashValid, sizeProblem == null, signature, problems);
    }

    private static boolean typeMatches(ImageKind kind, DfuCc.FwType type) {
        return switch (kind) {
            case APPLICATION -> type == DfuCc.FwType.APPLICATION || type == DfuCc.FwType.EXTERNAL_APPLICATION;
            case SOFTDEVICE -> type == DfuCc.FwType.SOFTDEVICE;
            case BOOTLOADER -> type == DfuCc.FwType.BOOTLOADER;
            case SOFTDEVICE_BOOTLOADER -> type == DfuCc.FwType.SOFTDEVICE_BOOTLOADER;
        };
    }

    /** What is wrong with the init packet's sizes for this image, or {@code null} when they match. */
    private static String sizeProblem(FirmwareImage image, long length) {
        InitPacket init = image.init();
        long sd = Integer.toUnsignedLong(init.sdSize());
        long bl = Integer.toUnsignedLong(init.blSize());
        long app = Integer.toUnsignedLong(init.appSize());
        String where = image.datFile() + ": ";
        switch (image.kind()) {
            case APPLICATION:
                return app == length ? null
                        : where + "app_size " + app + " does not match " + image.binFile() + " of " + length + " bytes";
            case SOFTDEVICE:
                return sd == length ? null
                        : where + "sd_size " + sd + " does not match " + image.binFile() + " of " + length + " bytes";
            case BOOTLOADER:
                return bl == length ? null
                        : where + "bl_size " + bl + " does not match " + image.binFile() + " of " + length + " bytes";
            case SOFTDEVICE_BOOTLOADER: {
                if (sd + bl != length) {
                    return where + "sd_size " + sd + " + bl_size " + bl + " = " + (sd + bl) + " does not match "
                            + image.binFile() + " of " + length + " bytes";
                }
                Optional<ReadOnlyMetadata> meta = image.metadata();
                if (meta.isPresent() && (meta.get().sdSize() != sd || meta.get().blSize() != bl)) {
                    return where + "sd_size " + sd + " and bl_size " + bl + " differ from the manifest's "
                            + "info_read_only_metadata (sd_size " + meta.get().sdSize() + ", bl_size "
                            + meta.get().blSize() + ")";
                }
                return null;
            }
            default:
                throw new AssertionError(image.kind());
        }
    }

    // ---------------------------------------------------------------- bytes

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return startsWithAt(b, 0, prefix);
    }

    private static boolean startsWithAt(byte[] b, int offset, byte[] prefix) {
        if (offset < 0 || b.length - offset < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithPrefix(byte[] b, byte[] signature) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexStart(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b, 0, Math.min(4, b.length));
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | (b[offset + 1] & 0xFFL) << 8 | (b[offset + 2] & 0xFFL) << 16
                | (b[offset + 3] & 0xFFL) << 24;
    }

    private static String quote(String name) {
        StringBuilder sb = new StringBuilder("'");
        for (char c : name.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.append('\'').toString();
    }
}
