package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;

/** The device on a real scheduler (the default), as {@code dfu simulate} and benchmarks run it. */
class RealTimeTest {

    @Test
    void a_device_on_the_default_scheduler_answers_a_ping() {
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.defaults());
        SimulatorTransport transport = new SimulatorTransport("sim", device);
        StepVerifier.create(transport.open().flatMap(c -> new ScriptedHost(c).request(new DfuRequest.Ping(3))))
                .expectNext(new DfuResponse.Ping(3))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        device.dispose();
    }

    @Test
    void a_whole_update_streamed_without_prn_on_the_default_scheduler_loses_nothing() {
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.defaults());
        SimulatorTransport transport = new SimulatorTransport("sim", device);
        StepVerifier.create(HappyPathTest.flash(transport, "app_200k.zip", 0))
                .assertNext(answers -> org.assertj.core.api.Assertions.assertThat(answers)
                        .allMatch(a -> ScriptedHost.isSuccess(a, dev.reactivedfu.protocol.OpCode.EXECUTE)))
                .expectComplete()
                .verify(Duration.ofSeconds(30));
        org.assertj.core.api.Assertions.assertThat(device.application())
                .contains(Fixtures.application("app_200k.zip"));
        org.assertj.core.api.Assertions.assertThat(device.counters().framesDropped()).isZero();
        device.dispose();
    }
}
