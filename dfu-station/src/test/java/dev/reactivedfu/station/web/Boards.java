package dev.reactivedfu.station.web;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.simulator.SimulatorConfig;

import java.util.ArrayList;
import java.util.List;

/** The simulated boards of the web tests: fixture packages, signed with the fixtures' key. */
final class Boards {

    /** Hardware version the fixture packages are built for; a board reporting another one refuses them. */
    static final int FIXTURE_HW = 52;

    private Boards() {
    }

    static DfuPackage app24k() {
        return new DfuPackageReader().read(Fixtures.APP_24K, Fixtures.bytes(Fixtures.APP_24K));
    }

    static byte[] app24kBytes() {
        return Fixtures.bytes(Fixtures.APP_24K);
    }

    /** A board that takes the package; {@code baud} 0 for no wire time. */
    static SimulatorConfig good(long baud) {
        return SimulatorConfig.builder().publicKey(Fixtures.publicKey()).baud(baud).build();
    }

    /** A board of another hardware version: it refuses the init packet (0B 06), a failure with advice. */
    static SimulatorConfig wrongHardware(long baud) {
        return SimulatorConfig.builder().publicKey(Fixtures.publicKey()).hwVersion(FIXTURE_HW + 1).baud(baud).build();
    }

    /** A board on a lossy line: each host-to-device byte is lost with probability {@code rate}, seeded. */
    static SimulatorConfig lossy(long baud, double rate, long seed) {
        return SimulatorConfig.builder().publicKey(Fixtures.publicKey()).baud(baud)
                .fault(new dev.reactivedfu.simulator.Fault.DropBytes(rate)).seed(seed).build();
    }

    /** Sockets s1..s{good} with good boards, then s{good+1}..s{good+bad} with refusing ones. */
    static List<StandInStation.Board> sockets(int good, int bad, long baud) {
        List<StandInStation.Board> b = new ArrayList<>();
        for (int i = 1; i <= good + bad; i++) {
            b.add(new StandInStation.Board("s" + i, i <= good ? good(baud) : wrongHardware(baud)));
        }
        return b;
    }
}
