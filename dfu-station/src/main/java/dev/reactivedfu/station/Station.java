package dev.reactivedfu.station;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.metrics.MicrometerDfuMetrics;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.BoardRecord;
import dev.reactivedfu.station.records.RecordFormats;
import dev.reactivedfu.station.records.RecordQuery;
import dev.reactivedfu.station.records.RecordStore;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.DfuTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A programming station: many sockets at once, each updating every board that arrives in it with one
 * {@link DfuClient#update} per board, a record per attempt, and one stream of events for the views (DESIGN.md, "The
 * station").
 *
 * <p>{@link #run()} starts the sockets. All sockets share the station's scheduler (timeouts, polls) and the engine's
 * client; a serial port's I/O runs on the one shared Netty event loop group of its transport. One board's fault never
 * reaches another socket: each attempt ends in its own row as passed, failed (with its typed error and advice) or
 * interrupted. Before the sockets start, rows a dead station left {@code running} are marked {@code interrupted} and
 * the next attempt on each of those sockets records that it resumes them.
 *
 * <p>Views: {@link #events()} (typed), {@link #jsonEvents()} and {@link #jsonSnapshot()} (the JSON objects of
 * {@code dfu station --json}, see {@link StationJson}), {@link #boardsJson(Optional)} (the records). Meters, on the
 * registry given: the engine's ({@link MicrometerDfuMetrics}), {@code dfu.station.active} (updates in progress) and
 * {@code dfu.station.boards} (tagged {@code socket} and {@code result}).
 */
public final class Station {

    private static final int UNLIMITED_SLOTS = 1 << 16;

    private final String name;
    private final DfuPackage pkg;
    private final String packageFile;
    private final String packageSha256;
    private final DfuOptions options;
    private final DfuClient client;
    private final List<StationSocket> sockets;
    private final Flux<StationSocket> discovery;
    private final boolean once;
    private final RecordStore store;
    private final Optional<MeterRegistry> registry;
    private final Scheduler scheduler;
    private final BoardProbe probe;
    private final Duration pollInterval;
    private final UpdateSlots slots;
    private final Function<StationSocket, DfuTransport> updateTransport;
    private final List<Function<Station, Flux<?>>> companions;

    /** Every event at once, for the simulated floor's operator, who must see each progress to pull a board. */
    private final Sinks.Many<StationEvent> sink = Sinks.many().multicast().directBestEffort();
    private final java.util.concurrent.CopyOnWriteArrayList<EventLane> lanes =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int eventBacklog;
    private final Object emitLock = new Object();
    private final Map<String, StationEvent.SocketStateChanged> states = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong finishedMillis = new AtomicLong();
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final Sinks.Many<Integer> pendingChanges = Sinks.many().replay().latest();
    private final Map<String, SocketLoop> loops = new LinkedHashMap<>();
    private volatile StationEvent.Summary lastSummary = new StationEvent.Summary(0, 0, 0, 0, 0);
    private volatile Instant startedAt;

    private Station(Builder b) {
        this.name = b.name;
        this.pkg = Objects.requireNonNull(b.pkg, "package");
        this.packageFile = Objects.requireNonNull(b.packageFile, "packageFile");
        this.packageSha256 = Objects.requireNonNull(b.packageSha256, "packageSha256");
        this.options = b.options;
        this.sockets = new java.util.concurrent.CopyOnWriteArrayList<>(b.sockets);
        this.discovery = b.discovery;
        this.once = b.once;
        this.store = Objects.requireNonNull(b.store, "records");
        this.registry = Optional.ofNullable(b.registry);
        this.scheduler = b.scheduler;
        this.probe = new BoardProbe(3, b.probeTimeout, b.scheduler);
        this.pollInterval = b.pollInterval;
        this.slots = new UpdateSlots(b.parallel != 0 ? b.parallel
                : b.discovery != null ? UNLIMITED_SLOTS : Math.max(1, sockets.size()));
        this.updateTransport = b.updateTransport;
        this.companions = List.copyOf(b.companions);
        this.eventBacklog = b.eventBacklog;
        this.client = registry.map(r -> DfuClient.create(new MicrometerDfuMetrics(r))).orElseGet(DfuClient::create);
        if (sockets.isEmpty() && discovery == null) {
            throw new IllegalArgumentException("a station needs at least one socket: give --port, --simulate or "
                    + "sockets in the configuration file");
        }
        List<String> names = new ArrayList<>();
        for (StationSocket s : sockets) {
            if (names.contains(s.name())) {
                throw new IllegalArgumentException("two sockets are named '" + s.name() + "': give each its own name");
            }
            names.add(s.name());
        }
        registry.ifPresent(r -> r.gauge("dfu.station.active", active));
        pendingChanges.tryEmitNext(0);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the station. Lazy and cold; run it once. First marks the rows a dead station left running as interrupted
     * (JDBC on {@link Schedulers#boundedElastic()}), then runs every socket.
     *
     * <p>With {@code once}: every socket probes once, updates the board present now, and the station succeeds with
     * what happened to each board (empty sockets are left out). In watch mode it never completes: cancel it to stop,
     * which stops every update between frames and completes their rows as interrupted
     * (see {@link #recordsWritten()}). Errors only when the records cannot be written
     * ({@link dev.reactivedfu.station.records.RecordStoreException}).
     */
    public Mono<StationOutcome> run() {
        return Mono.defer(() -> {
            startedAt = now();
            return blocking(() -> store.markInterrupted(name, now()));
        }).flatMap(interrupted -> {
            Map<String, BoardRecord> bySocket = new LinkedHashMap<>();
            for (BoardRecord r : interrupted) {
                bySocket.put(r.socket(), r);
            }
            synchronized (loops) {
                loops.clear();
                for (StationSocket s : sockets) {
                    loops.put(s.name(), new SocketLoop(this, s, Optional.ofNullable(bySocket.get(s.name()))));
                }
            }
            Mono<Optional<StationOutcome>> main = Flux.fromIterable(List.copyOf(loops.values()))
                    .flatMap(loop -> loop.run(once), loops.size())
                    .filter(Optional::isPresent)
                    .map(Optional::get)
                    .collectList()
                    .map(done -> {
                        emitSummary();
                        return Optional.of(new StationOutcome(done, interrupted));
                    });
            Flux<Optional<StationOutcome>> ticker = Flux.interval(Duration.ofSeconds(1), scheduler)
                    .doOnNext(t -> emitSummary())
                    .thenMany(Flux.empty());
            // sockets whose ports appear while the station watches (a glob, a USB id): each runs like the others
            Flux<Optional<StationOutcome>> found = once || discovery == null ? Flux.empty() : discovery
                    .concatMap(s -> Mono.justOrEmpty(adopt(s)))
                    .flatMap(loop -> loop.run(false), Integer.MAX_VALUE)
                    .thenMany(Flux.empty());
            Flux<Optional<StationOutcome>> helpers = Flux.fromIterable(companions)
                    .flatMap(c -> c.apply(this))
                    .thenMany(Flux.empty());
            return Flux.merge(main, ticker, helpers, found).next().map(Optional::get);
        });
    }

    /**
     * Every station event, hot: from subscription on, never completing while the station runs. Each subscriber has
     * its own bounded backlog ({@link Builder#eventBacklog}, see {@link EventLane}): while it keeps up it gets every
     * event in order; while it is behind, progress and summaries are coalesced to the latest per socket, every other
     * event waits, and a subscriber that falls a whole backlog behind fails with an overflow error
     * ({@link reactor.core.Exceptions#isOverflow}) instead of losing a result. A slow subscriber never holds the
     * station back; one that does slow work in {@code onNext} should take the events on its own thread
     * ({@code publishOn}).
     */
    public Flux<StationEvent> events() {
        return new Flux<StationEvent>() {
            @Override
            public void subscribe(reactor.core.CoreSubscriber<? super StationEvent> actual) {
                EventLane[] self = new EventLane[1];
                self[0] = new EventLane(actual, eventBacklog, () -> lanes.remove(self[0]));
                lanes.add(self[0]);
                actual.onSubscribe(self[0]);
            }
        };
    }

    /** Every event as it happens, without a backlog: for the simulated floor's operator only. */
    Flux<StationEvent> allEvents() {
        return sink.asFlux();
    }

    /** The subscribers' lanes now (for tests). */
    List<EventLane> lanes() {
        return List.copyOf(lanes);
    }

    /** {@link #events()} as the JSON objects of {@code dfu station --json}, one string each. */
    public Flux<String> jsonEvents() {
        return events().map(StationJson::toJson).filter(Optional::isPresent).map(Optional::get);
    }

    /** The current state as JSON event strings: one {@code socket_state} per socket, then the last summary. */
    public List<String> jsonSnapshot() {
        List<String> out = new ArrayList<>();
        for (StationSocket s : sockets) {
            StationEvent.SocketStateChanged st = states.get(s.name());
            if (st == null) {
                st = new StationEvent.SocketStateChanged(s.name(), s.port(), SocketState.IDLE, Optional.empty(),
                        startedAt == null ? now() : startedAt);
            }
            StationJson.toJson(st).ifPresent(out::add);
        }
        StationJson.toJson(lastSummary).ifPresent(out::add);
        return out;
    }

    /**
     * The records of attempts started at or after {@code since} (all without it) as a JSON array, the rows and field
     * names of {@code dfu station report --format json}. Lazy; the query runs on {@link Schedulers#boundedElastic()}.
     */
    public Mono<String> boardsJson(Optional<Instant> since) {
        return Mono.fromCallable(() -> RecordFormats.json(store.find(
                        since.map(RecordQuery::since).orElse(RecordQuery.all()))))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** The updates in progress now, for "what was in progress" when the station is stopped. */
    public List<InProgress> inProgress() {
        List<InProgress> out = new ArrayList<>();
        synchronized (loops) {
            for (SocketLoop loop : loops.values()) {
                loop.current().ifPresent(a -> out.add(new InProgress(a.socket().name(), a.socket().port(),
                        a.record().board(), a.bytes(), a.total())));
            }
        }
        return out;
    }

    /** Completes once every record write started by a stop (interrupted rows) has finished. */
    public Mono<Void> recordsWritten() {
        return pendingChanges.asFlux().filter(n -> n == 0).next().then();
    }

    /** The last summary. */
    public StationEvent.Summary summary() {
        return lastSummary;
    }

    /** The sockets (those found while the station watches included). */
    public List<StationSocket> sockets() {
        return List.copyOf(sockets);
    }

    /** A loop for a socket found while watching, or empty when a socket of that name runs already. */
    private Optional<SocketLoop> adopt(StationSocket socket) {
        synchronized (loops) {
            if (loops.containsKey(socket.name())) {
                return Optional.empty();
            }
            SocketLoop loop = new SocketLoop(this, socket, Optional.empty());
            loops.put(socket.name(), loop);
            sockets.add(socket);
            return Optional.of(loop);
        }
    }

    /** The station's name (recorded in every row). */
    public String name() {
        return name;
    }

    /**
     * An update that was in progress.
     *
     * @param bytes firmware bytes of the current image sent so far
     * @param total the current image's firmware size (0 before the first progress)
     */
    public record InProgress(String socket, String port, Optional<String> board, long bytes, long total) {
    }

    /**
     * What a {@code once} run did.
     *
     * @param boards      one end per board that was present
     * @param recovered   rows a dead station had left running, now marked interrupted
     */
    public record StationOutcome(List<StationEvent.BoardDone> boards, List<BoardRecord> recovered) {
        public StationOutcome {
            boards = List.copyOf(boards);
            recovered = List.copyOf(recovered);
        }

        /** Whether every board passed (and there was at least one). */
        public boolean allPassed() {
            return !boards.isEmpty() && boards.stream().allMatch(b -> b.result() == AttemptResult.PASSED);
        }
    }

    // ---------------------------------------------------------------- for SocketLoop

    DfuClient client() {
        return client;
    }

    DfuPackage pkg() {
        return pkg;
    }

    DfuOptions options() {
        return options;
    }

    String packageFile() {
        return packageFile;
    }

    String packageSha256() {
        return packageSha256;
    }

    RecordStore store() {
        return store;
    }

    BoardProbe probe() {
        return probe;
    }

    Duration pollInterval() {
        return pollInterval;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    UpdateSlots slots() {
        return slots;
    }

    DfuTransport transportFor(StationSocket socket) {
        return updateTransport.apply(socket);
    }

    Instant now() {
        return Instant.ofEpochMilli(scheduler.now(TimeUnit.MILLISECONDS));
    }

    /** Runs blocking JDBC work off the event threads. */
    <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    Mono<Void> blocking(Runnable work) {
        return Mono.fromRunnable(work).subscribeOn(Schedulers.boundedElastic()).then();
    }

    /** A write {@link #recordsWritten()} waits for. */
    Mono<Void> trackedWrite(Runnable work) {
        return Mono.defer(() -> {
            pendingChanges.tryEmitNext(pendingWrites.incrementAndGet());
            return blocking(work).doFinally(s -> pendingChanges.tryEmitNext(pendingWrites.decrementAndGet()));
        });
    }

    void updateStarted() {
        active.incrementAndGet();
    }

    void updateEnded() {
        active.decrementAndGet();
    }

    void socketState(StationEvent.SocketStateChanged state) {
        states.put(state.socket(), state);
        emit(state);
    }

    void boardDone(StationEvent.BoardDone done) {
        switch (done.result()) {
            case PASSED -> passed.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
            case RUNNING, INTERRUPTED -> { }
        }
        if (done.result() == AttemptResult.PASSED || done.result() == AttemptResult.FAILED) {
            finishedMillis.addAndGet(done.duration().toMillis());
            registry.ifPresent(r -> Counter.builder("dfu.station.boards").tag("socket", done.socket())
                    .tag("result", done.result().tag()).description("boards updated, by socket and result")
                    .register(r).increment());
        }
        emit(done);
        emitSummary();
    }

    void emitSummary() {
        int p = passed.get();
        int f = failed.get();
        Instant start = startedAt == null ? now() : startedAt;
        double hours = Math.max(1, now().toEpochMilli() - start.toEpochMilli()) / 3_600_000.0;
        double mean = p + f == 0 ? 0 : finishedMillis.get() / 1000.0 / (p + f);
        StationEvent.Summary s = new StationEvent.Summary(p, f, active.get(), (p + f) / hours, mean);
        lastSummary = s;
        emit(s);
    }

    void emit(StationEvent event) {
        synchronized (emitLock) {
            sink.tryEmitNext(event);
            for (EventLane lane : lanes) {
                lane.offer(event);
            }
        }
    }

    /** Builds a {@link Station}. */
    public static final class Builder {
        private String name = "station";
        private DfuPackage pkg;
        private String packageFile;
        private String packageSha256;
        private DfuOptions options = DfuOptions.defaults();
        private final List<StationSocket> sockets = new ArrayList<>();
        private int parallel;
        private boolean once;
        private RecordStore store;
        private MeterRegistry registry;
        private Scheduler scheduler = Schedulers.parallel();
        private Duration pollInterval = Duration.ofMillis(250);
        private Duration probeTimeout = Duration.ofMillis(250);
        private int eventBacklog = 4096;
        private Flux<StationSocket> discovery;
        private Function<StationSocket, DfuTransport> updateTransport = StationSocket::transport;
        private final List<Function<Station, Flux<?>>> companions = new ArrayList<>();

        private Builder() {
        }

        /** The station's name, recorded in every row (default "station"). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The package every board gets.
         *
         * @param file   its file name, for the records
         * @param sha256 SHA-256 of the file, lower-case hex, for the records
         */
        public Builder pkg(DfuPackage pkg, String file, String sha256) {
            this.pkg = Objects.requireNonNull(pkg, "pkg");
            this.packageFile = Objects.requireNonNull(file, "file");
            this.packageSha256 = Objects.requireNonNull(sha256, "sha256");
            return this;
        }

        /** The engine's options for every update. */
        public Builder options(DfuOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Adds a socket. */
        public Builder socket(StationSocket socket) {
            sockets.add(Objects.requireNonNull(socket, "socket"));
            return this;
        }

        /** Adds sockets. */
        public Builder sockets(List<StationSocket> sockets) {
            sockets.forEach(this::socket);
            return this;
        }

        /**
         * Sockets found while the station watches (ports that appear later for a glob or a USB vendor:product): each
         * socket emitted whose name is new runs like the configured ones, one whose name runs already is ignored. Not
         * used with {@code once}. Without {@link #parallel}, updates at once are then unlimited.
         */
        public Builder discover(Flux<StationSocket> sockets) {
            this.discovery = Objects.requireNonNull(sockets, "sockets");
            return this;
        }

        /** Most updates at once; 0 (the default) for one per socket. */
        public Builder parallel(int parallel) {
            if (parallel < 0) {
                throw new IllegalArgumentException("parallel must not be negative, was " + parallel);
            }
            this.parallel = parallel;
            return this;
        }

        /** Update the boards present now and stop (default: watch until stopped). */
        public Builder once(boolean once) {
            this.once = once;
            return this;
        }

        /** Where the records go. */
        public Builder records(RecordStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Where meters go (default: none). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** The scheduler for polls, probes and the summary ticker (default {@link Schedulers#parallel()}). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** How often an idle socket pings for a board, and a finished one for its leaving (default 250 ms). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * How many events may wait for one subscriber of {@link #events()} that is behind (default 4096; progress and
         * summaries are coalesced, so this counts states, engine steps and results).
         */
        public Builder eventBacklog(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("the event backlog must be at least 1, was " + events);
            }
            this.eventBacklog = events;
            return this;
        }

        /** How long a probe's ping waits for its echo (default 250 ms). */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The transport each update of a socket runs on (default: the socket's own), for example one that traces its
         * frames ({@link FrameTracing}); probes for arrival and departure use the socket's own.
         */
        public Builder updateTransport(Function<StationSocket, DfuTransport> transport) {
            this.updateTransport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Runs {@code companion} alongside the station for as long as it runs (for example the operator of a
         * simulated station, who swaps boards as they finish).
         */
        public Builder companion(Function<Station, Flux<?>> companion) {
            companions.add(Objects.requireNonNull(companion, "companion"));
            return this;
        }

        /** The station. */
        public Station build() {
            return new Station(this);
        }
    }
}
