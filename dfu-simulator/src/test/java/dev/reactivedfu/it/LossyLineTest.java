package dev.reactivedfu.it;

import com.google.protobuf.ByteString;
import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.Sha256;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.transfer.Runs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, "Losses cost what they must": against the simulator, a 400 KiB update over a line that loses about one
 * byte in several thousand completes with the image in flash, with the default options (retry budgets
 * refill with verified progress). Seeded; the seed is in the test name.
 */
class LossyLineTest {

    private static DfuPackage unsigned(int size, long seed) {
        byte[] firmware = new byte[size];
        new Random(seed).nextBytes(firmware);
        byte[] dat = DfuCc.Packet.newBuilder()
                .setCommand(DfuCc.Command.newBuilder()
                        .setOpCode(DfuCc.OpCode.INIT)
                        .setInit(DfuCc.InitCommand.newBuilder()
                                .setFwVersion(1)
                                .setHwVersion(52)
                                .addSdReq(0xCA)
                                .setType(DfuCc.FwType.APPLICATION)
                                .setAppSize(size)
                                .setHash(DfuCc.Hash.newBuilder().setHashType(DfuCc.HashType.SHA256)
                                        .setHash(ByteString.copyFrom(Sha256.initPacketHash(firmware))))))
                .build()
                .toByteArray();
        FirmwareImage image = new FirmwareImage(ImageKind.APPLICATION, "app.bin", "app.dat", dat, firmware,
                InitPacket.parse("app.dat", dat));
        return new DfuPackage("lossy-" + size, List.of(image));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void a_400_kib_update_over_a_line_losing_one_byte_in_5000_completes(long seed) {
        DfuPackage pkg = unsigned(400 * 1024, seed);
        Sim sim = new Sim(SimulatorConfig.builder().fault(new Fault.DropBytes(1 / 5000.0)).seed(seed).build());

        Runs.Result r = sim.update(pkg, sim.options().build());

        assertThat(r.error()).as("seed " + seed).isNull();
        assertThat(r.summary().retries()).as("seed " + seed).isPositive();
        assertThat(sim.device.application()).hasValue(pkg.images().get(0).firmware());
    }
}
