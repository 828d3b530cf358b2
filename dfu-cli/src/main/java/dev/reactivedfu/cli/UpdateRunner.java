package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.cli.render.EventRenderer;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.DfuTransport;
import reactor.core.Disposable;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one update to its end on behalf of a command: renders its events, maps its outcome to an exit code, and turns
 * Ctrl-C into a clean stop between frames (the subscription is cancelled, the device keeps its verified progress)
 * followed by the hint that resumes it. The only place of the CLI that waits for an update.
 */
final class UpdateRunner {

    private final DfuClient client;

    UpdateRunner(DfuClient client) {
        this.client = client;
    }

    /**
     * Runs the update to its end (or to Ctrl-C) and returns the exit code: {@link ExitCodes#OK}, the failure's code
     * after a one-line {@code error:} on {@code err}, or {@link ExitCodes#INTERRUPTED} after the renderer has shown
     * {@code resumeHint}.
     */
    int run(DfuTransport transport, DfuPackage pkg, DfuOptions options, EventRenderer renderer, PrintWriter err,
            String resumeHint) {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Object renderLock = new Object();
        // cancelling (Ctrl-C) also ends in doFinally: the engine stops between frames and closes the port
        Disposable subscription = client.update(transport, pkg, options)
                .doFinally(signal -> done.countDown())
                .subscribe(event -> {
                    synchronized (renderLock) {
                        renderer.onEvent(event);
                    }
                }, error::set);
        Interrupts.Registration interrupt = Interrupts.onInterrupt(subscription::dispose);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.dispose();
        } finally {
            interrupt.close();
        }
        if (interrupt.fired()) {
            synchronized (renderLock) {
                renderer.onInterrupted(resumeHint);
            }
            return ExitCodes.INTERRUPTED;
        }
        Throwable t = error.get();
        if (t == null) {
            return ExitCodes.OK;
        }
        err.println("error: " + ExitCodes.describe(t));
        err.flush();
        return ExitCodes.of(t);
    }
}
