package dev.reactivedfu.it;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.simulator.SimulatedBootloader;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.Runs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every fixture package through the engine and the simulated bootloader, byte-exact, on both serial profiles. */
class FixtureUpdatesTest {

    static Stream<Arguments> packages() {
        return Stream.of(Fixtures.APP_24K, Fixtures.APP_200K, Fixtures.SD_BL_APP_24K).flatMap(p -> Stream.of(
                Arguments.of(p, SimulatorConfig.Profile.UART, 3),
                Arguments.of(p, SimulatorConfig.Profile.UART, 0),
                Arguments.of(p, SimulatorConfig.Profile.USB_CDC, 3)));
    }

    @ParameterizedTest(name = "{0} over {1} with PRN {2}")
    @MethodSource("packages")
    void the_simulated_application_equals_the_packages_bin(String name, SimulatorConfig.Profile profile, int prn) {
        Sim sim = new Sim(Sim.signed().profile(profile).build());
        DfuPackage pkg = Sim.fixture(name);

        Runs.Result r = sim.update(pkg, sim.options().prn(prn).build());

        assertThat(r.error()).isNull();
        FirmwareImage app = pkg.images().get(pkg.images().size() - 1);
        assertThat(app.kind()).isEqualTo(ImageKind.APPLICATION);
        assertThat(sim.device.application()).hasValueSatisfying(a -> assertThat(a).isEqualTo(app.firmware()));
        assertThat(sim.device.mode()).isEqualTo(SimulatedBootloader.Mode.APPLICATION);
        assertThat(r.events(DfuEvent.ImageDone.class)).hasSize(pkg.images().size());
        long total = pkg.images().stream().mapToLong(i -> i.firmwareSize() + i.initPacketSize()).sum();
        assertThat(r.summary().bytesSent()).isEqualTo(total).isEqualTo(sim.writtenBytes.get());
        assertThat(r.summary().bytesResent()).isZero();
        assertThat(r.summary().retries()).isZero();
        assertThat(sim.device.counters().framesDropped()).isZero();
    }
}
