package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A blocking facade over {@link DfuClient} for callers that do not use Reactor: each call runs one update on the
 * calling thread's behalf and returns its summary. This is the one place in the library that blocks, by design;
 * reactive callers use {@link DfuClient#update} directly.
 */
public final class BlockingDfuClient {

    private final DfuClient client;

    /** A facade over {@code client}. */
    public BlockingDfuClient(DfuClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** As {@link #update(DfuTransport, DfuPackage, DfuOptions, Consumer)} without listening to events. */
    public UpdateSummary update(DfuTransport transport, DfuPackage pkg, DfuOptions options) {
        return update(transport, pkg, options, event -> { });
    }

    /**
     * Runs an update and waits for its end; {@code listener} sees every event on the thread that produced it.
     * Every wait inside the update is bounded, so this returns or throws in bounded time.
     *
     * @return the summary of the completed update
     * @throws dev.reactivedfu.error.DfuException the update's typed failure (see {@link DfuClient#update})
     */
    public UpdateSummary update(DfuTransport transport, DfuPackage pkg, DfuOptions options,
                                Consumer<DfuEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        DfuEvent last = client.update(transport, pkg, options).doOnNext(listener).blockLast();
        if (last instanceof DfuEvent.UpdateDone done) {
            return done.summary();
        }
        throw new IllegalStateException("the update ended without a summary: " + last);
    }
}
