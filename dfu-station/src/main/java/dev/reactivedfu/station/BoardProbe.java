package dev.reactivedfu.station;

import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuTransport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a bootloader is in a socket: opens the port, pings with fresh ids until one is echoed with its own id, and
 * closes the port again. This is both arrival and departure: a UART adapter stays plugged while boards are swapped,
 * so a board has arrived when a bootloader answers and has left when none does (its application runs and ignores the
 * port, or it was taken out); a native USB CDC board's port appears with it and vanishes with it, so a port that
 * cannot be opened counts as no board. The first ping of a connection can be swallowed by a partial frame left in
 * the bootloader's SLIP decoder (DESIGN.md, "The SLIP decoder has hazards"), hence more than one.
 */
public final class BoardProbe {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final int pings;
    private final Duration answerTimeout;
    private final Scheduler scheduler;

    /**
     * @param pings         pings per probe, each with a fresh id, at least 1
     * @param answerTimeout how long each ping waits for its echo
     * @param scheduler     where the timeouts run
     */
    public BoardProbe(int pings, Duration answerTimeout, Scheduler scheduler) {
        if (pings < 1) {
            throw new IllegalArgumentException("pings must be at least 1, was " + pings);
        }
        this.pings = pings;
        this.answerTimeout = Objects.requireNonNull(answerTimeout, "answerTimeout");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Probes {@code transport} once. Lazy and cold. Succeeds with {@code true} when a bootloader echoed a ping, with
     * {@code false} when none did or the port could not be opened (absent, vanished); never errors.
     */
    public Mono<Boolean> present(DfuTransport transport) {
        return Mono.usingWhen(transport.open(), this::ping, DfuConnection::close,
                        (c, e) -> c.close().onErrorResume(x -> Mono.empty()), DfuConnection::close)
                .onErrorReturn(false);
    }

    private Mono<Boolean> ping(DfuConnection connection) {
        Flux<DfuInbound> inbound = connection.inbound().publish().autoConnect();
        return Flux.range(0, pings)
                .concatMap(i -> {
                    int id = IDS.incrementAndGet() & 0xFF;
                    Mono<Boolean> echo = inbound
                            .filter(in -> in instanceof DfuResponse.Ping p && p.id() == id)
                            .next()
                            .map(p -> true)
                            .timeout(answerTimeout, Mono.just(false), scheduler);
                    return Mono.zip(echo, connection.send(new DfuRequest.Ping(id)).thenReturn(true), (a, b) -> a);
                })
                .takeUntil(answered -> answered)
                .last(false);
    }
}
