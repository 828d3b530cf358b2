package dev.reactivedfu.transfer;

import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs an update on virtual time and records what it emitted and when (shared with other modules' tests through
 * the test-jar).
 */
public final class Runs {

    /** An event and the virtual time it was emitted at. */
    public record Timed(long millis, DfuEvent event) {
    }

    /** What an update did. */
    public record Result(List<Timed> timed, Throwable error, boolean completed, boolean cancelled,
                         long endMillis) {
        public List<DfuEvent> events() {
            return timed.stream().map(Timed::event).toList();
        }

        public <T extends DfuEvent> List<T> events(Class<T> type) {
            return timed.stream().map(Timed::event).filter(type::isInstance).map(type::cast).toList();
        }

        /** The summary of the last event, done or failed. */
        public UpdateSummary finalSummary() {
            DfuEvent last = timed.isEmpty() ? null : timed.get(timed.size() - 1).event();
            if (last instanceof DfuEvent.UpdateDone d) {
                return d.summary();
            }
            if (last instanceof DfuEvent.Failed f) {
                return f.summary();
            }
            throw new AssertionError("the update did not end; last event " + last);
        }

        public UpdateSummary summary() {
            List<DfuEvent.UpdateDone> done = events(DfuEvent.UpdateDone.class);
            if (done.isEmpty()) {
                throw new AssertionError("no UpdateDone; error " + error);
            }
            return done.get(0).summary();
        }
    }

    private Runs() {
    }

    /**
     * Subscribes and advances virtual time in {@code step}s until the update terminates or {@code limit} passed;
     * with {@code cancelWhen}, cancels at the first event it accepts.
     */
    public static Result run(Flux<DfuEvent> update, VirtualTimeScheduler vts, Duration step, Duration limit,
                      Predicate<DfuEvent> cancelWhen) {
        List<Timed> events = new ArrayList<>();
        Throwable[] error = new Throwable[1];
        boolean[] done = new boolean[1];
        boolean[] cancelled = new boolean[1];
        BaseSubscriber<DfuEvent> subscriber = new BaseSubscriber<>() {
            @Override
            protected void hookOnNext(DfuEvent e) {
                events.add(new Timed(vts.now(TimeUnit.MILLISECONDS), e));
                if (cancelWhen != null && !cancelled[0] && cancelWhen.test(e)) {
                    cancelled[0] = true;
                    done[0] = true;
                    cancel();
                }
            }

            @Override
            protected void hookOnError(Throwable e) {
                error[0] = e;
                done[0] = true;
            }

            @Override
            protected void hookOnComplete() {
                done[0] = true;
            }
        };
        update.subscribe(subscriber);
        long start = vts.now(TimeUnit.MILLISECONDS);
        while (!done[0] && vts.now(TimeUnit.MILLISECONDS) - start < limit.toMillis()) {
            vts.advanceTimeBy(step);
        }
        if (!done[0]) {
            subscriber.dispose();
        }
        return new Result(events, error[0], done[0] && error[0] == null && !cancelled[0], cancelled[0],
                vts.now(TimeUnit.MILLISECONDS));
    }

    public static Result run(Flux<DfuEvent> update, VirtualTimeScheduler vts) {
        return run(update, vts, Duration.ofMillis(1), Duration.ofMinutes(10), null);
    }
}
