package dev.reactivedfu.station;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayDeque;

/**
 * At most {@code limit} updates at once ({@code --parallel N}); sockets whose board arrived wait, in arrival order,
 * for a slot. Thread-safe: all state is guarded by this object's lock.
 */
final class UpdateSlots {

    private final int limit;
    private final ArrayDeque<MonoSink<Boolean>> waiting = new ArrayDeque<>();
    private int used;

    UpdateSlots(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("parallel must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    /**
     * Runs {@code work} in a slot: subscribes to it once a slot is free and frees the slot when it ends, errors or is
     * cancelled. Lazy.
     */
    <T> Mono<T> run(Mono<T> work) {
        return Mono.usingWhen(acquire(), slot -> work, slot -> release(), (slot, e) -> release(), slot -> release());
    }

    private Mono<Boolean> acquire() {
        return Mono.create(sink -> {
            synchronized (this) {
                if (used < limit) {
                    used++;
                    sink.success(true);
                    return;
                }
                waiting.add(sink);
            }
            sink.onCancel(() -> {
                synchronized (this) {
                    waiting.remove(sink);
                }
            });
        });
    }

    private Mono<Void> release() {
        return Mono.fromRunnable(() -> {
            MonoSink<Boolean> next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    used--;
                    return;
                }
            }
            next.success(true); // the slot passes on: used stays as it is
        });
    }
}
