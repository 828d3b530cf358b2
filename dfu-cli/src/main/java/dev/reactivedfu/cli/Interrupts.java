package dev.reactivedfu.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C for long-running commands: the first SIGINT runs the command's stop action (so it can stop between frames
 * and say how to resume) instead of killing the JVM at once; a second one exits immediately.
 */
final class Interrupts {

    private Interrupts() {
    }

    /** An installed handler; {@link #close()} restores the previous one. */
    interface Registration extends AutoCloseable {
        /** Whether SIGINT arrived while installed. */
        boolean fired();

        @Override
        void close();
    }

    @SuppressWarnings("removal")
    static Registration onInterrupt(Runnable stop) {
        AtomicBoolean fired = new AtomicBoolean();
        sun.misc.Signal sigint = new sun.misc.Signal("INT");
        sun.misc.SignalHandler[] previous = new sun.misc.SignalHandler[1];
        try {
            previous[0] = sun.misc.Signal.handle(sigint, s -> {
                if (fired.getAndSet(true)) {
                    Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
                }
                stop.run();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            previous[0] = null; // no signal support here: Ctrl-C ends the JVM as usual
        }
        return new Registration() {
            @Override
            public boolean fired() {
                return fired.get();
            }

            @Override
            public void close() {
                if (previous[0] != null) {
                    sun.misc.Signal.handle(sigint, previous[0]);
                }
            }
        };
    }
}
