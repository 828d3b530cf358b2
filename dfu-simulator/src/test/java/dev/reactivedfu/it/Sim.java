package dev.reactivedfu.it;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.DfuTransport;
import dev.reactivedfu.transfer.Runs;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One simulated board behind the in-process transport, the engine on the same virtual clock, and a count of the
 * object bytes that went over the line in WRITEs.
 */
final class Sim {

    static final ECPublicKey KEY = PublicKeys.parse(Fixtures.PUBLIC_PEM,
            new String(Fixtures.bytes(Fixtures.PUBLIC_PEM), StandardCharsets.US_ASCII));

    final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    final SimulatedDevice device;
    final SimulatorTransport simulator;
    final AtomicLong writtenBytes = new AtomicLong();
    final DfuTransport transport;

    Sim(SimulatorConfig config) {
        this(config, false);
    }

    Sim(SimulatorConfig config, boolean resetWired) {
        this.device = SimulatedDevice.create(config, vts);
        this.simulator = new SimulatorTransport("sim", device, resetWired);
        this.transport = counting(simulator, writtenBytes);
    }

    /** The signed-fixture configuration: the fixtures' key, everything else at the simulator's defaults. */
    static SimulatorConfig.Builder signed() {
        return SimulatorConfig.builder().publicKey(KEY);
    }

    static DfuPackage fixture(String name) {
        return new DfuPackageReader().read(name, Fixtures.bytes(name));
    }

    DfuOptions.Builder options() {
        return DfuOptions.builder().scheduler(vts);
    }

    Runs.Result update(DfuPackage pkg, DfuOptions options) {
        return Runs.run(DfuClient.create().update(transport, pkg, options), vts, Duration.ofMillis(1),
                Duration.ofHours(1), null);
    }

    Runs.Result updateCancelledAt(DfuPackage pkg, DfuOptions options, Predicate<DfuEvent> when) {
        return Runs.run(DfuClient.create().update(transport, pkg, options), vts, Duration.ofMillis(1),
                Duration.ofHours(1), when);
    }

    /** Lets the device's pending work (answers, flash, resets) run out, as time passing with nobody connected. */
    void idle(Duration d) {
        vts.advanceTimeBy(d);
    }

    /** Counts WRITE payload bytes handed to the transport. */
    private static DfuTransport counting(DfuTransport inner, AtomicLong written) {
        return new DfuTransport() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public Mono<DfuConnection> open() {
                return inner.open().map(c -> new DfuConnection() {
                    @Override
                    public Mono<Void> send(DfuRequest request) {
                        return c.send(request).doOnSuccess(v -> {
                            if (request instanceof DfuRequest.Write w) {
                                written.addAndGet(w.length());
                            }
                        });
                    }

                    @Override
                    public Flux<DfuInbound> inbound() {
                        return c.inbound();
                    }

                    @Override
                    public Mono<Void> pulseReset() {
                        return c.pulseReset();
                    }

                    @Override
                    public Mono<Void> close() {
                        return c.close();
                    }
                });
            }
        };
    }
}
