package dev.reactivedfu.archive;

import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The seeded package fuzzer of issue 8: mutates real packages at every layer (zip structure, manifest JSON, init
 * packet protobuf structure, firmware bytes) and judges what the reader does with each.
 *
 * <p>Allowed outcomes: a {@link PackageException}, or acceptance, after which every image's firmware must be what its
 * signature vouches for ({@link #checkAccepted}). Anything else (another exception, an {@link Error}, a case over
 * 5 s) is a failure naming the seed and the case number, which {@link #runCase} reproduces alone.
 */
final class PackageFuzz {

    /** A case's longest allowed run. */
    static final long CASE_LIMIT_MS = 5_000;

    private static final List<String> SIGNED = List.of(Fixtures.APP_24K, Fixtures.SD_BL_APP_24K);

    private static final ECPublicKey KEY = Fixtures.publicKey();

    private final ECPublicKey key = KEY;
    private final DfuPackageReader reader = new DfuPackageReader();
    private final Map<String, Map<String, byte[]>> bases = new LinkedHashMap<>();

    /** Counts of what happened, for the test's report. */
    int accepted;
    int refused;

    PackageFuzz() {
        for (String name : List.of(Fixtures.APP_24K, Fixtures.SD_BL_APP_24K, Fixtures.APP_24K_UNSIGNED)) {
            bases.put(name, ForgedPackages.entries(Fixtures.bytes(name)));
        }
    }

    /**
     * Runs cases {@code 0 .. count-1} of {@code seed}.
     *
     * @throws AssertionError naming the seed and the first failing case
     */
    void run(long seed, int count) {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "package-fuzz");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < count; i++) {
                int n = i;
                Future<?> f = executor.submit(() -> runCase(seed, n));
                try {
                    f.get(CASE_LIMIT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    throw new AssertionError(describe(seed, n) + ": took more than " + CASE_LIMIT_MS + " ms");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(describe(seed, n) + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(describe(seed, n) + ": interrupted", e);
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    static String describe(long seed, int n) {
        return "fuzz seed " + seed + " case " + n + " (rerun: -Dfuzz.seed=" + seed + " -Dfuzz.case=" + n + ")";
    }

    /** One case: its own Random from the seed and the case number, so it reruns alone. */
    void runCase(long seed, int n) {
        Random random = new Random(seed * 1_000_003L + n);
        List<String> names = new ArrayList<>(bases.keySet());
        String base = names.get(random.nextInt(names.size()));
        boolean withKey = SIGNED.contains(base) && random.nextInt(4) != 0;
        Mutated m = mutate(base, random);
        try {
            DfuPackage pkg = withKey ? reader.read(base, m.zip, key) : reader.read(base, m.zip);
            checkAccepted(pkg, withKey, m);
            accepted++;
        } catch (PackageException e) {
            if (e.getMessage() == null || e.getMessage().isBlank() || e.fault() == null) {
                throw new AssertionError("a PackageException without a message or fault: " + m.what, e);
            }
            refused++;
        } catch (RuntimeException e) {
            throw new AssertionError("not a PackageException (" + m.what + "): " + e, e);
        }
    }

    /** What a case did to its package. */
    private record Mutated(byte[] zip, String what) {
    }

    private Mutated mutate(String base, Random random) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        bases.get(base).forEach((k, v) -> entries.put(k, v.clone()));
        List<String> what = new ArrayList<>();
        int layers = 1 + random.nextInt(3);
        boolean compress = random.nextInt(4) == 0;
        for (int i = 0; i < layers; i++) {
            switch (random.nextInt(4)) {
                case 0 -> what.add(mutateManifest(entries, random));
                case 1 -> what.add(mutateInitPacket(entries, random));
                case 2 -> what.add(mutateFirmware(entries, random));
                default -> what.add(mutateEntries(entries, random));
            }
        }
        byte[] zip = zip(entries, compress);
        if (random.nextInt(5) == 0) {
            what.add(0, "zip bytes");
            zip = mutateBytes(zip, random);
        }
        return new Mutated(zip, base + ": " + String.join(", ", what));
    }

    // ---------------------------------------------------------------- the oracle

    /**
     * An accepted package must be one whose firmware the signature vouches for: per image, the InitCommand the
     * reader interprets is exactly the signed bytes; any protobuf reader (a merging one, as the bootloader's) sees the
     * same InitCommand in the {@code .dat}; its hash is the firmware's SHA-256; its sizes match; with a key, the
     * signature verifies.
     */
    private static void checkAccepted(DfuPackage pkg, boolean withKey, Mutated m) {
        for (FirmwareImage image : pkg.images()) {
            InitPacket init = image.init();
            DfuCc.InitCommand fromSigned;
            DfuCc.Packet merged;
            try {
                fromSigned = DfuCc.InitCommand.parseFrom(init.signedBytes());
                merged = DfuCc.Packet.parseFrom(image.initPacket());
            } catch (IOException e) {
                throw new AssertionError("accepted an init packet protobuf cannot parse (" + m.what + ")", e);
            }
            require(fromSigned.equals(init.command()), m, "the interpreted InitCommand is not the signed bytes");
            DfuCc.InitCommand seenByDevice = merged.hasSignedCommand()
                    ? merged.getSignedCommand().getCommand().getInit() : merged.getCommand().getInit();
            require(seenByDevice.equals(fromSigned), m, "a merging reader sees another InitCommand");
            require(!(merged.hasSignedCommand() && merged.hasCommand()), m, "a command beside the signed one");
            byte[] firmware = image.firmware();
            require(fromSigned.getHash().getHashType() == DfuCc.HashType.SHA256, m, "hash type not SHA256");
            require(Arrays.equals(fromSigned.getHash().getHash().toByteArray(), Sha256.initPacketHash(firmware)), m,
                    "firmware SHA-256 differs from the signed hash");
            long size = switch (image.kind()) {
                case APPLICATION -> Integer.toUnsignedLong(fromSigned.getAppSize());
                case SOFTDEVICE -> Integer.toUnsignedLong(fromSigned.getSdSize());
                case BOOTLOADER -> Integer.toUnsignedLong(fromSigned.getBlSize());
                case SOFTDEVICE_BOOTLOADER -> Integer.toUnsignedLong(fromSigned.getSdSize())
                        + Integer.toUnsignedLong(fromSigned.getBlSize());
            };
            require(size == firmware.length, m, "sizes do not match the firmware");
            if (withKey) {
                require(merged.hasSignedCommand(), m, "accepted unsigned with a key");
                require(InitPacketSignature.verify(KEY, init.signedBytes(),
                        merged.getSignedCommand().getSignature().toByteArray()), m, "signature does not verify");
            }
        }
    }

    private static void require(boolean ok, Mutated m, String what) {
        if (!ok) {
            throw new AssertionError("accepted a package where " + what + " (" + m.what + ")");
        }
    }

    // ---------------------------------------------------------------- layer: manifest JSON

    private static String mutateManifest(Map<String, byte[]> entries, Random random) {
        byte[] manifest = entries.get("manifest.json");
        if (manifest == null) {
            return "manifest already gone";
        }
        String json = new String(manifest, StandardCharsets.UTF_8);
        List<String> bins = entryNames(entries, ".bin");
        List<String> dats = entryNames(entries, ".dat");
        switch (random.nextInt(9)) {
            case 0 -> entries.remove("manifest.json");
            case 1 -> json = json.substring(0, random.nextInt(json.length() + 1));
            case 2 -> json = json.replace("\"application\"", "\"" + pick(List.of("bootloader", "softdevice",
                    "softdevice_bootloader", "applicatio", "application\\u0000", "APPLICATION"), random) + "\"");
            case 3 -> { // swap bin and dat
                if (!bins.isEmpty() && !dats.isEmpty()) {
                    json = json.replace(bins.get(0), "@@").replace(dats.get(0), bins.get(0)).replace("@@", dats.get(0));
                }
            }
            case 4 -> json = json.replaceFirst("\\{", "{\"manifest\": {}, ");
            case 5 -> json = json.replace("\"bin_file\"", "\"bin_file\": 7, \"x\"");
            case 6 -> json = json.replaceFirst("\"dat_file\": \"[^\"]*\"",
                    "\"dat_file\": \"" + pick(List.of("../x.dat", "/etc/passwd", "C:\\\\x.dat", "", "missing.dat",
                            bins.isEmpty() ? "x" : bins.get(0)), random) + "\"");
            case 7 -> json = json.replaceFirst("\\}\\s*\\}\\s*$", "}, \"softdevice\": {\"bin_file\": \""
                    + (bins.isEmpty() ? "a.bin" : bins.get(0)) + "\", \"dat_file\": \""
                    + (dats.isEmpty() ? "a.dat" : dats.get(0)) + "\"}}");
            default -> {
                byte[] b = mutateBytes(json.getBytes(StandardCharsets.UTF_8), random);
                entries.put("manifest.json", b);
                return "manifest bytes";
            }
        }
        if (entries.containsKey("manifest.json")) {
            entries.put("manifest.json", json.getBytes(StandardCharsets.UTF_8));
        }
        return "manifest";
    }

    // ---------------------------------------------------------------- layer: init packet protobuf structure

    /** One protobuf field, with its children when it is a known nested message. */
    private static final class Node {
        int number;
        int wireType;
        long varint;
        byte[] bytes;
        List<Node> children;
        int lengthDelta;

        Node copy() {
            Node n = new Node();
            n.number = number;
            n.wireType = wireType;
            n.varint = varint;
            n.bytes = bytes == null ? null : bytes.clone();
            n.lengthDelta = lengthDelta;
            if (children != null) {
                n.children = new ArrayList<>();
                children.forEach(c -> n.children.add(c.copy()));
            }
            return n;
        }
    }

    /** Which field numbers hold which nested message: Packet, SignedCommand, Command, InitCommand. */
    private static String nested(String message, int number) {
        return switch (message + "." + number) {
            case "Packet.1", "SignedCommand.1" -> "Command";
            case "Packet.2" -> "SignedCommand";
            case "Command.2" -> "InitCommand";
            case "InitCommand.8" -> "Hash";
            case "InitCommand.10" -> "BootValidation";
            default -> null;
        };
    }

    private static List<Node> parse(byte[] bytes, String message) {
        List<Node> nodes = new ArrayList<>();
        List<WireFields.Field> fields;
        try {
            fields = WireFields.read(bytes);
        } catch (WireFields.MalformedException e) {
            throw new IllegalStateException("the base packets are well-formed", e);
        }
        for (WireFields.Field f : fields) {
            Node n = new Node();
            n.number = f.number();
            n.wireType = f.wireType();
            n.varint = f.varint();
            n.bytes = f.bytes();
            String inner = nested(message, f.number());
            if (inner != null) {
                n.children = parse(f.bytes(), inner);
            }
            nodes.add(n);
        }
        return nodes;
    }

    private static byte[] serialize(List<Node> nodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node n : nodes) {
            varint(out, (long) n.number << 3 | n.wireType);
            if (n.wireType == WireFields.VARINT) {
                varint(out, n.varint);
            } else {
                byte[] payload = n.children != null ? serialize(n.children) : n.bytes;
                varint(out, Math.max(0, payload.length + n.lengthDelta));
                out.writeBytes(payload);
            }
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Every (list, index) position in a tree. */
    private static void positions(List<Node> nodes, List<Object[]> out) {
        for (int i = 0; i < nodes.size(); i++) {
            out.add(new Object[]{nodes, i});
            if (nodes.get(i).children != null) {
                positions(nodes.get(i).children, out);
            }
        }
    }

    private static String mutateInitPacket(Map<String, byte[]> entries, Random random) {
        List<String> dats = entryNames(entries, ".dat");
        if (dats.isEmpty()) {
            return "no dat";
        }
        String name = pick(dats, random);
        byte[] dat = entries.get(name);
        List<Node> tree;
        try {
            tree = parse(dat, "Packet");
        } catch (IllegalStateException e) {
            entries.put(name, mutateBytes(dat, random));
            return name + " bytes";
        }
        List<Object[]> places = new ArrayList<>();
        positions(tree, places);
        if (places.isEmpty()) {
            entries.put(name, mutateBytes(dat, random));
            return name + " bytes";
        }
        Object[] place = places.get(random.nextInt(places.size()));
        @SuppressWarnings("unchecked")
        List<Node> list = (List<Node>) place[0];
        int index = (int) place[1];
        Node node = list.get(index);
        String op;
        switch (random.nextInt(10)) {
            case 0 -> {
                list.add(random.nextBoolean() ? index + 1 : list.size(), node.copy());
                op = "duplicate field " + node.number;
            }
            case 1 -> { // the attack: tamper the firmware, duplicate the field with the new hash inside the copy
                String bin = pick(entryNames(entries, ".bin").isEmpty() ? List.of("none") : entryNames(entries, ".bin"),
                        random);
                byte[] fw = entries.get(bin);
                if (fw != null && fw.length > 0) {
                    fw = ForgedPackages.tamperedFirmware(fw);
                    entries.put(bin, fw);
                    Node copy = node.copy();
                    setHashes(copy, Sha256.initPacketHash(fw));
                    list.add(random.nextBoolean() ? index + 1 : list.size(), copy);
                }
                op = "forged duplicate of field " + node.number;
            }
            case 2 -> {
                list.remove(index);
                op = "remove field " + node.number;
            }
            case 3 -> {
                int other = random.nextInt(list.size());
                list.set(index, list.get(other));
                list.set(other, node);
                op = "reorder fields";
            }
            case 4 -> {
                Node unknown = new Node();
                unknown.number = 11 + random.nextInt(40);
                unknown.wireType = random.nextBoolean() ? WireFields.VARINT : WireFields.LENGTH_DELIMITED;
                unknown.varint = random.nextInt(300);
                unknown.bytes = new byte[random.nextInt(5)];
                random.nextBytes(unknown.bytes);
                list.add(random.nextInt(list.size() + 1), unknown);
                op = "unknown field";
            }
            case 5 -> {
                if (node.wireType == WireFields.VARINT) {
                    node.varint = pick(List.of(0L, 1L, node.varint + 1, node.varint - 1, 0xFFFF_FFFFL,
                            0x1_0000_0000L, -1L, (long) random.nextInt()), random);
                } else {
                    node.lengthDelta = random.nextBoolean() ? 1 : -1;
                }
                op = node.wireType == WireFields.VARINT ? "varint value" : "nested length";
            }
            case 6 -> {
                if (node.children == null && node.bytes != null && node.bytes.length > 0) {
                    node.bytes = mutateBytes(node.bytes, random);
                } else {
                    node.wireType = node.wireType == WireFields.VARINT ? WireFields.LENGTH_DELIMITED : WireFields.VARINT;
                    node.bytes = node.bytes == null ? new byte[0] : node.bytes;
                    node.children = null;
                }
                op = "field content";
            }
            case 7 -> {
                node.number = node.number + pick(List.of(1, -1, 8, 16), random);
                node.number = Math.max(1, node.number);
                op = "renumber field";
            }
            default -> {
                byte[] bytes = serialize(tree);
                entries.put(name, random.nextBoolean()
                        ? Arrays.copyOf(bytes, random.nextInt(bytes.length + 1))
                        : mutateBytes(bytes, random));
                return name + " truncated or damaged";
            }
        }
        entries.put(name, serialize(tree));
        return name + ": " + op;
    }

    /** Replaces every Hash message's hash bytes under {@code node}. */
    private static void setHashes(Node node, byte[] hash) {
        if (node.children == null) {
            return;
        }
        boolean isHash = node.number == 8 && node.children.stream().anyMatch(c -> c.number == 1)
                && node.children.stream().anyMatch(c -> c.number == 2 && c.children == null && c.bytes.length == 32);
        for (Node c : node.children) {
            if (isHash && c.number == 2) {
                c.bytes = hash.clone();
            } else {
                setHashes(c, hash);
            }
        }
    }

    // ---------------------------------------------------------------- layer: firmware bytes

    private static String mutateFirmware(Map<String, byte[]> entries, Random random) {
        List<String> bins = entryNames(entries, ".bin");
        if (bins.isEmpty()) {
            return "no bin";
        }
        String name = pick(bins, random);
        byte[] fw = entries.get(name);
        switch (random.nextInt(4)) {
            case 0 -> entries.put(name, Arrays.copyOf(fw, random.nextInt(fw.length + 1)));
            case 1 -> entries.put(name, Arrays.copyOf(fw, fw.length + 1 + random.nextInt(64)));
            case 2 -> entries.put(name, new byte[0]);
            default -> entries.put(name, mutateBytes(fw, random));
        }
        return name + " bytes";
    }

    // ---------------------------------------------------------------- layer: zip structure

    private static String mutateEntries(Map<String, byte[]> entries, Random random) {
        List<String> names = new ArrayList<>(entries.keySet());
        String name = pick(names.isEmpty() ? List.of("manifest.json") : names, random);
        switch (random.nextInt(6)) {
            case 0 -> entries.remove(name);
            case 1 -> { // reorder
                byte[] v = entries.remove(name);
                if (v != null) {
                    entries.put(name, v);
                }
            }
            case 2 -> {
                byte[] v = entries.remove(name);
                entries.put(pick(List.of("../" + name, "/" + name, "C:/" + name, "dir/" + name, name + "/",
                        name.toUpperCase(java.util.Locale.ROOT), name + "\u0000"), random), v == null ? new byte[0] : v);
            }
            case 3 -> entries.put("extra" + random.nextInt(100) + ".bin", new byte[random.nextInt(100)]);
            case 4 -> {
                for (int i = 0; i < 70; i++) {
                    entries.put("filler" + i, new byte[0]);
                }
            }
            default -> entries.put(name + "\u0001dup", entries.getOrDefault(name, new byte[0]));
        }
        return "entries";
    }

    /** Zips entries; a name ending in the duplicate marker becomes a second entry of the same name. */
    private static byte[] zip(Map<String, byte[]> entries, boolean compress) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> duplicated = new ArrayList<>();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                String name = e.getKey();
                if (name.endsWith("\u0001dup")) {
                    // written under a same-length stand-in, patched to the original name below
                    String original = name.substring(0, name.length() - 4);
                    name = original.substring(0, original.length() - 1) + "~";
                    duplicated.add(original);
                }
                ZipEntry entry = new ZipEntry(name);
                if (!compress) {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException | IllegalArgumentException e) {
            // a name java.util.zip will not write (e.g. a NUL): drop that twist, keep the case going
            Map<String, byte[]> safe = new LinkedHashMap<>();
            entries.forEach((k, v) -> safe.put(k.replace('\u0000', '_'), v));
            if (!safe.keySet().equals(entries.keySet())) {
                return zip(safe, compress);
            }
            throw new UncheckedIOException(new IOException(e));
        }
        byte[] zip = out.toByteArray();
        for (String original : duplicated) {
            String standIn = original.substring(0, original.length() - 1) + "~";
            zip = replaceAll(zip, standIn.getBytes(StandardCharsets.UTF_8), original.getBytes(StandardCharsets.UTF_8));
        }
        return zip;
    }

    private static byte[] replaceAll(byte[] data, byte[] from, byte[] to) {
        byte[] out = data.clone();
        outer:
        for (int i = 0; i + from.length <= out.length; i++) {
            for (int j = 0; j < from.length; j++) {
                if (out[i + j] != from[j]) {
                    continue outer;
                }
            }
            System.arraycopy(to, 0, out, i, to.length);
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] mutateBytes(byte[] b, Random random) {
        byte[] out = b.clone();
        if (out.length == 0) {
            return new byte[]{(byte) random.nextInt()};
        }
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
            case 2 -> {
                int at = random.nextInt(out.length);
                byte[] bigger = new byte[out.length + 1 + random.nextInt(8)];
                System.arraycopy(out, 0, bigger, 0, at);
                for (int i = at; i < bigger.length - (out.length - at); i++) {
                    bigger[i] = (byte) random.nextInt();
                }
                System.arraycopy(out, at, bigger, bigger.length - (out.length - at), out.length - at);
                out = bigger;
            }
            default -> out[random.nextInt(out.length)] = (byte) random.nextInt();
        }
        return out;
    }

    private static List<String> entryNames(Map<String, byte[]> entries, String suffix) {
        List<String> names = new ArrayList<>();
        entries.keySet().stream().filter(n -> n.endsWith(suffix)).forEach(names::add);
        return names;
    }

    private static <T> T pick(List<T> from, Random random) {
        return from.get(random.nextInt(from.size()));
    }
}
