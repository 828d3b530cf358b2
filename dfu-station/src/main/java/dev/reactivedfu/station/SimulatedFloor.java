package dev.reactivedfu.station;

import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.transfer.DfuEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A simulated station floor for dry runs, demos and tests ({@code dfu station --simulate N}): N
 * {@link SimulatedSocket}s, a supply of simulated boards for each, and an operator who puts a board in each socket,
 * takes it out some time after the station finished with it and puts the next one in. Boards come from a
 * {@link Boards} function, so each can have its own simulator timing and faults, and one can be pulled out mid-update
 * ({@link BoardSpec#pullAtOffset()}), as a vanishing port.
 *
 * <p>Run the operator with {@link #operate(Station)} (for example as a {@link Station.Builder#companion}).
 */
public final class SimulatedFloor {

    /**
     * One simulated board.
     *
     * @param config       the simulator's configuration (timing, faults, key, hardware)
     * @param pullAtOffset take the board out of its socket once the update's progress reaches this many bytes
     */
    public record BoardSpec(SimulatorConfig config, OptionalLong pullAtOffset) {
        public BoardSpec {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(pullAtOffset, "pullAtOffset");
        }

        /** A board with {@code config} that stays in its socket. */
        public static BoardSpec of(SimulatorConfig config) {
            return new BoardSpec(config, OptionalLong.empty());
        }
    }

    /** The supply of boards. */
    @FunctionalInterface
    public interface Boards {
        /** The {@code number}-th board (1-based) put in socket {@code socket} (0-based). */
        BoardSpec board(int socket, int number);
    }

    /**
     * A board that was put in a socket.
     *
     * @param socket the socket's name
     * @param number its number within the socket, from 1
     */
    public record PlacedBoard(String socket, int number, BoardSpec spec, SimulatedDevice device) {
    }

    private final List<SimulatedSocket> sockets = new ArrayList<>();
    private final List<StationSocket> stationSockets = new ArrayList<>();
    private final Boards boards;
    private final int boardsPerSocket;
    private final Duration swapDelay;
    private final Duration arrivalStagger;
    private final Scheduler scheduler;
    private final boolean keepBoards;
    private final Predicate<SimulatedDevice> verifier;
    private final Map<String, Integer> placed = new ConcurrentHashMap<>();
    private final Map<String, PlacedBoard> current = new ConcurrentHashMap<>();
    private final List<PlacedBoard> history = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger verified = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger unverified = new java.util.concurrent.atomic.AtomicInteger();

    private SimulatedFloor(Builder b) {
        this.boards = b.boards;
        this.boardsPerSocket = b.boardsPerSocket;
        this.swapDelay = b.swapDelay;
        this.arrivalStagger = b.arrivalStagger;
        this.scheduler = b.scheduler;
        this.keepBoards = b.keepBoards;
        this.verifier = b.verifier;
        for (int i = 0; i < b.sockets; i++) {
            String name = String.format("sim%0" + String.valueOf(b.sockets).length() + "d", i + 1);
            SimulatorConfig.Profile profile = b.boards.board(i, 1).config().profile();
            SimulatedSocket s = new SimulatedSocket(name, profile);
            sockets.add(s);
            stationSockets.add(new StationSocket(name, "simulated:" + name, Optional.empty(), s));
            if (b.presentAtStart) {
                insertNext(i);
            }
        }
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The sockets, for {@link Station.Builder#sockets(List)}. */
    public List<StationSocket> sockets() {
        return List.copyOf(stationSockets);
    }

    /** Every board put in a socket so far, in order (only when the floor keeps boards). */
    public List<PlacedBoard> history() {
        return List.copyOf(history);
    }

    /** Boards taken out that held the image, as the verifier judged. */
    public int verified() {
        return verified.get();
    }

    /** Boards taken out that did not hold the image. */
    public int unverified() {
        return unverified.get();
    }

    /** The board in a socket now. */
    public Optional<PlacedBoard> current(String socket) {
        return Optional.ofNullable(current.get(socket));
    }

    /**
     * The operator at work on {@code station}: puts the first boards in (staggered, unless they were present at the
     * start), pulls a board whose spec says so once its progress gets there, and after each attempt takes the board
     * out and puts the next in. Lazy; never completes; cancel it to stop.
     */
    public Flux<Void> operate(Station station) {
        Flux<Void> arrivals = Flux.range(0, sockets.size())
                .filter(i -> !placed.containsKey(sockets.get(i).name()))
                .flatMap(i -> Mono.delay(arrivalStagger.multipliedBy(i), scheduler).doOnNext(t -> insertNext(i)))
                .thenMany(Flux.empty());
        Flux<Void> reactions = station.allEvents().flatMap(e -> {
            if (e instanceof StationEvent.Engine en && en.event() instanceof DfuEvent.Progress p) {
                PlacedBoard b = current.get(en.socket());
                if (b != null && b.spec().pullAtOffset().isPresent() && p.bytes() >= b.spec().pullAtOffset().getAsLong()) {
                    takeOut(indexOf(en.socket()), b);
                }
                return Mono.empty();
            }
            if (e instanceof StationEvent.BoardDone d && d.result() != AttemptResult.INTERRUPTED) {
                int i = indexOf(d.socket());
                return Mono.delay(swapDelay, scheduler).doOnNext(t -> {
                    PlacedBoard b = current.get(d.socket());
                    if (b != null) {
                        takeOut(i, b);
                    }
                }).then(Mono.delay(swapDelay, scheduler)).doOnNext(t -> insertNext(i)).then();
            }
            return Mono.empty();
        });
        return Flux.merge(arrivals, reactions);
    }

    /** Disposes every simulated board still held. */
    public void dispose() {
        current.values().forEach(b -> b.device().dispose());
        history.forEach(b -> b.device().dispose());
    }

    private int indexOf(String socket) {
        for (int i = 0; i < sockets.size(); i++) {
            if (sockets.get(i).name().equals(socket)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no simulated socket " + socket);
    }

    private synchronized void insertNext(int i) {
        SimulatedSocket s = sockets.get(i);
        int number = placed.getOrDefault(s.name(), 0) + 1;
        if (boardsPerSocket > 0 && number > boardsPerSocket) {
            return;
        }
        placed.put(s.name(), number);
        BoardSpec spec = boards.board(i, number);
        SimulatedDevice device = SimulatedDevice.create(spec.config(), scheduler);
        PlacedBoard b = new PlacedBoard(s.name(), number, spec, device);
        current.put(s.name(), b);
        if (keepBoards) {
            history.add(b);
        }
        s.insert(device);
    }

    private synchronized void takeOut(int i, PlacedBoard b) {
        if (!current.remove(b.socket(), b)) {
            return;
        }
        sockets.get(i).remove();
        if (verifier.test(b.device())) {
            verified.incrementAndGet();
        } else {
            unverified.incrementAndGet();
        }
        if (!keepBoards) {
            b.device().dispose();
        }
    }

    /** Builds a {@link SimulatedFloor}. */
    public static final class Builder {
        private int sockets = 1;
        private Boards boards = (s, n) -> BoardSpec.of(SimulatorConfig.defaults());
        private int boardsPerSocket;
        private Duration swapDelay = Duration.ofMillis(500);
        private Duration arrivalStagger = Duration.ofMillis(100);
        private Scheduler scheduler = Schedulers.parallel();
        private boolean presentAtStart;
        private boolean keepBoards = true;
        private Predicate<SimulatedDevice> verifier = d -> d.application().isPresent();

        private Builder() {
        }

        /** How many sockets, at least 1. */
        public Builder sockets(int sockets) {
            if (sockets < 1) {
                throw new IllegalArgumentException("--simulate needs at least 1 board, was " + sockets);
            }
            this.sockets = sockets;
            return this;
        }

        /** The supply of boards (default: the simulator's defaults). */
        public Builder boards(Boards boards) {
            this.boards = Objects.requireNonNull(boards, "boards");
            return this;
        }

        /** Boards per socket; 0 (the default) for an endless supply. */
        public Builder boardsPerSocket(int n) {
            this.boardsPerSocket = n;
            return this;
        }

        /** How long after an attempt the operator takes the board out, and again until the next is in. */
        public Builder swapDelay(Duration delay) {
            this.swapDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** Between the first boards of successive sockets (ignored when present at start). */
        public Builder arrivalStagger(Duration stagger) {
            this.arrivalStagger = Objects.requireNonNull(stagger, "stagger");
            return this;
        }

        /** The boards' time (default {@link Schedulers#parallel()}: the station's). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Whether every socket holds its first board already when the station starts ({@code --once}). */
        public Builder presentAtStart(boolean present) {
            this.presentAtStart = present;
            return this;
        }

        /** Whether to keep every board for inspection ({@link #history()}); otherwise boards taken out are disposed. */
        public Builder keepBoards(boolean keep) {
            this.keepBoards = keep;
            return this;
        }

        /** Judges a board taken out: does it hold the image? (default: it has a valid application) */
        public Builder verifier(Predicate<SimulatedDevice> verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** The floor. */
        public SimulatedFloor build() {
            return new SimulatedFloor(this);
        }
    }
}
