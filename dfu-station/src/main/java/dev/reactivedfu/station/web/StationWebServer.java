package dev.reactivedfu.station.web;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The station on the network: a read-only HTTP server (reactor-netty, on the engine's Netty and Reactor) serving
 *
 * <table>
 *   <caption>routes (GET and HEAD only; anything else on them answers 405 with {@code Allow})</caption>
 *   <tr><td>{@code /}</td><td>the station page (HTML, CSS and JavaScript from the jar; no internet needed)</td></tr>
 *   <tr><td>{@code /events}</td><td>server-sent events: the snapshot, then every station event (see
 *       {@link EventStream})</td></tr>
 *   <tr><td>{@code /metrics}</td><td>the registry in the Prometheus text format, or OpenMetrics when the
 *       {@code Accept} header asks for {@code application/openmetrics-text}</td></tr>
 *   <tr><td>{@code /api/boards?since=ISO-8601}</td><td>the per-board records as a JSON array</td></tr>
 *   <tr><td>{@code /healthz}</td><td>200 {@code ok} while the server runs</td></tr>
 * </table>
 *
 * <p>Any other path answers 404. Nothing changes state; a failure inside a handler answers 500 with a one-line
 * message and is logged here, never with a stack trace to the client. Without a station
 * ({@link StationFeed#none()}) the page, {@code /events} and {@code /api/boards} answer 404 saying so.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = PrometheusMeters.create(StationInfo.of(packageBytes));
 * try (StationWebServer web = StationWebServer.start(WebAddress.parse("127.0.0.1:9464"), feed, registry)) {
 *     ... // run the station, recording on registry
 * }
 * }</pre>
 */
public final class StationWebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StationWebServer.class);

    /** How often an idle event stream sends a comment (so a vanished client is noticed). */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** Events one slow event-stream client may fall behind before its stream is ended (it reconnects). */
    static final int MAX_BACKLOG = 4096;
    /** How often an event-stream client gets the latest progress of each socket at most. */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(200);

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String ROUTES = "/, /events, /metrics, /api/boards, /healthz";
    private static final List<String> STATION_ONLY = List.of("/", "/index.html", "/station.css", "/station.js",
            "/events", "/api/boards");

    private final StationFeed feed;
    private final PrometheusMeterRegistry registry;
    private final StaticAssets assets;
    private final EventStream events;
    private final AtomicInteger streams = new AtomicInteger();
    private final Sinks.One<Boolean> closing = Sinks.one();
    private final DisposableServer server;

    private StationWebServer(WebAddress address, StationFeed feed, PrometheusMeterRegistry registry,
                             Duration heartbeat) {
        this.feed = feed;
        this.registry = registry;
        this.assets = StaticAssets.load();
        this.events = new EventStream(feed, MAX_BACKLOG, heartbeat, PROGRESS_INTERVAL, Schedulers.parallel(),
                closing.asMono());
        Gauge.builder("dfu.web.event.streams", streams, AtomicInteger::get)
                .description("Clients connected to the station's event stream")
                .register(registry);
        try {
            this.server = HttpServer.create()
                    .host(address.host())
                    .port(address.port())
                    .handle(this::handle)
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            throw new WebServerException("could not listen on " + address + ": " + rootMessage(e)
                    + " (is another station or program using that port? choose another with HOST:PORT, or port 0 "
                    + "for any free one)", e);
        }
        log.info("station web server listening on http://{}", address());
    }

    /**
     * Starts serving {@code feed} and {@code registry} on {@code address}.
     *
     * @throws WebServerException when the address cannot be bound (in use, not an address of this machine)
     */
    public static StationWebServer start(WebAddress address, StationFeed feed, PrometheusMeterRegistry registry) {
        return start(address, feed, registry, HEARTBEAT);
    }

    static StationWebServer start(WebAddress address, StationFeed feed, PrometheusMeterRegistry registry,
                                  Duration heartbeat) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(registry, "registry");
        return new StationWebServer(address, feed, registry, heartbeat);
    }

    /** The bound address (with the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.address();
    }

    /** {@code http://host:port} of the bound address. */
    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Clients currently connected to {@code /events}. */
    public int eventStreams() {
        return streams.get();
    }

    /** Ends every event stream, stops listening and closes every connection. */
    @Override
    public void close() {
        closing.tryEmitValue(true);
        server.disposeNow(Duration.ofSeconds(10));
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        HttpMethod method = req.method();
        res.header("X-Content-Type-Options", "nosniff");
        Optional<Route> route = Route.of(path);
        if (route.isEmpty()) {
            return text(res, HttpResponseStatus.NOT_FOUND, "not found: " + path + " (this station serves " + ROUTES
                    + ")\n");
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            res.header(HttpHeaderNames.ALLOW, "GET, HEAD");
            return text(res, HttpResponseStatus.METHOD_NOT_ALLOWED, method + " is not allowed on " + path
                    + ": this server is read-only (GET, HEAD)\n");
        }
        if (!feed.present() && STATION_ONLY.contains(path)) {
            return text(res, HttpResponseStatus.NOT_FOUND, "no station runs here: this process serves /metrics and "
                    + "/healthz only (the page and its events come with dfu station --http)\n");
        }
        return Mono.defer(() -> serve(route.get(), req, res, uri.parameters()))
                .onErrorResume(e -> {
                    log.error("{} {} failed", method, path, e);
                    return res.hasSentHeaders() ? Mono.empty()
                            : text(res, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "internal error serving " + path + "; the station's log says more\n");
                });
    }

    private Mono<Void> serve(Route route, HttpServerRequest req, HttpServerResponse res,
                             Map<String, List<String>> query) {
        switch (route) {
            case PAGE:
                return asset(res, "index.html");
            case CSS:
                return asset(res, "station.css");
            case JS:
                return asset(res, "station.js");
            case HEALTH:
                return text(res, HttpResponseStatus.OK, "ok\n");
            case METRICS:
                String accept = req.requestHeaders().get(HttpHeaderNames.ACCEPT, "");
                String type = accept.contains("application/openmetrics-text") ? OPENMETRICS : PROMETHEUS_TEXT;
                return Mono.fromCallable(() -> registry.scrape(type))
                        .flatMap(body -> send(res, HttpResponseStatus.OK, type, body));
            case BOARDS:
                Optional<Instant> since;
                try {
                    since = since(query);
                } catch (IllegalArgumentException e) {
                    return text(res, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
                }
                res.header(HttpHeaderNames.CACHE_CONTROL, "no-store");
                return feed.boards(since).flatMap(json -> send(res, HttpResponseStatus.OK, JSON, json));
            case EVENTS:
                res.status(HttpResponseStatus.OK)
                        .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                        .header(HttpHeaderNames.CACHE_CONTROL, "no-store");
                if (req.method().equals(HttpMethod.HEAD)) { // the headers only: the stream never ends
                    return res.send().then();
                }
                return res.sendString(events.frames()
                                .doOnSubscribe(s -> streams.incrementAndGet())
                                .doFinally(s -> streams.decrementAndGet()), StandardCharsets.UTF_8)
                        .then();
            default:
                throw new IllegalStateException("unrouted " + route);
        }
    }

    private static Optional<Instant> since(Map<String, List<String>> query) {
        List<String> values = query.get("since");
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("give since once, not " + values.size() + " times");
        }
        try {
            return Optional.of(Instant.parse(values.get(0)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("since must be an ISO-8601 UTC instant such as 2026-12-01T08:00:00Z, "
                    + "not '" + values.get(0) + "'");
        }
    }

    private Mono<Void> asset(HttpServerResponse res, String name) {
        StaticAssets.Asset a = assets.get(name);
        res.header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return res.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, a.contentType())
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(a.bytes().length))
                .sendByteArray(Mono.just(a.bytes()))
                .then();
    }

    private static Mono<Void> text(HttpServerResponse res, HttpResponseStatus status, String body) {
        return send(res, status, TEXT, body);
    }

    private static Mono<Void> send(HttpServerResponse res, HttpResponseStatus status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, type)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
                .sendByteArray(Mono.just(bytes))
                .then();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** The paths served. */
    private enum Route {
        PAGE, CSS, JS, EVENTS, METRICS, BOARDS, HEALTH;

        static Optional<Route> of(String path) {
            switch (path) {
                case "/":
                case "/index.html":
                    return Optional.of(PAGE);
                case "/station.css":
                    return Optional.of(CSS);
                case "/station.js":
                    return Optional.of(JS);
                case "/events":
                    return Optional.of(EVENTS);
                case "/metrics":
                    return Optional.of(METRICS);
                case "/api/boards":
                    return Optional.of(BOARDS);
                case "/healthz":
                    return Optional.of(HEALTH);
                default:
                    return Optional.empty();
            }
        }
    }
}
