package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.RetriesExhaustedException;
import dev.reactivedfu.protocol.ObjectType;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every retry budget of one update in one type, keyed by scope, image, object type and index
 * ({@link DfuOptions.Retries}), and the only place retry metrics are recorded. Budgets count attempts in a row
 * without progress: verified progress refills them, so an update fails for a bad line only after that many attempts
 * without progress, never because a long image met many isolated faults.
 *
 * <p>Progress, for the budgets, is data the device verified (a PRN notification or CRC answer that matched, an
 * executed object) beyond the furthest point it verified before and still holds ({@link #verified}), the init
 * packet executed for the first time and an image done ({@link #progressed()}, from {@link ProgressWatch}). When the
 * device is found to have lost objects it had executed (a reset with its progress only in RAM: a garbled request
 * read as ABORT, a jammed SLIP decoder ended by the inactivity timer), that point drops to what it still holds
 * ({@link #deviceHolds}), so sending the lost objects again is progress: a line that works refills the budgets
 * however far back the device fell. Re-creating an object whose data the device holds wrong does not move that
 * point, so an object failing again and again spends its budget. (The update's bound on time without progress,
 * {@link ProgressWatch}, keeps its own high-water mark and ends a device that loses its progress over and over.)
 *
 * <p>Not thread-safe: used by the update's serial steps (the total is atomic, read by a cancelling thread).
 */
final class RetryBudgets {

    /** Where a retry happens. */
    enum Scope {
        /** One object on the same connection. */
        OBJECT,
        /** One image, with a new connection or from its command object. */
        IMAGE,
        /** The whole update. */
        DEVICE
    }

    /** One budget's key; {@code type} and {@code index} are {@code null}/-1 above the object scope. */
    record Key(Scope scope, int image, ObjectType type, int index) {
    }

    /** What to do about a fault. */
    sealed interface Decision {
        /** Retry after {@code backoff}; this is attempt {@code attempt} of its scope in a row. */
        record Retry(int attempt, Duration backoff) implements Decision {
        }

        /** The object's budget is spent: retry the image with a new connection. */
        record Escalate() implements Decision {
        }

        /** A budget is spent: fail with {@code error}. */
        record Exhausted(DfuException error) implements Decision {
        }
    }

    private static final Key DEVICE = new Key(Scope.DEVICE, -1, null, -1);
    /**
     * The pause before retrying a CRC or PRN mismatch: a scheduler step, so that the failed stream is torn down (and a
     * transport that answers at once, such as the simulator without timing, does not retry within its own answer).
     */
    static final Duration MISMATCH_PAUSE = Duration.ofMillis(1);

    private final DfuOptions.Retries limits;
    private final DfuMetrics metrics;
    private final String port;
    private final Map<Key, Integer> inARow = new HashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    // the furthest data offset the device verified in the current image and still holds; -1 for none
    private long verifiedMark = -1;

    RetryBudgets(DfuOptions.Retries limits, DfuMetrics metrics, String port) {
        this.limits = limits;
        this.metrics = metrics;
        this.port = port;
    }

    /**
     * A line fault on object {@code index} of {@code type}: retry it on this connection, or escalate. A CRC or PRN
     * mismatch is retried after {@link #MISMATCH_PAUSE} only (the device answered, only the bytes it got were wrong:
     * there is nothing to wait for, and the re-synchronising ping drains anything late); other faults after the
     * backoff.
     */
    Decision object(int image, ObjectType type, int index, RetryReason reason, DfuException cause) {
        Key key = new Key(Scope.OBJECT, image, type, index);
        int n = inARow.getOrDefault(key, 0) + 1;
        if (n > limits.perObject()) {
            return new Decision.Escalate();
        }
        DfuException exhausted = spendDevice(reason, cause);
        if (exhausted != null) {
            return new Decision.Exhausted(exhausted);
        }
        inARow.put(key, n);
        boolean mismatch = reason == RetryReason.PRN_MISMATCH || reason == RetryReason.CRC_MISMATCH;
        return new Decision.Retry(n, mismatch ? MISMATCH_PAUSE : limits.backoff(n));
    }

    /** A fault of image {@code image} (named {@code name}): retry it with a new connection or from its start. */
    Decision image(int image, String name, RetryReason reason, DfuException cause) {
        Key key = new Key(Scope.IMAGE, image, null, -1);
        int n = inARow.getOrDefault(key, 0) + 1;
        if (n > limits.perImage()) {
            return new Decision.Exhausted(new RetriesExhaustedException(name + " image", n, cause));
        }
        DfuException exhausted = spendDevice(reason, cause);
        if (exhausted != null) {
            return new Decision.Exhausted(exhausted);
        }
        inARow.put(key, n);
        return new Decision.Retry(n, limits.backoff(n));
    }

    /** A new connection: the object budgets start afresh. */
    void newConnection() {
        inARow.keySet().removeIf(k -> k.scope() == Scope.OBJECT);
    }

    /** Verified progress: every budget is full again. */
    void progressed() {
        inARow.clear();
    }

    /** A new image: nothing of it is verified yet. */
    void startImage() {
        verifiedMark = -1;
    }

    /**
     * The device verified the image's data up to {@code offset} (a matching notification or CRC answer, an executed
     * object): beyond the furthest point verified before, every budget is full again.
     */
    void verified(long offset) {
        if (offset > verifiedMark) {
            verifiedMark = offset;
            progressed();
        }
    }

    /**
     * The device holds verified data only up to {@code offset}, short of objects it had executed: it lost them (a
     * reset with progress in RAM), and sending them again is progress.
     */
    void deviceHolds(long offset) {
        verifiedMark = Math.min(verifiedMark, offset);
    }

    /** The device's progress did not verify on resume and its object is re-created (not a retry). */
    void staleObject() {
        metrics.crcMismatch(port);
    }

    /** Retries of this update so far. */
    int total() {
        return total.get();
    }

    private DfuException spendDevice(RetryReason reason, DfuException cause) {
        int n = inARow.getOrDefault(DEVICE, 0);
        if (n >= limits.perDevice()) {
            return new RetriesExhaustedException("update of " + port, total.get() + 1L, cause);
        }
        inARow.put(DEVICE, n + 1);
        total.incrementAndGet();
        metrics.retried(port, reason);
        if (reason == RetryReason.CRC_MISMATCH || reason == RetryReason.PRN_MISMATCH
                || reason == RetryReason.STALE_PROGRESS) {
            metrics.crcMismatch(port);
        }
        if (cause instanceof DfuTimeoutException t) {
            metrics.timeout(port, t.opCode());
        }
        return null;
    }
}
