package dev.reactivedfu.station.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP edges of the station's web server, over real loopback connections. */
class HttpEdgesTest {

    private static final String STATE_UPDATING =
            "{\"event\":\"socket_state\",\"socket\":\"s1\",\"port\":\"p1\",\"state\":\"updating\"}";
    private static final String BOARD_DONE =
            "{\"event\":\"board_done\",\"socket\":\"s1\",\"port\":\"p1\",\"result\":\"passed\"}";

    private final ScriptedFeed feed = new ScriptedFeed();
    private PrometheusMeterRegistry registry;
    private StationWebServer server;
    private String url;

    @BeforeEach
    void start() {
        registry = PrometheusMeters.create(new StationInfo("9.9.9", "ab12"));
        feed.snapshot.add("{\"event\":\"socket_state\",\"socket\":\"s1\",\"port\":\"p1\",\"state\":\"idle\"}");
        feed.snapshot.add("{\"event\":\"station_summary\",\"passed\":0,\"failed\":0,\"running\":0}");
        server = StationWebServer.start(WebAddress.loopback(0), feed, registry, Duration.ofMillis(200));
        url = server.url();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void an_unknown_path_answers_404_naming_the_routes() {
        Http.Response r = Http.get(url, "/admin?x=1");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).contains("not found: /admin").contains("/metrics").contains("/events");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"POST, /metrics", "PUT, /", "DELETE, /api/boards", "PATCH, /events", "POST, /healthz"})
    void a_method_that_would_change_something_answers_405_with_allow(String method, String path) {
        Http.Response r = Http.request(HttpMethod.valueOf(method), url, path, null);

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(r.body()).contains("read-only");
    }

    @Test
    void head_answers_like_get_without_a_body() {
        Http.Response r = Http.request(HttpMethod.HEAD, url, "/", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void head_of_the_event_stream_answers_its_headers_and_ends() {
        Http.Response r = Http.request(HttpMethod.HEAD, url, "/events", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void healthz_answers_ok() {
        Http.Response r = Http.get(url, "/healthz");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void the_page_and_its_assets_come_from_the_jar_and_name_no_other_host() {
        Http.Response page = Http.get(url, "/");
        Http.Response js = Http.get(url, "/station.js");
        Http.Response css = Http.get(url, "/station.css");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>DFU station</title>").contains("/station.js");
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(js.body()).contains("new EventSource(\"/events\")");
        assertThat(css.header("Content-Type")).startsWith("text/css");
        for (String body : List.of(page.body(), js.body(), css.body())) {
            assertThat(body).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
        }
    }

    @Test
    void metrics_answer_in_the_prometheus_text_format_by_default_and_openmetrics_when_asked() {
        Http.Response text = Http.get(url, "/metrics");
        Http.Response open = Http.request(HttpMethod.GET, url, "/metrics",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");

        assertThat(text.status()).isEqualTo(200);
        assertThat(text.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.body()).contains("dfu_station_info{package_hash=\"ab12\",version=\"9.9.9\"} 1");
        assertThat(open.header("Content-Type")).startsWith("application/openmetrics-text");
        assertThat(open.body()).contains("dfu_station_info{package_hash=\"ab12\",version=\"9.9.9\"} 1")
                .endsWith("# EOF\n");
    }

    @Test
    void boards_pass_since_to_the_station_and_refuse_a_malformed_one() {
        AtomicReference<Optional<Instant>> asked = new AtomicReference<>();
        feed.boards = since -> {
            asked.set(since);
            return Mono.just("[{\"socket\":\"s1\"}]");
        };

        Http.Response ok = Http.get(url, "/api/boards?since=2026-12-01T08:00:00Z");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Content-Type")).isEqualTo("application/json");
        assertThat(ok.body()).isEqualTo("[{\"socket\":\"s1\"}]");
        assertThat(asked.get()).contains(Instant.parse("2026-12-01T08:00:00Z"));

        Http.Response all = Http.get(url, "/api/boards");
        assertThat(all.status()).isEqualTo(200);
        assertThat(asked.get()).isEmpty();

        Http.Response bad = Http.get(url, "/api/boards?since=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("ISO-8601").contains("'yesterday'");
    }

    @Test
    void a_failing_station_answers_500_in_one_line_without_a_stack_trace() {
        feed.boards = since -> Mono.error(new IllegalStateException("database is locked at org.sqlite.Secret"));

        Http.Response r = Http.get(url, "/api/boards");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("internal error serving /api/boards; the station's log says more\n");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at ").doesNotContain("sqlite");
    }

    @Test
    void without_a_station_only_metrics_and_health_are_served() {
        try (StationWebServer metricsOnly = StationWebServer.start(WebAddress.loopback(0), StationFeed.none(),
                PrometheusMeters.create(StationInfo.noPackage()))) {
            String u = metricsOnly.url();
            assertThat(Http.get(u, "/metrics").status()).isEqualTo(200);
            assertThat(Http.get(u, "/healthz").status()).isEqualTo(200);
            for (String path : List.of("/", "/events", "/api/boards")) {
                Http.Response r = Http.get(u, path);
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.body()).contains("no station runs here");
            }
        }
    }

    @Test
    void the_event_stream_replays_the_snapshot_then_the_live_events_in_order() {
        List<String> got = Http.events(url)
                .doOnNext(e -> {
                    if (e.contains("station_summary")) { // the snapshot is in: now the live events
                        feed.emit(STATE_UPDATING);
                        feed.emit(BOARD_DONE);
                    }
                })
                .take(4)
                .collectList()
                .block(Duration.ofSeconds(20));

        assertThat(got).containsExactly(feed.snapshot.get(0), feed.snapshot.get(1), STATE_UPDATING, BOARD_DONE);
    }

    @Test
    void a_client_that_disconnects_mid_stream_is_let_go_and_the_others_keep_streaming() {
        List<String> first = Http.events(url).take(2).collectList().block(Duration.ofSeconds(20));
        assertThat(first).hasSize(2);

        // take(2) cancelled the subscription: the client closed its connection mid-stream
        Http.await("the server to notice the disconnect", Duration.ofSeconds(10),
                () -> server.eventStreams() == 0 && feed.subscribers.get() == 0);
        assertThat(Http.get(url, "/metrics").body()).contains("dfu_web_event_streams 0.0");

        List<String> next = Http.events(url).take(3)
                .doOnNext(e -> {
                    if (e.contains("station_summary")) {
                        feed.emit(STATE_UPDATING);
                    }
                })
                .collectList().block(Duration.ofSeconds(20));
        assertThat(next).last().isEqualTo(STATE_UPDATING);
    }

    @Test
    void the_event_stream_sends_heartbeats_while_the_station_is_quiet() {
        String raw = reactor.netty.http.client.HttpClient.create().baseUrl(url).get().uri("/events")
                .responseContent().asString()
                .scan("", String::concat)
                .filter(s -> s.contains(EventStream.HEARTBEAT))
                .blockFirst(Duration.ofSeconds(20));

        assertThat(raw).startsWith(EventStream.RETRY).contains("data: " + feed.snapshot.get(0) + "\n\n");
    }

    @Test
    void fifty_concurrent_event_stream_clients_each_get_every_event_in_order() {
        int clients = 50;
        int live = 20;
        List<String> expected = new java.util.ArrayList<>(feed.snapshot);
        IntStream.range(0, live).forEach(i -> expected.add(
                "{\"event\":\"socket_state\",\"socket\":\"s" + i + "\",\"state\":\"updating\",\"board\":\"b" + i + "\"}"));

        Mono<List<List<String>>> all = Flux.range(0, clients)
                .flatMap(i -> Http.events(url).take(expected.size()).collectList(), clients)
                .collectList();
        Mono<Void> play = Mono.fromRunnable(() -> {
            Http.await("50 connected clients", Duration.ofSeconds(30), () -> feed.subscribers.get() == clients);
            IntStream.range(0, live).forEach(i -> feed.emit(expected.get(2 + i)));
        }).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()).then();

        List<List<String>> got = Mono.zip(all, play.thenReturn(true)).map(t -> t.getT1())
                .block(Duration.ofSeconds(60));

        assertThat(got).hasSize(clients).allSatisfy(events -> assertThat(events).isEqualTo(expected));
        Http.await("every stream to be let go", Duration.ofSeconds(10), () -> server.eventStreams() == 0);
    }

    @Test
    void progress_is_coalesced_per_socket_and_never_shown_after_the_sockets_next_event() {
        String s2 = "{\"event\":\"progress\",\"socket\":\"s2\",\"port\":\"p2\",\"bytes\":7}";
        List<String> got = Http.events(url)
                .doOnNext(e -> {
                    if (e.contains("station_summary")) {
                        for (int i = 1; i <= 1000; i++) {
                            feed.emit("{\"event\":\"progress\",\"socket\":\"s1\",\"port\":\"p1\",\"bytes\":" + i + "}");
                        }
                        feed.emit(BOARD_DONE);
                        feed.emit(s2);
                    }
                })
                .skip(2)
                .takeUntil(e -> e.contains("progress") && e.contains("\"s2\""))
                .collectList()
                .block(Duration.ofSeconds(20));

        List<String> s1 = got.stream().filter(e -> e.contains("\"s1\"")).toList();
        // the 1000 writes' progress came down to a few, the last one right before the board's result
        assertThat(s1).hasSizeLessThan(10);
        assertThat(s1).endsWith("{\"event\":\"progress\",\"socket\":\"s1\",\"port\":\"p1\",\"bytes\":1000}",
                BOARD_DONE);
        // the other socket's progress still arrived, on the next tick, though nothing followed it
        assertThat(got).last().isEqualTo(s2);
    }

    @Test
    void closing_the_server_ends_open_event_streams_at_once() {
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        reactor.core.Disposable client = Http.events(url).subscribe(received::add);
        Http.await("the client to connect", Duration.ofSeconds(10), () -> received.size() == 2);

        long t0 = System.nanoTime();
        server.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(took).isLessThan(Duration.ofSeconds(5)); // not held until disposeNow's timeout by the stream
        Http.await("the feed to be let go", Duration.ofSeconds(10), () -> feed.subscribers.get() == 0);
        client.dispose();
        server = StationWebServer.start(WebAddress.loopback(0), feed, PrometheusMeters.create(StationInfo.noPackage()));
    }

    @Test
    void without_a_host_the_server_binds_to_loopback_only() throws IOException {
        WebAddress address = WebAddress.parse("0");
        assertThat(address.host()).isEqualTo("127.0.0.1");
        try (StationWebServer s = StationWebServer.start(address, feed, PrometheusMeters.create(StationInfo.noPackage()))) {
            assertThat(s.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(s.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            Optional<InetAddress> external = nonLoopbackAddress();
            if (external.isPresent()) { // the same port on this machine's network address is closed
                assertThatThrownBy(() -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(external.get(), s.address().getPort()), 2000);
                    }
                }).isInstanceOf(java.net.ConnectException.class);
            }
        }
    }

    @Test
    void a_port_in_use_is_a_typed_error_that_says_what_to_do() {
        WebAddress taken = WebAddress.loopback(server.address().getPort());

        assertThatThrownBy(() -> StationWebServer.start(taken, feed, PrometheusMeters.create(StationInfo.noPackage())))
                .isInstanceOf(WebServerException.class)
                .hasMessageContaining("could not listen on 127.0.0.1:" + taken.port())
                .hasMessageContaining("choose another");
    }

    @Test
    void addresses_parse_and_bad_ones_say_the_expected_form() {
        assertThat(WebAddress.parse("0.0.0.0:9464")).isEqualTo(new WebAddress("0.0.0.0", 9464));
        assertThat(WebAddress.parse(":9464")).isEqualTo(WebAddress.loopback(9464));
        assertThat(WebAddress.parse("[::1]:9464")).isEqualTo(new WebAddress("::1", 9464));
        assertThatThrownBy(() -> WebAddress.parse("localhost:http")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> WebAddress.parse("::1:9464")).hasMessageContaining("[ADDRESS]:PORT");
        assertThatThrownBy(() -> WebAddress.parse("127.0.0.1:70000")).hasMessageContaining("1-65535");
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
