package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.FakeDevice.Action;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded random faults and host cancels against the fake device, on virtual time: every run must end with the
 * device holding the exact image, or with a typed error after which one more update completes. A failing seed is
 * printed and can be replayed with {@link #replay(long)}.
 */
class RandomFaultsTest {

    private static final Action[] FAULTS = {Action.DROP_REQUEST, Action.DROP_ANSWER, Action.GARBLE_ANSWER,
            Action.RESET, Action.STICK};

    private static final DfuPackage[] PACKAGES = {
            TestPackages.fixture("/fixtures/app_24k.zip"),
            TestPackages.synthetic(10_000, 11),
            TestPackages.fixture("/fixtures/sd_bl_app_24k.zip")};

    @Test
    void two_hundred_seeded_runs_end_with_the_image_or_a_typed_error_that_a_retry_completes() {
        runs(1_000, 200);
    }

    @Test
    @Tag("soak")
    void five_thousand_seeded_runs_end_with_the_image_or_a_typed_error_that_a_retry_completes() {
        runs(100_000, 5_000);
    }

    /** What the runs went through, so a pass can be told from a run that never met a fault. */
    private static final int[] STATS = new int[4];
    private static final int FAULTED = 0;
    private static final int CANCELLED = 1;
    private static final int TYPED_ERRORS = 2;
    private static final int RETRIES = 3;

    private static void runs(long firstSeed, int count) {
        java.util.Arrays.fill(STATS, 0);
        List<String> failures = new ArrayList<>();
        for (long seed = firstSeed; seed < firstSeed + count; seed++) {
            try {
                replay(seed);
            } catch (AssertionError | RuntimeException e) {
                failures.add("seed " + seed + ": " + e.getMessage());
                System.err.println("random faults: seed " + seed + " failed: " + e);
            }
        }
        System.out.printf("random faults: %d runs from seed %d: %d met faults, %d host cancels, %d typed errors, "
                + "%d retries%n", count, firstSeed, STATS[FAULTED], STATS[CANCELLED], STATS[TYPED_ERRORS],
                STATS[RETRIES]);
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + count + " runs failed:\n" + String.join("\n", failures));
        }
        assertThat(STATS[FAULTED]).as("runs that met a fault").isGreaterThan(count / 4);
        assertThat(STATS[CANCELLED]).as("host cancels").isGreaterThan(count / 4);
    }

    /** One run: a device with random properties and faults, updates until it holds the image. */
    static void replay(long seed) {
        Random rnd = new Random(seed);
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        FakeDevice device = new FakeDevice(vts);
        DfuPackage pkg = PACKAGES[rnd.nextInt(PACKAGES.length)];
        device.progressInFlash = rnd.nextBoolean();
        device.resetClosesPort = rnd.nextBoolean();
        device.supportsPulseReset = rnd.nextBoolean();
        device.mtu = rnd.nextInt(4) == 0 ? 2051 : 131;
        device.answerDelay = rnd.nextBoolean() ? Duration.ZERO : Duration.ofMillis(1 + rnd.nextInt(3));
        int[] prns = {0, 1, 3, 8};
        DfuOptions options = DfuOptions.builder()
                .scheduler(vts)
                .prn(prns[rnd.nextInt(prns.length)])
                .window(1 + rnd.nextInt(4))
                .build();
        double rate = 0.002 + rnd.nextDouble() * 0.01;
        int faultsTotal = 1 + rnd.nextInt(6);
        int[] faultsLeft = {faultsTotal};
        Random faultRnd = new Random(rnd.nextLong());
        device.hook = (r, n) -> {
            if (faultsLeft[0] > 0 && faultRnd.nextDouble() < rate) {
                if (faultsLeft[0]-- == faultsTotal) {
                    STATS[FAULTED]++;
                }
                return FAULTS[faultRnd.nextInt(FAULTS.length)];
            }
            return Action.NORMAL;
        };

        String context = "seed " + seed + " (" + pkg.source() + ", prn " + options.flowControl().prn() + ", window "
                + options.flowControl().window() + ", mtu " + device.mtu + ", flash progress " + device.progressInFlash + ")";
        int updates = 0;
        boolean typedErrorSeen = false;
        boolean cancelPlanned = rnd.nextBoolean();
        boolean done = false;
        while (!done) {
            updates++;
            if (updates > 4) {
                fail(context + ": still not done after " + (updates - 1) + " updates");
            }
            Runs.Result r;
            if (cancelPlanned) {
                // a host stopped at a random point; the next update must finish the job
                cancelPlanned = false;
                int cancelAt = 1 + rnd.nextInt(400);
                int[] seen = {0};
                r = Runs.run(DfuClient.create().update(device.transport(), pkg, options), vts,
                        Duration.ofMillis(5), Duration.ofHours(1), e -> ++seen[0] >= cancelAt);
            } else {
                r = Runs.run(DfuClient.create().update(device.transport(), pkg, options), vts,
                        Duration.ofMillis(5), Duration.ofHours(1), null);
            }
            STATS[RETRIES] += r.events(DfuEvent.ObjectRetried.class).size();
            if (r.cancelled()) {
                STATS[CANCELLED]++;
            }
            if (r.completed()) {
                done = true;
            } else if (r.error() != null) {
                if (!(r.error() instanceof DfuException)) {
                    throw new AssertionError(context + ": untyped error " + r.error(), r.error());
                }
                if (typedErrorSeen) {
                    throw new AssertionError(context + ": the retry after a typed error failed too: " + r.error(),
                            r.error());
                }
                typedErrorSeen = true;
                STATS[TYPED_ERRORS]++;
                System.out.println("random faults: " + context + ": typed error, retrying: " + r.error());
                // the retry runs without faults
                faultsLeft[0] = 0;
            } else if (!r.cancelled()) {
                fail(context + ": an update neither completed nor failed within an hour of virtual time");
            }
        }
        for (int i = 0; i < pkg.images().size(); i++) {
            byte[] last = device.activated.get(device.activated.size() - pkg.images().size() + i);
            assertThat(last).as(context + ": image " + i).isEqualTo(pkg.images().get(i).firmware());
        }
        assertThat(device.received(OpCode.WRITE)).as(context).isNotEmpty();
    }
}
