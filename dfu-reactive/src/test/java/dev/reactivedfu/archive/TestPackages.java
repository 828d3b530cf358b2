package dev.reactivedfu.archive;

import com.google.protobuf.ByteString;
import dev.reactivedfu.archive.proto.DfuCc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds packages and hostile archives in memory for tests (java.util.zip, never touching the disk). */
final class TestPackages {

    private TestPackages() {
    }

    /** Seeded pseudo-random firmware. */
    static byte[] firmware(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An unsigned init packet that is right for {@code firmware} as an image of {@code kind}. */
    static DfuCc.InitCommand.Builder initFor(ImageKind kind, byte[] firmware) {
        DfuCc.InitCommand.Builder init = DfuCc.InitCommand.newBuilder()
                .setFwVersion(1)
                .setHwVersion(52)
                .addSdReq(0xCA)
                .setHash(DfuCc.Hash.newBuilder()
                        .setHashType(DfuCc.HashType.SHA256)
                        .setHash(ByteString.copyFrom(Sha256.initPacketHash(firmware))));
        switch (kind) {
            case APPLICATION -> init.setType(DfuCc.FwType.APPLICATION).setAppSize(firmware.length);
            case SOFTDEVICE -> init.setType(DfuCc.FwType.SOFTDEVICE).setSdSize(firmware.length);
            case BOOTLOADER -> init.setType(DfuCc.FwType.BOOTLOADER).setBlSize(firmware.length);
            case SOFTDEVICE_BOOTLOADER -> init.setType(DfuCc.FwType.SOFTDEVICE_BOOTLOADER)
                    .setSdSize(firmware.length - 1024).setBlSize(1024);
        }
        return init;
    }

    /** The {@code .dat} bytes of an unsigned packet holding {@code init}. */
    static byte[] dat(DfuCc.InitCommand.Builder init) {
        return DfuCc.Packet.newBuilder()
                .setCommand(DfuCc.Command.newBuilder().setOpCode(DfuCc.OpCode.INIT).setInit(init))
                .build().toByteArray();
    }

    /** A manifest.json listing one image per kind, named {@code <key>.bin} / {@code <key>.dat}. */
    static String manifest(ImageKind... kinds) {
        StringBuilder sb = new StringBuilder("{\"manifest\": {");
        for (int i = 0; i < kinds.length; i++) {
            String key = kinds[i].manifestKey();
            sb.append(i > 0 ? ", " : "").append('"').append(key).append("\": {\"bin_file\": \"").append(key)
                    .append(".bin\", \"dat_file\": \"").append(key).append(".dat\"}");
        }
        return sb.append("}}").toString();
    }

    /** A valid unsigned package holding one image per kind, entries in the order given. */
    static Map<String, byte[]> entries(ImageKind... kinds) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", manifest(kinds).getBytes(StandardCharsets.UTF_8));
        long seed = 1;
        for (ImageKind kind : kinds) {
            byte[] fw = firmware(kind == ImageKind.SOFTDEVICE_BOOTLOADER ? 8192 : 4096 + (int) seed, seed++);
            entries.put(kind.manifestKey() + ".bin", fw);
            entries.put(kind.manifestKey() + ".dat", dat(initFor(kind, fw)));
        }
        return entries;
    }

    /** Zips entries (deflated) in memory. */
    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Replaces every occurrence of {@code from} by {@code to} (same length) in {@code data}: renames zip entries. */
    static byte[] patch(byte[] data, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        if (f.length != t.length) {
            throw new IllegalArgumentException("patches must keep the length");
        }
        byte[] out = data.clone();
        int hits = 0;
        outer:
        for (int i = 0; i + f.length <= out.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (out[i + j] != f[j]) {
                    continue outer;
                }
            }
            System.arraycopy(t, 0, out, i, t.length);
            hits++;
        }
        if (hits == 0) {
            throw new IllegalArgumentException(from + " not found");
        }
        return out;
    }
}
