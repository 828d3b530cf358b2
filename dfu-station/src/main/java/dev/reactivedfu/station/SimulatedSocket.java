package dev.reactivedfu.station;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuTransport;
import dev.reactivedfu.transfer.LinkFacts;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.Objects;
import java.util.Optional;

/**
 * A socket of a simulated station: a place a {@link SimulatedDevice} can be put in and taken out of, seen through
 * the same {@link DfuTransport} contract a serial port gives.
 * <ul>
 *   <li>UART profile: the adapter stays plugged. With no board, a connection opens and nothing ever answers; taking a
 *       board out mid-update loses the connection (the line goes dead and the adapter reports a hang-up).</li>
 *   <li>USB CDC profile: the port is the board's. With no board, opening fails with
 *       {@link TransportClosedException}; taking it out mid-update makes the port vanish.</li>
 * </ul>
 * Thread-safe.
 */
public final class SimulatedSocket implements DfuTransport {

    private final String name;
    private final SimulatorConfig.Profile profile;
    private SimulatorTransport board;
    private PullableConnection open;

    /** An empty socket named {@code name} of {@code profile}. */
    public SimulatedSocket(String name, SimulatorConfig.Profile profile) {
        this.name = Objects.requireNonNull(name, "name");
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    @Override
    public String name() {
        return name;
    }

    /** The profile: UART (adapter stays) or USB CDC (port comes and goes with the board). */
    public SimulatorConfig.Profile profile() {
        return profile;
    }

    /** Puts {@code device} in the socket (taking out any board still there). */
    public void insert(SimulatedDevice device) {
        Objects.requireNonNull(device, "device");
        remove();
        synchronized (this) {
            board = new SimulatorTransport(name, device);
        }
    }

    /** Takes the board out: a connection in use is lost at once, as when a board is pulled mid-update. */
    public void remove() {
        PullableConnection lost;
        synchronized (this) {
            lost = open;
            open = null;
            board = null;
        }
        if (lost != null) {
            lost.pull();
        }
    }

    /** The board in the socket now. */
    public synchronized Optional<SimulatedDevice> device() {
        return Optional.ofNullable(board).map(SimulatorTransport::device);
    }

    /**
     * Opens a connection to the board in the socket. Lazy and cold. Succeeds with the connection (with no board on
     * UART: one nothing answers on); errors with {@link TransportClosedException} on USB CDC with no board.
     */
    @Override
    public Mono<DfuConnection> open() {
        return Mono.defer(() -> {
            SimulatorTransport t;
            synchronized (this) {
                t = board;
            }
            if (t == null) {
                if (profile == SimulatorConfig.Profile.USB_CDC) {
                    return Mono.error(new TransportClosedException(name, "no such port: no board in the socket",
                            null));
                }
                return Mono.just(new DeadLine());
            }
            return t.open().map(c -> {
                PullableConnection p = new PullableConnection(c);
                synchronized (this) {
                    if (board == t) {
                        open = p;
                        return (DfuConnection) p;
                    }
                }
                p.pull();
                return (DfuConnection) p;
            });
        });
    }

    /** A connection that the socket can cut, as a board pulled out of it. */
    private final class PullableConnection implements DfuConnection {
        private final DfuConnection delegate;
        private final Sinks.Empty<Void> pulled = Sinks.empty();
        private volatile boolean gone;

        PullableConnection(DfuConnection delegate) {
            this.delegate = delegate;
        }

        void pull() {
            gone = true;
            // the engine closes the connection when it sees it lost, which detaches the simulator's side
            pulled.tryEmitEmpty();
        }

        private TransportClosedException lost() {
            return new TransportClosedException(name, profile == SimulatorConfig.Profile.USB_CDC
                    ? "the port vanished: the board was taken out" : "hang-up: the board was taken out", null);
        }

        @Override
        public Mono<Void> send(DfuRequest request) {
            return Mono.defer(() -> gone ? Mono.error(lost()) : delegate.send(request));
        }

        @Override
        public LinkFacts link() {
            return delegate.link();
        }

        @Override
        public Flux<DfuInbound> inbound() {
            return delegate.inbound().takeUntilOther(pulled.asMono())
                    .concatWith(Mono.defer(() -> gone ? Mono.error(lost()) : Mono.empty()));
        }

        @Override
        public Mono<Void> pulseReset() {
            return delegate.pulseReset();
        }

        @Override
        public Mono<Void> close() {
            return delegate.close().doFinally(s -> {
                synchronized (SimulatedSocket.this) {
                    if (open == this) {
                        open = null;
                    }
                }
            });
        }
    }

    /** An adapter with no board behind it: bytes go out, nothing comes back. */
    private static final class DeadLine implements DfuConnection {
        private final Sinks.Empty<Void> closed = Sinks.empty();

        @Override
        public Mono<Void> send(DfuRequest request) {
            return Mono.empty();
        }

        @Override
        public Flux<DfuInbound> inbound() {
            return closed.asMono().thenMany(Flux.empty());
        }

        @Override
        public Mono<Void> close() {
            return Mono.fromRunnable(closed::tryEmitEmpty);
        }
    }
}
