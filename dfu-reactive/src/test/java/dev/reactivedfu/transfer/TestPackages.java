package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.proto.DfuCc;

import java.util.List;
import java.util.Random;

/** DFU packages for the engine's tests: the nrfutil fixtures, and synthetic images of any size. */
public final class TestPackages {

    private TestPackages() {
    }

    /** Reads a fixture package with the package reader, e.g. {@code /fixtures/app_24k.zip}. */
    public static DfuPackage fixture(String resource) {
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        return new DfuPackageReader().read(name, Fixtures.bytes(name));
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
