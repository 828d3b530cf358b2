package dev.reactivedfu.station;

import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.BoardRecord;
import reactor.core.publisher.Mono;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One socket's cycle: idle until a bootloader answers, update that board (in a free slot), record it, then wait for
 * the board to leave before taking the next, so a board is never updated twice in a row. In {@code --once} mode a
 * socket probes once and updates the board present now, if any. A fault here stays here: every error of an update
 * ends that attempt as failed and the cycle goes on.
 */
final class SocketLoop {

    private final Station station;
    private final StationSocket socket;
    private final AtomicReference<Attempt> current = new AtomicReference<>();
    private int arrivals;
    private Optional<String> board = Optional.empty();
    private Optional<String> resumes;

    SocketLoop(Station station, StationSocket socket, Optional<BoardRecord> interrupted) {
        this.station = station;
        this.socket = socket;
        this.resumes = interrupted.map(BoardRecord::id);
    }

    StationSocket socket() {
        return socket;
    }

    /** The attempt in progress, if any. */
    Optional<Attempt> current() {
        return Optional.ofNullable(current.get());
    }

    /**
     * Runs the socket. Lazy. In {@code --once} mode succeeds with the attempt's end (empty when no board answered);
     * in watch mode never completes (cancel it to stop: an update in progress stops between frames).
     */
    Mono<Optional<StationEvent.BoardDone>> run(boolean once) {
        if (once) {
            return Mono.defer(() -> {
                state(SocketState.PROBING);
                return station.probe().present(socket.transport());
            }).flatMap(present -> {
                if (!present) {
                    state(SocketState.IDLE);
                    return Mono.just(Optional.<StationEvent.BoardDone>empty());
                }
                return attempt().map(Optional::of);
            });
        }
        Mono<Void> cycle = awaitBoard(true)
                .then(Mono.defer(this::attempt))
                .then(Mono.defer(() -> {
                    state(SocketState.WAITING_FOR_LEAVE);
                    return awaitBoard(false);
                }));
        return cycle.repeat().then(Mono.empty());
    }

    /** Polls until a board is present ({@code present}) or gone; idle meanwhile when waiting for one. */
    private Mono<Void> awaitBoard(boolean present) {
        return Mono.defer(() -> {
            if (present) {
                board = Optional.empty();
                state(SocketState.IDLE);
            }
            return station.probe().present(socket.transport())
                    .filter(answered -> answered == present)
                    .repeatWhenEmpty(polls -> polls.concatMap(n -> Mono.delay(station.pollInterval(),
                            station.scheduler())))
                    .then();
        });
    }

    private Mono<StationEvent.BoardDone> attempt() {
        return Mono.defer(() -> {
            arrivals++;
            board = Optional.of(socket.adapterSerial().orElse(socket.name() + "#" + arrivals));
            state(SocketState.PROBING);
            // the wrong-board check (hardware and SoftDevice against the package, before anything is sent) is the
            // engine's: its typed error arrives as this attempt's failure like any other
            return station.slots().run(Mono.usingWhen(
                    station.blocking(this::insertRow),
                    this::update,
                    a -> station.blocking(() -> station.store().complete(a.record())),
                    (a, e) -> station.blocking(() -> {
                        a.end(station.now(), Optional.of(e));
                        station.store().complete(a.record());
                    }),
                    this::interrupted));
        }).doOnNext(done -> {
            station.boardDone(done);
            state(done.result() == AttemptResult.PASSED ? SocketState.PASSED : SocketState.FAILED);
        });
    }

    private Attempt insertRow() {
        BoardRecord row = BoardRecord.started(UUID.randomUUID().toString(), station.name(), socket.name(),
                socket.port(), socket.adapterSerial(), board, station.now(), station.packageFile(),
                station.packageSha256(), resumes);
        resumes = Optional.empty();
        station.store().insert(row);
        Attempt a = new Attempt(socket, row);
        current.set(a);
        return a;
    }

    private Mono<StationEvent.BoardDone> update(Attempt a) {
        return Mono.defer(() -> {
            state(SocketState.UPDATING);
            station.updateStarted();
            // the update stops counting as running before its result is counted (so a summary never shows a board
            // both passed and running), or when it is cancelled; whichever comes first, once
            AtomicBoolean ended = new AtomicBoolean();
            Runnable end = () -> {
                if (ended.compareAndSet(false, true)) {
                    current.set(null);
                    station.updateEnded();
                }
            };
            return station.client().update(station.transportFor(socket), station.pkg(), station.options())
                    .doOnNext(e -> {
                        a.observe(e);
                        station.emit(new StationEvent.Engine(socket.name(), socket.port(), e));
                    })
                    .then(Mono.fromSupplier(() -> {
                        a.end(station.now(), Optional.empty());
                        return a.done();
                    }))
                    .onErrorResume(e -> Mono.fromSupplier(() -> {
                        a.end(station.now(), Optional.of(e));
                        return a.done();
                    }))
                    .doOnSuccess(d -> end.run())
                    .doFinally(signal -> end.run());
        });
    }

    private Mono<Void> interrupted(Attempt a) {
        a.interrupt(station.now());
        StationEvent.BoardDone done = a.done();
        station.boardDone(done);
        state(SocketState.INTERRUPTED);
        return station.trackedWrite(() -> station.store().complete(a.record()));
    }

    private void state(SocketState state) {
        station.socketState(new StationEvent.SocketStateChanged(socket.name(), socket.port(), state, board,
                station.now()));
    }
}
