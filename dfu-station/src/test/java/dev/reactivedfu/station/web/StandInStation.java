package dev.reactivedfu.station.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.metrics.MicrometerDfuMetrics;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.DfuOptions;
import dev.reactivedfu.transfer.UpdateSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * STAND-IN for {@code dev.reactivedfu.station.Station}, for the web tests only, written before the real station
 * existed: N simulated boards updated at once in process ({@link SimulatorTransport} + {@link DfuClient#update}),
 * one board per socket, in real time, producing the station/web contract's JSON events, its snapshot and its
 * per-board records, and recording the contract's meters on the registry it is given. It has none of the real
 * station's arrival and departure logic, nor a database. The tests that use it check the web server's side with
 * exact control over the boards; {@link RealStationOnTheWebTest} runs the real {@code Station} through the same
 * adapter, {@code StationFeed.of(station::jsonEvents, station::jsonSnapshot, station::boardsJson)}, as
 * {@link #feed()} does here.
 */
final class StandInStation implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One socket and the simulated board that arrives on it. */
    record Board(String socket, SimulatorConfig config) {
    }

    /** One finished attempt, as the station's records table would hold it. */
    record BoardRecord(String socket, String port, String board, String result, String error, String errorType,
                       String advice, Instant startedAt, Instant finishedAt, long durationMs, long bytesSent,
                       long bytesResent, int retries) {
    }

    private final MeterRegistry registry;
    private final MicrometerDfuMetrics metrics;
    private final DfuPackage pkg;
    private final List<Board> boards;
    private final Sinks.Many<String> events = Sinks.many().multicast().directBestEffort();
    private final Map<String, String> socketStates = new LinkedHashMap<>();
    private final List<BoardRecord> records = new ArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final List<Disposable> running = new ArrayList<>();
    private final List<SimulatedDevice> devices = new ArrayList<>();
    private CountDownLatch done;
    private String lastSummary;
    private Instant startedAt;
    private Disposable ticker;

    StandInStation(MeterRegistry registry, DfuPackage pkg, List<Board> boards) {
        this.registry = registry;
        this.metrics = new MicrometerDfuMetrics(registry);
        this.pkg = pkg;
        this.boards = List.copyOf(boards);
        Gauge.builder("dfu.station.active", active, AtomicInteger::get)
                .description("Updates in progress").register(registry);
        for (Board b : boards) {
            socketStates.put(b.socket(), socketState(b.socket(), port(b), "idle", null).toString());
        }
        lastSummary = stationSummary().toString();
    }

    /** The contract's three methods, as the lead's one-line adapter wires the real station. */
    StationFeed feed() {
        return StationFeed.of(this::jsonEvents, this::jsonSnapshot, this::boardsJson);
    }

    Flux<String> jsonEvents() {
        return events.asFlux();
    }

    synchronized List<String> jsonSnapshot() {
        List<String> s = new ArrayList<>(socketStates.values());
        s.add(lastSummary);
        return s;
    }

    Mono<String> boardsJson(Optional<Instant> since) {
        return Mono.fromCallable(() -> {
            ArrayNode a = JSON.createArrayNode();
            for (BoardRecord r : records()) {
                if (since.isPresent() && r.startedAt().isBefore(since.get())) {
                    continue;
                }
                a.add(JSON.createObjectNode().put("socket", r.socket()).put("port", r.port()).put("board", r.board())
                        .put("result", r.result()).put("error", r.error()).put("error_type", r.errorType())
                        .put("advice", r.advice()).put("started_at", r.startedAt().toString())
                        .put("finished_at", r.finishedAt().toString()).put("duration_ms", r.durationMs())
                        .put("bytes_sent", r.bytesSent()).put("bytes_resent", r.bytesResent())
                        .put("retries", r.retries()));
            }
            return a.toString();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    synchronized List<BoardRecord> records() {
        return List.copyOf(records);
    }

    /** Puts every board on its socket and starts all updates at once; returns at once. */
    synchronized void start() {
        if (done != null) {
            throw new IllegalStateException("started already");
        }
        startedAt = Instant.now();
        done = new CountDownLatch(boards.size());
        DfuClient client = DfuClient.create(metrics);
        ticker = Flux.interval(Duration.ofSeconds(1)).subscribe(i -> emitSummary());
        for (Board b : boards) {
            SimulatedDevice device = SimulatedDevice.create(b.config(), Schedulers.parallel());
            devices.add(device);
            SimulatorTransport transport = new SimulatorTransport(port(b), device);
            running.add(Mono.defer(() -> {
                        boardStarted(b);
                        return client.update(transport, pkg, DfuOptions.defaults())
                                .doOnNext(e -> onEngineEvent(b, e))
                                .then();
                    })
                    .onErrorResume(e -> Mono.empty())
                    .doFinally(s -> done.countDown())
                    .subscribeOn(Schedulers.parallel())
                    .subscribe());
        }
    }

    /** Waits until every board has its result. */
    boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Emits a station event to every subscriber (tests use it to play scripted events). */
    synchronized void emit(String json) {
        events.tryEmitNext(json);
    }

    @Override
    public synchronized void close() {
        running.forEach(Disposable::dispose);
        if (ticker != null) {
            ticker.dispose();
        }
        devices.forEach(SimulatedDevice::dispose);
    }

    private static String port(Board b) {
        return "sim:" + b.socket();
    }

    private static String boardId(Board b) {
        return "SIM-" + b.socket().toUpperCase(java.util.Locale.ROOT);
    }

    private synchronized void boardStarted(Board b) {
        active.incrementAndGet();
        setState(b, "updating", boardId(b));
    }

    private synchronized void onEngineEvent(Board b, DfuEvent e) {
        if (e instanceof DfuEvent.Progress p) {
            emit(base("progress", b).put("kind", p.kind().manifestKey()).put("bytes", p.bytes())
                    .put("total", p.total()).put("percent", Math.round(p.percent() * 10) / 10.0)
                    .put("bytes_per_second", Math.round(p.bytesPerSecond())).toString());
        } else if (e instanceof DfuEvent.UpdateDone u) {
            finished(b, "passed", u.summary(), null);
        } else if (e instanceof DfuEvent.Failed f) {
            finished(b, "failed", f.summary(), f.cause());
        }
    }

    private void finished(Board b, String result, UpdateSummary s, DfuException cause) {
        active.decrementAndGet();
        Counter.builder("dfu.station.boards").description("Boards finished, by socket and result")
                .tag("socket", b.socket()).tag("result", result).register(registry).increment();
        Instant end = Instant.now();
        records.add(new BoardRecord(b.socket(), port(b), boardId(b), result,
                cause == null ? null : cause.getMessage(), cause == null ? null : cause.getClass().getSimpleName(),
                cause == null ? null : cause.advice(), end.minus(s.duration()), end, s.durationMillis(),
                s.bytesSent(), s.bytesResent(), s.retries()));
        ObjectNode n = base("summary", b).put("result", "passed".equals(result) ? "ok" : "failed")
                .put("bytes_sent", s.bytesSent()).put("bytes_resent", s.bytesResent()).put("retries", s.retries())
                .put("duration_ms", s.durationMillis()).put("images", s.images());
        emit(n.toString());
        ObjectNode d = base("board_done", b).put("result", result);
        d.put("error", cause == null ? null : cause.getMessage().lines().findFirst().orElse(""));
        d.put("error_type", cause == null ? null : cause.getClass().getSimpleName());
        d.put("advice", cause == null ? null : cause.advice());
        d.put("duration_ms", s.durationMillis()).put("bytes_sent", s.bytesSent()).put("retries", s.retries());
        emit(d.toString());
        setState(b, result, boardId(b));
        emitSummary();
    }

    private synchronized void emitSummary() {
        lastSummary = stationSummary().toString();
        emit(lastSummary);
    }

    private ObjectNode stationSummary() {
        long passed = records.stream().filter(r -> r.result().equals("passed")).count();
        long failed = records.size() - passed;
        double hours = startedAt == null ? 0 : Duration.between(startedAt, Instant.now()).toMillis() / 3_600_000.0;
        double mean = records.stream().mapToLong(BoardRecord::durationMs).average().orElse(0) / 1000.0;
        return JSON.createObjectNode().put("event", "station_summary").put("passed", passed).put("failed", failed)
                .put("running", active.get()).put("boards_per_hour", hours > 0 ? records.size() / hours : 0.0)
                .put("mean_seconds_per_board", mean);
    }

    private void setState(Board b, String state, String board) {
        String s = socketState(b.socket(), port(b), state, board).toString();
        socketStates.put(b.socket(), s);
        emit(s);
    }

    private static ObjectNode socketState(String socket, String port, String state, String board) {
        return JSON.createObjectNode().put("event", "socket_state").put("socket", socket).put("port", port)
                .put("state", state).put("board", board).put("since", Instant.now().toString());
    }

    private static ObjectNode base(String event, Board b) {
        return JSON.createObjectNode().put("event", event).put("socket", b.socket()).put("port", port(b));
    }
}
