package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.DfuConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole updates of every fixture package through {@link SimulatorTransport}, under virtual time. */
class HappyPathTest {

    static Stream<Arguments> packagesAndPrn() {
        return Fixtures.GOOD.stream().flatMap(p -> Stream.of(Arguments.of(p, 0), Arguments.of(p, 1),
                Arguments.of(p, 5)));
    }

    /** Runs every image of {@code zip}, reconnecting after each final EXECUTE as an engine would. */
    static Mono<List<DfuInbound>> flash(SimulatorTransport transport, String zip, int prn) {
        return Flux.fromIterable(Fixtures.images(zip))
                .concatMap(image -> transport.open().flatMap(c -> new ScriptedHost(c)
                        .update(image.dat(), image.bin(), prn)
                        .flatMap(answer -> c.close().thenReturn(answer))))
                .collectList();
    }

    @ParameterizedTest(name = "{0} with PRN {1}")
    @MethodSource("packagesAndPrn")
    void every_fixture_package_ends_with_its_application_activated(String zip, int prn) {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.builder()
                .publicKey(Fixtures.publicKey()).build(), vts);
        SimulatorTransport transport = new SimulatorTransport("sim", device);

        StepVerifier.withVirtualTime(() -> flash(transport, zip, prn), () -> vts, Long.MAX_VALUE)
                .assertNext(answers -> assertThat(answers)
                        .allMatch(a -> ScriptedHost.isSuccess(a, OpCode.EXECUTE), "final EXECUTE succeeded"))
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        assertThat(device.application()).hasValueSatisfying(app ->
                assertThat(app).isEqualTo(Fixtures.application(zip)));
        assertThat(device.mode()).isEqualTo(SimulatedBootloader.Mode.APPLICATION);
        assertThat(device.counters().framesDropped()).isZero();
    }

    @Test
    void a_timed_update_takes_the_wire_and_flash_time_in_virtual_time() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.builder()
                .baud(115_200).flashTiming(SimulatorConfig.FlashTiming.NRF52840).build(), vts);
        SimulatorTransport transport = new SimulatorTransport("sim", device);

        java.util.concurrent.atomic.AtomicLong doneAt = new java.util.concurrent.atomic.AtomicLong();
        StepVerifier.withVirtualTime(() -> flash(transport, "app_24k.zip", 4)
                                .doOnNext(x -> doneAt.set(vts.now(java.util.concurrent.TimeUnit.NANOSECONDS))),
                        () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofMinutes(5))
                .assertNext(answers -> assertThat(answers).hasSize(1))
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        // 24 KiB at 115200 baud is at least 2.1 s of wire time; 6 page erases and 2 settings saves add 0.85 s
        assertThat(Duration.ofNanos(doneAt.get()))
                .isGreaterThan(Duration.ofMillis(2950)).isLessThan(Duration.ofSeconds(10));
        assertThat(device.application()).contains(Fixtures.application("app_24k.zip"));
        assertThat(device.counters().rxOverflows()).isZero();
    }

    @Test
    void the_tampered_package_fails_at_the_final_execute_with_verification_failed_and_the_device_resets() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.builder()
                .publicKey(Fixtures.publicKey()).build(), vts);
        SimulatorTransport transport = new SimulatorTransport("sim", device);

        StepVerifier.withVirtualTime(() -> flash(transport, "tampered_app_24k_badhash.zip", 0), () -> vts,
                        Long.MAX_VALUE)
                .assertNext(answers -> assertThat(answers).containsExactly(
                        new DfuResponse.Error(OpCode.EXECUTE, ExtendedError.VERIFICATION_FAILED)))
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        assertThat(device.application()).isEqualTo(Optional.empty());
        assertThat(device.counters().resets()).isEqualTo(1);
        assertThat(device.mode()).isEqualTo(SimulatedBootloader.Mode.DFU);
    }

    @Test
    void a_new_connection_after_a_reset_talks_to_the_same_device() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.defaults(), vts);
        SimulatorTransport transport = new SimulatorTransport("sim", device);
        DfuConnection first = transport.open().block();
        device.reset();
        DfuConnection second = transport.open().block();

        StepVerifier.create(first.inbound()).expectError().verify(Duration.ofSeconds(1));
        StepVerifier.create(new ScriptedHost(second).request(new dev.reactivedfu.protocol.DfuRequest.Ping(7)))
                .expectNext(new DfuResponse.Ping(7))
                .verifyComplete();
        assertThat(device.counters().resets()).isEqualTo(1);
    }
}
