package dev.reactivedfu.archive;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8's fuzz suite over the real fixture packages ({@link PackageFuzz}): every case is refused with a typed
 * {@code PackageException} or accepted with the firmware its signature vouches for. The seed is printed; rerun one
 * case with {@code -Dfuzz.seed=S -Dfuzz.case=N}, another seed with {@code -Dfuzz.seed=S}.
 */
class PackageFuzzTest {

    private static final long DEFAULT_SEED = 20261201L;

    private static long seed() {
        return Long.getLong("fuzz.seed", DEFAULT_SEED);
    }

    @Test
    void a_thousand_mutated_packages_are_refused_or_carry_the_signed_firmware() {
        PackageFuzz fuzz = new PackageFuzz();
        long seed = seed();
        Integer only = Integer.getInteger("fuzz.case");
        System.out.println("package fuzz: seed " + seed + (only != null ? ", case " + only : ", 1000 cases"));

        if (only != null) {
            fuzz.runCase(seed, only);
            return;
        }
        fuzz.run(seed, 1_000);

        System.out.println("package fuzz: " + fuzz.accepted + " accepted, " + fuzz.refused + " refused");
        assertThat(fuzz.accepted + fuzz.refused).isEqualTo(1_000);
        // the mutations must mostly break something, and some cases must survive to exercise the oracle
        assertThat(fuzz.refused).isGreaterThan(500);
        assertThat(fuzz.accepted).isPositive();
    }

    @Test
    @Tag("soak")
    void twenty_thousand_mutated_packages_soak() {
        PackageFuzz fuzz = new PackageFuzz();
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("package fuzz soak: seed " + seed + ", 20000 cases");

        fuzz.run(seed, 20_000);

        System.out.println("package fuzz soak: " + fuzz.accepted + " accepted, " + fuzz.refused + " refused");
        assertThat(fuzz.accepted + fuzz.refused).isEqualTo(20_000);
    }
}
