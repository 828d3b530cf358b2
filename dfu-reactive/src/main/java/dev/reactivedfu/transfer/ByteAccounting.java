package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;
import reactor.core.scheduler.Scheduler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes sent and re-sent by one update: a byte counts as re-sent when the device verifiably held it already (what a
 * SELECT verified, or what was sent before in this image). The counters are atomic (read by a cancelling thread);
 * the marks are touched only by the update's serial steps. The update's rate is computed here, for the progress
 * events and {@link DfuMetrics#throughput}.
 */
final class ByteAccounting {

    private final Scheduler scheduler;
    private final long startMillis;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    // high-water marks of what the device held or was sent in the current image
    private long commandHeld;
    private long dataHeld;

    private final DfuMetrics metrics;
    private final String port;

    ByteAccounting(Scheduler scheduler, long startMillis) {
        this(scheduler, startMillis, DfuMetrics.noop(), "");
    }

    /** As the two-argument constructor, reporting the update's rate to {@code metrics} as {@code port}. */
    ByteAccounting(Scheduler scheduler, long startMillis, DfuMetrics metrics, String port) {
        this.metrics = metrics;
        this.port = port;
        this.scheduler = scheduler;
        this.startMillis = startMillis;
    }

    /** A new image starts: nothing of it is held yet. */
    void startImage() {
        commandHeld = 0;
        dataHeld = 0;
    }

    /** SELECT of {@code type} answered {@code select}; what verifies against {@code bytes} is held. */
    void held(ObjectType type, LocalImage bytes, DfuResponse.Select select) {
        if (!bytes.matches(select.offset(), select.crc())) {
            return;
        }
        if (type == ObjectType.COMMAND) {
            commandHeld = Math.max(commandHeld, select.offset());
        } else {
            dataHeld = Math.max(dataHeld, select.offset());
        }
    }

    /**
     * A write of {@code length} bytes at {@code offset} was handed to the port; for data, the progress event to
     * emit, else {@code null}.
     */
    DfuEvent sent(ImageKind kind, ObjectType type, long offset, int length, long imageSize) {
        long held = type == ObjectType.COMMAND ? commandHeld : dataHeld;
        long again = Math.max(0, Math.min(offset + length, held) - offset);
        sent.addAndGet(length);
        resent.addAndGet(again);
        if (type == ObjectType.COMMAND) {
            commandHeld = Math.max(commandHeld, offset + length);
            return null;
        }
        dataHeld = Math.max(dataHeld, offset + length);
        long reached = offset + length;
        long elapsed = scheduler.now(TimeUnit.MILLISECONDS) - startMillis;
        double rate = elapsed > 0 ? sent.get() * 1000.0 / elapsed : 0;
        if (elapsed > 0) {
            metrics.throughput(port, rate);
        }
        return new DfuEvent.Progress(kind, reached, imageSize, reached * 100.0 / imageSize, rate);
    }

    long bytesSent() {
        return sent.get();
    }

    long bytesResent() {
        return resent.get();
    }
}
