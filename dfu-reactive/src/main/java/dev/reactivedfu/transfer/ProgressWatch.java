package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.protocol.ObjectType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one overall bound of an update on time spent without progress ({@link DfuOptions.Retries#withoutProgress()}),
 * plus at most one wait of the bootloader's inactivity timer per stretch without progress
 * ({@link #grantInactivityWait}).
 * Progress is only what the device verified beyond anything it verified before in this update: a CRC or an executed
 * object past the image's high-water mark, the init packet executed for the first time, an image done. A device that
 * recovers after its inactivity reset, resumes where it was and then misbehaves again therefore makes no progress,
 * and cannot multiply the 120 s wait per reconnect; isolated faults on a long image do not add up either, since
 * every verified object moves the mark. Not thread-safe: fed by the update's serial event stream.
 */
final class ProgressWatch {

    private final Duration limit;
    private final Scheduler scheduler;
    private final String port;
    private final Runnable onProgress;
    private volatile long lastProgressMillis;
    // one wait of the inactivity timer per stretch without progress, added to the bound when granted
    private volatile long grantedMillis;
    private volatile boolean waitedOut;
    private int image = -1;
    private boolean commandExecuted;
    private long dataMark = -1;

    /** @param onProgress called on each event that is progress (the retry budgets refill) */
    ProgressWatch(Duration limit, Scheduler scheduler, String port, Runnable onProgress) {
        this.limit = limit;
        this.onProgress = onProgress;
        this.scheduler = scheduler;
        this.port = port;
        this.lastProgressMillis = now();
    }

    /**
     * {@code events} failing with {@link DeviceUnresponsiveException} once {@code limit} passed without progress.
     * Lazy and cold.
     */
    Flux<DfuEvent> bound(Flux<DfuEvent> events) {
        return Flux.defer(() -> {
            lastProgressMillis = now();
            // one timer per deadline, not one per event (the engine reports progress per write): when it fires
            // before the deadline moved on (progress, a granted wait) it is armed again for what is left
            Sinks.Empty<Void> ended = Sinks.empty();
            Mono<DfuEvent> watchdog = Mono.delay(limit, scheduler)
                    .then(Mono.defer(() -> Mono.delay(remaining(), scheduler)).repeat(() -> !remaining().isZero())
                            .then())
                    .then(Mono.<DfuEvent>error(() -> new DeviceUnresponsiveException(port, "for "
                            + limit.toSeconds() + " s without verified progress (the update's bound on time without "
                            + "progress)", null)))
                    .takeUntilOther(ended.asMono());
            return Flux.merge(events.doOnNext(this::observe).doFinally(s -> ended.tryEmitEmpty()), watchdog);
        });
    }

    /** What is left of the bound now. */
    Duration remaining() {
        return Duration.ofMillis(Math.max(0, lastProgressMillis + limit.toMillis() + grantedMillis - now()));
    }

    /**
     * Asks for one wait of the bootloader's inactivity timer: granted (and added to the bound) once per stretch
     * without progress, so a device that recovers after its inactivity reset and then misbehaves again is not
     * waited for a second time.
     */
    boolean grantInactivityWait(Duration wait) {
        if (waitedOut) {
            return false;
        }
        waitedOut = true;
        grantedMillis = wait.toMillis();
        return true;
    }

    private void observe(DfuEvent event) {
        if (isProgress(event)) {
            lastProgressMillis = now();
            grantedMillis = 0;
            waitedOut = false;
            onProgress.run();
        }
    }

    /** Whether {@code event} moves a high-water mark. */
    boolean isProgress(DfuEvent event) {
        if (event instanceof DfuEvent.ImageStarted s) {
            if (s.image() > image) {
                image = s.image();
                commandExecuted = false;
                dataMark = -1;
            }
            return false;
        }
        if (event instanceof DfuEvent.ImageDone) {
            return true;
        }
        if (event instanceof DfuEvent.ObjectExecuted x) {
            if (x.type() == ObjectType.COMMAND) {
                boolean first = !commandExecuted;
                commandExecuted = true;
                return first;
            }
            return advance(x.offset());
        }
        if (event instanceof DfuEvent.CrcVerified c && c.type() == ObjectType.DATA) {
            return advance(c.offset());
        }
        return false;
    }

    private boolean advance(long offset) {
        if (offset > dataMark) {
            dataMark = offset;
            return true;
        }
        return false;
    }

    private long now() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }
}
