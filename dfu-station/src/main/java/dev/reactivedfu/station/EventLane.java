package dev.reactivedfu.station;

import dev.reactivedfu.transfer.DfuEvent;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One subscriber's lane of {@link Station#events()}: a bounded backlog between the station, which never waits, and a
 * view that may be slow (a terminal, a JSON pipe nobody reads, a browser on a bad link).
 *
 * <p>While the subscriber keeps up, every event passes in order. While it is behind (no demand), events wait in the
 * backlog, and progress is coalesced: an engine {@link DfuEvent.Progress} replaces the socket's progress still
 * waiting since that socket's last other event, and a {@link StationEvent.Summary} replaces the waiting summary, so a
 * socket's progress is never shown after a later event of that socket and nothing but the latest of either waits.
 * Every other event (states, engine steps, results) is kept. If {@code capacity} events are waiting and another one
 * that may not be dropped comes, the subscriber fails with an overflow error ({@link Exceptions#isOverflow}) naming
 * how far behind it fell, and its backlog is freed: a result is never silently lost, and the heap never grows
 * without bound.
 *
 * <p>Thread-safe: {@link #offer} comes from the station's emitting thread (serialised), {@link #request} and
 * {@link #cancel} from the subscriber's; one of them at a time delivers, outside the lock.
 */
final class EventLane implements Subscription {

    /** A waiting coalesced event: the latest value replaces the previous one in place. */
    private static final class Slot {
        final String socket;
        StationEvent latest;

        Slot(String socket, StationEvent latest) {
            this.socket = socket;
            this.latest = latest;
        }
    }

    private final CoreSubscriber<? super StationEvent> actual;
    private final int capacity;
    private final Runnable onTerminate;
    /** {@link StationEvent} or {@link Slot}, in order. */
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    /** The progress slot of each socket still open for replacement (none once an other event of it came after). */
    private final Map<String, Slot> progress = new HashMap<>();
    private Slot summary;
    private long requested;
    private boolean delivering;
    private boolean done;
    private Throwable overflow;
    private long coalesced;

    EventLane(CoreSubscriber<? super StationEvent> actual, int capacity, Runnable onTerminate) {
        this.actual = Objects.requireNonNull(actual, "actual");
        this.capacity = capacity;
        this.onTerminate = Objects.requireNonNull(onTerminate, "onTerminate");
    }

    /** Takes one event from the station; never blocks, never fails. */
    void offer(StationEvent event) {
        synchronized (this) {
            if (done || overflow != null) {
                return;
            }
            String socket = socketOf(event);
            if (isProgress(event)) {
                Slot open = progress.get(socket);
                if (open != null) {
                    open.latest = event;
                    coalesced++;
                } else if (backlog.size() < capacity) {
                    Slot s = new Slot(socket, event);
                    progress.put(socket, s);
                    backlog.add(s);
                } else {
                    coalesced++; // dropped: a later progress or the socket's next event says more
                }
            } else if (event instanceof StationEvent.Summary) {
                if (summary != null) {
                    summary.latest = event;
                    coalesced++;
                } else if (backlog.size() < capacity) {
                    summary = new Slot(null, event);
                    backlog.add(summary);
                } else {
                    coalesced++;
                }
            } else {
                if (socket != null) {
                    progress.remove(socket);
                }
                if (backlog.size() >= capacity) {
                    overflow = Exceptions.failWithOverflow("a station view fell " + capacity
                            + " events behind and was stopped: its events cannot be dropped (results among them)");
                    backlog.clear();
                    progress.clear();
                    summary = null;
                } else {
                    backlog.add(event);
                }
            }
        }
        deliver();
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            synchronized (this) {
                requested = Operators.addCap(requested, n);
            }
            deliver();
        }
    }

    @Override
    public void cancel() {
        boolean first;
        synchronized (this) {
            first = !done;
            done = true;
            backlog.clear();
            progress.clear();
            summary = null;
        }
        if (first) {
            onTerminate.run();
        }
    }

    /** Events waiting for the subscriber now. */
    synchronized int backlog() {
        return backlog.size();
    }

    /** Progress and summary events replaced or dropped so far because the subscriber was behind. */
    synchronized long coalesced() {
        return coalesced;
    }

    private void deliver() {
        synchronized (this) {
            if (delivering) {
                return; // the one delivering sees the new state on its next turn
            }
            delivering = true;
        }
        while (true) {
            StationEvent next;
            Throwable error = null;
            synchronized (this) {
                if (done) {
                    delivering = false;
                    return;
                }
                if (overflow != null) {
                    error = overflow;
                    done = true;
                    next = null;
                } else if (requested > 0 && !backlog.isEmpty()) {
                    Object head = backlog.poll();
                    if (head instanceof Slot s) {
                        next = s.latest;
                        if (s == summary) {
                            summary = null;
                        } else {
                            progress.remove(s.socket, s);
                        }
                    } else {
                        next = (StationEvent) head;
                    }
                    if (requested != Long.MAX_VALUE) {
                        requested--;
                    }
                } else {
                    delivering = false;
                    return;
                }
            }
            if (error != null) {
                onTerminate.run();
                actual.onError(error);
                return;
            }
            actual.onNext(next);
        }
    }

    private static boolean isProgress(StationEvent e) {
        return e instanceof StationEvent.Engine en && en.event() instanceof DfuEvent.Progress;
    }

    private static String socketOf(StationEvent e) {
        if (e instanceof StationEvent.Engine en) {
            return en.socket();
        }
        if (e instanceof StationEvent.SocketStateChanged s) {
            return s.socket();
        }
        if (e instanceof StationEvent.BoardDone d) {
            return d.socket();
        }
        return null;
    }
}
