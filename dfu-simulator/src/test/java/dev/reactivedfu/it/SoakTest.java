package dev.reactivedfu.it;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.Slip;
import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.SimulatedBootloader;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.Runs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A seeded randomised soak of the engine against the simulated bootloader, in process and on virtual time: each
 * run draws a board (profile, progress in RAM or flash, reset wiring, sometimes line timing), a mix of the
 * simulator's faults, and host cancels (sometimes leaving a killed host's partial frame). Every run must end with
 * the board running exactly the package's application, or with a typed error after which one more update
 * completes. No run may hang: each update is bounded by an hour of virtual time. A failing seed is printed with its
 * settings and can be replayed with {@link #run(long)}.
 */
class SoakTest {

    private static final DfuPackage APP_24K = Sim.fixture(Fixtures.APP_24K);
    private static final DfuPackage SD_BL_APP = Sim.fixture(Fixtures.SD_BL_APP_24K);
    private static final DfuPackage APP_200K = Sim.fixture(Fixtures.APP_200K);

    @Test
    void two_hundred_seeded_runs_with_faults_and_host_cancels_end_with_the_image_or_a_typed_error_a_retry_completes() {
        soak(1, 200);
    }

    @Test
    @Tag("soak")
    void five_thousand_seeded_runs_with_faults_and_host_cancels() {
        soak(1_000_000, 5_000);
    }

    private static void soak(long firstSeed, int count) {
        int[] stats = new int[4];
        List<String> failures = new ArrayList<>();
        for (long seed = firstSeed; seed < firstSeed + count; seed++) {
            try {
                Outcome o = run(seed);
                stats[0] += o.cancels;
                stats[1] += o.typedErrors;
                stats[2] += o.retries;
                stats[3] += o.faults > 0 ? 1 : 0;
            } catch (AssertionError | RuntimeException e) {
                failures.add("seed " + seed + ": " + e.getMessage());
                System.err.println("soak: seed " + seed + " failed: " + e);
            }
        }
        System.out.printf("soak: %d runs from seed %d: %d with faults, %d host cancels, %d typed errors then "
                + "completed by a retry, %d retries inside updates%n", count, firstSeed, stats[3], stats[0], stats[1],
                stats[2]);
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + count + " runs failed (replay with SoakTest.run(seed)):\n"
                    + String.join("\n", failures));
        }
        assertThat(stats[3]).as("runs with faults").isGreaterThan(count / 2);
        assertThat(stats[0]).as("host cancels").isGreaterThan(count / 4);
    }

    /** What one run went through. */
    record Outcome(int faults, int cancels, int typedErrors, int retries) {
    }

    /** One seeded run; throws {@link AssertionError} naming the seed and settings when it fails. */
    static Outcome run(long seed) {
        Random rnd = new Random(seed);
        int pick = rnd.nextInt(10);
        DfuPackage pkg = pick < 6 ? APP_24K : pick < 9 ? SD_BL_APP : APP_200K;
        long imageSize = pkg.images().get(0).firmwareSize();
        SimulatorConfig.Builder config = Sim.signed()
                .profile(rnd.nextInt(10) < 7 ? SimulatorConfig.Profile.UART : SimulatorConfig.Profile.USB_CDC)
                .progressInFlash(rnd.nextBoolean())
                .seed(rnd.nextLong());
        if (rnd.nextInt(5) == 0) {
            config.baud(rnd.nextBoolean() ? 115_200 : 1_000_000).flashTiming(SimulatorConfig.FlashTiming.NRF52840);
        }
        List<Fault> faults = new ArrayList<>();
        int kinds = rnd.nextInt(3);
        for (int i = 0; i < kinds; i++) {
            switch (rnd.nextInt(5)) {
                case 0 -> faults.add(new Fault.ResetAtOffset(1 + rnd.nextInt((int) imageSize)));
                case 1 -> faults.add(new Fault.DropBytes(0.000_005 + rnd.nextDouble() * 0.000_02));
                case 2 -> faults.add(new Fault.CorruptBytes(0.000_005 + rnd.nextDouble() * 0.000_02));
                case 3 -> faults.add(new Fault.Stall(Duration.ofMillis(200 + rnd.nextInt(5_000)),
                        rnd.nextInt((int) imageSize)));
                default -> faults.add(new Fault.StaleProgress());
            }
        }
        faults = dedupe(faults);
        config.faults(faults);
        SimulatorConfig cfg = config.build();
        boolean resetWired = rnd.nextBoolean();
        Sim sim = new Sim(cfg, resetWired);
        int[] prns = {1, 3, 3, 8};
        DfuOptions options = sim.options().prn(prns[rnd.nextInt(prns.length)]).window(1 + rnd.nextInt(3)).build();
        String context = "seed " + seed + " [" + pkg.source() + ", " + cfg + ", reset wired " + resetWired + ", prn "
                + options.flowControl().prn() + ", window " + options.flowControl().window() + "]";
        byte[] app = pkg.images().get(pkg.images().size() - 1).firmware();

        int cancels = 0;
        int typedErrors = 0;
        int retries = 0;
        int plannedCancels = rnd.nextInt(3);
        try {
            for (int update = 1; ; update++) {
                if (isRunning(sim, app)) {
                    break;
                }
                if (update > 2 + plannedCancels + 1) {
                    fail(context + ": not done after " + (update - 1) + " updates");
                }
                Runs.Result r;
                if (cancels < plannedCancels) {
                    int stopAt = 1 + rnd.nextInt(1_500);
                    int[] seen = {0};
                    r = Runs.run(DfuClient.create().update(sim.transport, pkg, options), sim.vts,
                            Duration.ofMillis(10), Duration.ofHours(1), e -> ++seen[0] >= stopAt);
                    if (r.cancelled()) {
                        cancels++;
                        if (rnd.nextInt(3) == 0) {
                            killedHostLeavesPartialFrame(sim, rnd);
                        }
                        sim.idle(Duration.ofMillis(rnd.nextInt(2_000)));
                    }
                } else {
                    r = Runs.run(DfuClient.create().update(sim.transport, pkg, options), sim.vts,
                            Duration.ofMillis(10), Duration.ofHours(1), null);
                }
                retries += r.events(DfuEvent.ObjectRetried.class).size();
                if (r.error() != null) {
                    if (!(r.error() instanceof DfuException)) {
                        throw new AssertionError(context + ": untyped error " + r.error(), r.error());
                    }
                    if (typedErrors++ > 0) {
                        throw new AssertionError(context + ": the retry after a typed error failed too: "
                                + r.error(), r.error());
                    }
                    System.out.println("soak: " + context + ": typed error, retrying: " + r.error());
                } else if (!r.completed() && !r.cancelled()) {
                    fail(context + ": an update neither completed nor failed within an hour of virtual time");
                } else if (r.completed()) {
                    // the board answers its final EXECUTE, then saves its settings and resets into the application
                    sim.idle(Duration.ofSeconds(2));
                    assertThat(isRunning(sim, app)).as(context + ": completed, the board runs the application")
                            .isTrue();
                }
            }
        } finally {
            sim.device.dispose();
        }
        return new Outcome(faults.size(), cancels, typedErrors, retries);
    }

    private static List<Fault> dedupe(List<Fault> faults) {
        List<Fault> out = new ArrayList<>();
        for (Fault f : faults) {
            if (out.stream().noneMatch(o -> o.getClass() == f.getClass())) {
                out.add(f);
            }
        }
        return out;
    }

    private static boolean isRunning(Sim sim, byte[] app) {
        return sim.device.mode() == SimulatedBootloader.Mode.APPLICATION
                && sim.device.application().map(a -> Arrays.equals(a, app)).orElse(false);
    }

    /** The stopped host was killed mid-frame: part of a WRITE frame, without its END, is left on the line. */
    private static void killedHostLeavesPartialFrame(Sim sim, Random rnd) {
        byte[] frame = Slip.encode(DfuCodec.encodeRequest(new DfuRequest.Write(new byte[1 + rnd.nextInt(64)])));
        byte[] partial = Arrays.copyOf(frame, 1 + rnd.nextInt(frame.length - 1));
        sim.simulator.open().flatMap(c -> ((SimulatorTransport.SimulatorConnection) c).sendRaw(partial)
                .then(c.close())).subscribe();
        sim.idle(Duration.ofMillis(50));
    }
}
