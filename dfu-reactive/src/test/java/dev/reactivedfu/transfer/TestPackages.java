package dev.reactivedfu.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.proto.DfuCc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** DFU packages for the engine's tests: the nrfutil fixtures, and synthetic images of any size. */
public final class TestPackages {

    private TestPackages() {
    }

    /** Reads a fixture package from the class path, e.g. {@code /fixtures/app_24k.zip}. */
    public static DfuPackage fixture(String resource) {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = TestPackages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no such resource " + resource);
            }
            try (ZipInputStream zip = new ZipInputStream(in)) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    zip.transferTo(out);
                    entries.put(e.getName(), out.toByteArray());
                }
            }
            JsonNode manifest = new ObjectMapper().readTree(entries.get("manifest.json")).get("manifest");
            List<FirmwareImage> images = new ArrayList<>();
            for (Iterator<String> it = manifest.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                ImageKind kind = ImageKind.fromManifestKey(key);
                String bin = manifest.get(key).get("bin_file").asText();
                String dat = manifest.get(key).get("dat_file").asText();
                images.add(new FirmwareImage(kind, bin, dat, entries.get(dat), entries.get(bin),
                        InitPacket.parse(dat, entries.get(dat))));
            }
            images.sort(Comparator.comparing(FirmwareImage::kind));
            return new DfuPackage(resource, images);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A one-image application package with {@code size} seeded random firmware bytes and an unsigned init packet. */
    public static DfuPackage synthetic(int size, long seed) {
        return synthetic(size, seed, 52);
    }

    /** As {@link #synthetic(int, long)} for hardware version {@code hwVersion}. */
    public static DfuPackage synthetic(int size, long seed, int hwVersion) {
        byte[] firmware = new byte[size];
        new Random(seed).nextBytes(firmware);
        byte[] dat = DfuCc.Packet.newBuilder()
                .setCommand(DfuCc.Command.newBuilder()
                        .setOpCode(DfuCc.OpCode.INIT)
                        .setInit(DfuCc.InitCommand.newBuilder()
                                .setFwVersion(1)
                                .setHwVersion(hwVersion)
                                .addSdReq(0xCA)
                                .setType(DfuCc.FwType.APPLICATION)
                                .setAppSize(size)))
                .build()
                .toByteArray();
        FirmwareImage image = new FirmwareImage(ImageKind.APPLICATION, "app.bin", "app.dat", dat, firmware,
                InitPacket.parse("app.dat", dat));
        return new DfuPackage("synthetic-" + size, List.of(image));
    }

    /** {@code pkg} with its single image's firmware replaced (same init packet): a stand-in for other bytes. */
    public static DfuPackage withFirmware(DfuPackage pkg, byte[] firmware) {
        FirmwareImage i = pkg.images().get(0);
        return new DfuPackage(pkg.source() + "-altered", List.of(new FirmwareImage(i.kind(), i.binFile(),
                i.datFile(), i.initPacket(), firmware, i.init())));
    }
}
