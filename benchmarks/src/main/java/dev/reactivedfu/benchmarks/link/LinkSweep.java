package dev.reactivedfu.benchmarks.link;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.netty.transport.NettyDfuTransport;
import dev.reactivedfu.simulator.FrameTrace;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.DfuOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end harness: the engine in process, with its default options, against the simulator through the
 * production Netty pipeline ({@link SimulatorServer}), swept over baud, adapter latency, flow control and the UART
 * and USB CDC profiles. Prints per case the engine's time, the time of a minimal raw host with no engine on the same
 * case ({@link RawHost}: it shows the limit is honest, reaching close to it and never below), the model's limit
 * ({@link ModelLimit}) and limit / time for both.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.reactivedfu.benchmarks.link.LinkSweep \
 *     [--baud 115200,1000000] [--latency 0,1,16] [--flow on,off] [--profile uart,usb] [--runs 1]
 *     [--prn N --window N]   (fixed flow control instead of the defaults, for comparison)
 *     [--raw on|off]         (the raw host beside the engine, on by default)
 *     [--timeline on|off]    (per case, where the time goes per data object, from the board's trace: ObjectTimeline)
 * </pre>
 */
public final class LinkSweep {

    /** One case of the sweep. */
    record Case(SimulatorConfig.Profile profile, long baud, int latencyMs, boolean flowControl) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-7s %7d baud %2d ms %-6s", profile == SimulatorConfig.Profile.UART
                    ? "UART" : "USB CDC", baud, latencyMs, flowControl ? "fc" : "no fc");
        }
    }

    /** What one case measured. */
    record Result(Case c, double seconds, double limitSeconds, int retries, boolean imageOk) {
        double ratio() {
            return limitSeconds / seconds;
        }
    }

    /** What the raw host ({@link RawHost}) measured on the same case. */
    record Raw(double seconds, boolean imageOk) {
    }

    private LinkSweep() {
    }

    public static void main(String[] args) {
        List<Long> bauds = List.of(115_200L, 1_000_000L);
        List<Integer> latencies = List.of(0, 1, 16);
        List<Boolean> flows = List.of(true, false);
        List<SimulatorConfig.Profile> profiles = List.of(SimulatorConfig.Profile.UART, SimulatorConfig.Profile.USB_CDC);
        int runs = 1;
        boolean withRaw = true;
        boolean timeline = false;
        DfuOptions.Builder options = DfuOptions.builder();
        for (int i = 0; i + 1 < args.length; i += 2) {
            List<String> v = Arrays.asList(args[i + 1].split(","));
            switch (args[i]) {
                case "--baud" -> bauds = v.stream().map(Long::parseLong).toList();
                case "--latency" -> latencies = v.stream().map(Integer::parseInt).toList();
                case "--flow" -> flows = v.stream().map(s -> s.equals("on")).toList();
                case "--profile" -> profiles = v.stream().map(s -> s.startsWith("usb")
                        ? SimulatorConfig.Profile.USB_CDC : SimulatorConfig.Profile.UART).toList();
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--raw" -> withRaw = args[i + 1].equals("on");
                case "--timeline" -> timeline = args[i + 1].equals("on");
                case "--prn" -> options.prn(Integer.parseInt(args[i + 1])).adaptive(false);
                case "--window" -> options.window(Integer.parseInt(args[i + 1])).adaptive(false);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ECPublicKey key = PublicKeys.parse("public.pem", new String(resource("/fixtures/public.pem"),
                StandardCharsets.US_ASCII));
        DfuPackage pkg = new DfuPackageReader().read("app_200k.zip", resource("/fixtures/app_200k.zip"), key);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
        try {
            // warm-up: one quick case so that the JIT has seen the engine before the first figure
            DfuOptions chosen = options.build();
            run(group, pkg, key, new Case(SimulatorConfig.Profile.UART, 1_000_000, 0, true), chosen);
            System.out.println("options: " + (chosen.flowControl().adaptive() ? "defaults (adaptive window)"
                    : "fixed PRN " + chosen.flowControl().prn() + ", window " + chosen.flowControl().window()));
            System.out.println("| case | engine (s) | raw host (s) | model limit (s) | limit / engine | limit / raw "
                    + "| retries |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (SimulatorConfig.Profile profile : profiles) {
                for (long baud : bauds) {
                    for (int latency : latencies) {
                        for (boolean flow : flows) {
                            Case c = new Case(profile, baud, latency, flow);
                            for (int r = 0; r < runs; r++) {
                                ObjectTimeline engineTimeline = timeline ? new ObjectTimeline() : null;
                                ObjectTimeline rawTimeline = timeline ? new ObjectTimeline() : null;
                                Result result = run(group, pkg, key, c, chosen, engineTimeline);
                                Raw raw = withRaw ? runRaw(group, pkg, key, c, rawTimeline) : null;
                                System.out.printf(Locale.ROOT, "| %s | %.2f | %s | %.2f | %.2f | %s | %d%s |%n", c,
                                        result.seconds(), raw == null ? "-" : String.format(Locale.ROOT, "%.2f%s",
                                                raw.seconds(), raw.imageOk() ? "" : " IMAGE WRONG"),
                                        result.limitSeconds(), result.ratio(), raw == null ? "-"
                                                : String.format(Locale.ROOT, "%.3f",
                                                result.limitSeconds() / raw.seconds()),
                                        result.retries(), result.imageOk() ? "" : " IMAGE WRONG");
                                if (timeline) {
                                    System.out.println("    engine: " + engineTimeline.summary());
                                    if (withRaw) {
                                        System.out.println("    raw:    " + rawTimeline.summary());
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static Result run(EventLoopGroup group, DfuPackage pkg, ECPublicKey key, Case c, DfuOptions options) {
        return run(group, pkg, key, c, options, null);
    }

    /** As {@link #run(EventLoopGroup, DfuPackage, ECPublicKey, Case, DfuOptions)}, the board traced to {@code trace}. */
    static Result run(EventLoopGroup group, DfuPackage pkg, ECPublicKey key, Case c, DfuOptions options,
                      FrameTrace trace) {
        SimulatorConfig config = config(c, key);
        SimulatedDevice device = SimulatedDevice.create(config);
        device.trace(trace);
        try (SimulatorServer server = new SimulatorServer(device, group)) {
            NettyDfuTransport transport = NettyDfuTransport.local(server.address(), group,
                    c.flowControl());
            long start = System.nanoTime();
            List<DfuEvent> events = new ArrayList<>();
            DfuClient.create().update(transport, pkg, options).doOnNext(events::add).blockLast();
            double seconds = (System.nanoTime() - start) / 1e9;
            DfuEvent.UpdateDone done = (DfuEvent.UpdateDone) events.get(events.size() - 1);
            ModelLimit limit = ModelLimit.of(pkg.images().get(0), config);
            boolean ok = device.application().map(a -> Arrays.equals(a, pkg.images().get(0).firmware()))
                    .orElse(false);
            return new Result(c, seconds, limit.total().toNanos() / 1e9, done.summary().retries(), ok);
        } finally {
            device.dispose();
        }
    }

    static Raw runRaw(EventLoopGroup group, DfuPackage pkg, ECPublicKey key, Case c) {
        return runRaw(group, pkg, key, c, null);
    }

    /** As {@link #runRaw(EventLoopGroup, DfuPackage, ECPublicKey, Case)}, the board traced to {@code trace}. */
    static Raw runRaw(EventLoopGroup group, DfuPackage pkg, ECPublicKey key, Case c, FrameTrace trace) {
        SimulatorConfig config = config(c, key);
        SimulatedDevice device = SimulatedDevice.create(config);
        device.trace(trace);
        try (SimulatorServer server = new SimulatorServer(device, group)) {
            double seconds = RawHost.update(server.address(), group, pkg.images().get(0), config.mtu());
            boolean ok = device.application().map(a -> Arrays.equals(a, pkg.images().get(0).firmware()))
                    .orElse(false);
            return new Raw(seconds, ok);
        } finally {
            device.dispose();
        }
    }

    static SimulatorConfig config(Case c, ECPublicKey key) {
        return SimulatorConfig.builder().profile(c.profile()).baud(c.baud())
                .latency(Duration.ofMillis(c.latencyMs())).flowControl(c.flowControl())
                .flashTiming(SimulatorConfig.FlashTiming.NRF52840).publicKey(key).seed(1).build();
    }

    private static byte[] resource(String name) {
        try (InputStream in = LinkSweep.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
