package dev.reactivedfu.simulator;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a virtual clock whose timers fire late by a seeded random amount (up to {@code maxLateNanos}), as
 * a loaded host's timers do (issue 8 measured p99 0.4-0.6 ms, max 6-10 ms). The clock is shared with the test's
 * host, which acts on time.
 */
final class JitterScheduler implements Scheduler {

    private final VirtualTimeScheduler clock;
    private final Random random;
    private final long maxLateNanos;

    JitterScheduler(VirtualTimeScheduler clock, long seed, long maxLateNanos) {
        this.clock = clock;
        this.random = new Random(seed);
        this.maxLateNanos = maxLateNanos;
    }

    private synchronized long late() {
        return maxLateNanos == 0 ? 0 : (long) (random.nextDouble() * random.nextDouble() * maxLateNanos);
    }

    @Override
    public Disposable schedule(Runnable task) {
        return clock.schedule(task, late(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return clock.schedule(task, unit.toNanos(delay) + late(), TimeUnit.NANOSECONDS);
    }

    @Override
    public long now(TimeUnit unit) {
        return clock.now(unit);
    }

    @Override
    public Worker createWorker() {
        Worker inner = clock.createWorker();
        return new Worker() {
            @Override
            public Disposable schedule(Runnable task) {
                return inner.schedule(task, late(), TimeUnit.NANOSECONDS);
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                return inner.schedule(task, unit.toNanos(delay) + late(), TimeUnit.NANOSECONDS);
            }

            @Override
            public void dispose() {
                inner.dispose();
            }

            @Override
            public boolean isDisposed() {
                return inner.isDisposed();
            }
        };
    }
}
