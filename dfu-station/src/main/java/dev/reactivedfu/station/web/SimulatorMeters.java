package dev.reactivedfu.station.web;

import dev.reactivedfu.simulator.SimulatedDevice;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToLongFunction;

/**
 * What {@code dfu simulate --metrics} exports: the simulated board's own counters, read when scraped, tagged with the
 * port it is served on. Prometheus names: {@code dfu_simulator_frames_received_total},
 * {@code dfu_simulator_frames_dropped_total{reason="rx_overflow"|"bad_escape"}}, {@code dfu_simulator_lost_bytes_total},
 * {@code dfu_simulator_refused_bytes_total}, {@code dfu_simulator_responses_total{outcome="sent"|"lost"}},
 * {@code dfu_simulator_creates_total{type="command"|"data"}}, {@code dfu_simulator_executes_total},
 * {@code dfu_simulator_resets_total}.
 */
public final class SimulatorMeters {

    private SimulatorMeters() {
    }

    /** Registers the counters of {@code device}, served on {@code port}, in {@code registry}. */
    public static void bind(MeterRegistry registry, SimulatedDevice device, String port) {
        counter(registry, device, port, "dfu.simulator.frames.received", "Frames the board's SLIP decoder received",
                c -> c.framesReceived());
        counter(registry, device, port, "dfu.simulator.frames.dropped", "Frames dropped before processing",
                c -> c.rxOverflows(), "reason", "rx_overflow");
        counter(registry, device, port, "dfu.simulator.frames.dropped", "Frames dropped before processing",
                c -> c.badEscapes(), "reason", "bad_escape");
        counter(registry, device, port, "dfu.simulator.lost", "Host bytes lost on the line (a fault)",
                c -> c.bytesLost(), "bytes");
        counter(registry, device, port, "dfu.simulator.refused", "Host bytes refused while the board was busy",
                c -> c.refusedBytes(), "bytes");
        counter(registry, device, port, "dfu.simulator.responses", "Responses the board answered",
                c -> c.responsesSent(), "outcome", "sent");
        counter(registry, device, port, "dfu.simulator.responses", "Responses the board answered",
                c -> c.responsesLost(), "outcome", "lost");
        counter(registry, device, port, "dfu.simulator.creates", "Objects created",
                c -> c.commandCreates(), "type", "command");
        counter(registry, device, port, "dfu.simulator.creates", "Objects created",
                c -> c.dataCreates(), "type", "data");
        counter(registry, device, port, "dfu.simulator.executes", "Objects executed", c -> c.executes());
        counter(registry, device, port, "dfu.simulator.resets", "Board resets", c -> c.resets());
    }

    private static void counter(MeterRegistry registry, SimulatedDevice device, String port, String name,
                                String description, ToLongFunction<SimulatedDevice.Counters> value, String... more) {
        FunctionCounter.Builder<SimulatedDevice> b = FunctionCounter
                .builder(name, device, d -> value.applyAsLong(d.counters()))
                .description(description)
                .tag("port", port);
        if (more.length == 1) {
            b.baseUnit(more[0]);
        } else if (more.length == 2) {
            b.tag(more[0], more[1]);
        }
        b.register(registry);
    }
}
