package dev.reactivedfu.it;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.transfer.Runs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine with its defaults over timed links, on virtual time: what an update costs and what the line loses.
 * The simulator keeps model time (issue 8), so the same run loses the same frames every time.
 */
class LinkFiguresTest {

    private static final SimulatorConfig.FlashTiming NRF52840 = SimulatorConfig.FlashTiming.NRF52840;

    /** One update with the engine's defaults. */
    private record Figure(Runs.Result result, SimulatedDevice.Counters counters, boolean activated) {
        String line(String what) {
            return String.format("%-38s %s in %6.2f s (virtual), %d retries, %d frames dropped by the device, "
                            + "%d answers lost on the busy transmitter", what,
                    activated ? "activated" : "FAILED (" + result.error() + ")",
                    result.endMillis() / 1000.0, result.finalSummary().retries(), counters.framesDropped(),
                    counters.responsesLost());
        }
    }

    private static Figure run(String fixture, SimulatorConfig config) {
        Sim sim = new Sim(config);
        DfuPackage pkg = Sim.fixture(fixture);
        Runs.Result r = sim.update(pkg, sim.options().build());
        byte[] app = pkg.images().get(pkg.images().size() - 1).firmware();
        boolean activated = r.error() == null && sim.device.application().map(a -> java.util.Arrays.equals(a, app))
                .orElse(false);
        return new Figure(r, sim.device.counters(), activated);
    }

    private static SimulatorConfig link(long baud, long latencyMs, boolean flowControl) {
        return Sim.signed().baud(baud).latency(Duration.ofMillis(latencyMs)).flashTiming(NRF52840)
                .flowControl(flowControl).build();
    }

    @Test
    void without_flow_control_at_1_mbaud_the_same_update_loses_the_same_frames_on_every_run() {
        SimulatorConfig config = link(1_000_000, 16, false);
        Figure first = run(Fixtures.APP_24K, config);
        Figure second = run(Fixtures.APP_24K, config);
        System.out.println(first.line("app_24k 1 Mbaud 16 ms, no flow control"));

        assertThat(first.activated()).isTrue();
        assertThat(second.counters()).isEqualTo(first.counters());
        assertThat(second.result().finalSummary()).isEqualTo(first.result().finalSummary());
        assertThat(second.result().endMillis()).isEqualTo(first.result().endMillis());
    }

    @Test
    @Tag("soak")
    void figures_for_a_200_kib_application_with_the_engine_defaults() {
        Figure fc = run(Fixtures.APP_200K, link(1_000_000, 16, true));
        Figure noFc = run(Fixtures.APP_200K, link(1_000_000, 16, false));
        Figure slow = run(Fixtures.APP_200K, link(115_200, 1, false));
        System.out.println(fc.line("app_200k 1 Mbaud 16 ms, flow control"));
        System.out.println(noFc.line("app_200k 1 Mbaud 16 ms, no flow control"));
        System.out.println(slow.line("app_200k 115200 1 ms, no flow control"));

        assertThat(fc.activated()).isTrue();
        assertThat(noFc.activated()).isTrue();
        assertThat(slow.activated()).isTrue();
        assertThat(slow.counters().framesDropped()).isZero();
        assertThat(fc.counters().framesDropped()).isZero();
        assertThat(run(Fixtures.APP_200K, link(1_000_000, 16, false)).counters()).isEqualTo(noFc.counters());
    }
}
