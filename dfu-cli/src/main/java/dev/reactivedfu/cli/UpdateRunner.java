package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.cli.render.EventRenderer;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.DfuTransport;
import reactor.core.Disposable;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one update to its end on behalf of a command: renders its events, maps its outcome to an exit code, and turns
 * Ctrl-C into a clean stop between frames (the subscription is cancelled, the device keeps its verified progress)
 * followed by the hint that resumes it. The only place of the CLI that waits for an update.
 */
final class UpdateRunner {

    /** How long Ctrl-C waits for the engine to stop between frames before the process exits anyway. */
    private static final long STOP_GRACE_MS = 3_000;

    private final DfuClient client;

    UpdateRunner(DfuClient client) {
        this.client = client;
    }

    /** The outcome: exit code, and the terminal event when there was one. */
    record Outcome(int exitCode, DfuEvent last, Throwable error) {
    }

    Outcome run(DfuTransport transport, DfuPackage pkg, DfuOptions options, EventRenderer renderer, PrintWriter err,
                String resumeHint) {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<DfuEvent> last = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Object renderLock = new Object();
        Disposable subscription = client.update(transport, pkg, options)
                .doFinally(signal -> done.countDown())
                .subscribe(event -> {
                    synchronized (renderLock) {
                        last.set(event);
                        renderer.onEvent(event);
                    }
                }, error::set);
        Interrupts.Registration interrupt = Interrupts.onInterrupt(() -> {
            subscription.dispose();
            done.countDown();
        });
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.dispose();
        } finally {
            interrupt.close();
        }
        if (interrupt.fired()) {
            // the cancelled pipeline closes the port between frames; give it a moment before saying so
            waitQuietly(done, STOP_GRACE_MS);
            synchronized (renderLock) {
                renderer.onInterrupted(resumeHint);
            }
            return new Outcome(ExitCodes.INTERRUPTED, last.get(), null);
        }
        Throwable t = error.get();
        if (t == null) {
            return new Outcome(ExitCodes.OK, last.get(), null);
        }
        err.println("error: " + ExitCodes.describe(t));
        err.flush();
        return new Outcome(ExitCodes.of(t), last.get(), t);
    }

    private static void waitQuietly(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
