package dev.reactivedfu.station.web;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain HTTP client for the tests (reactor-netty's), and a server-sent events reader. */
final class Http {

    /** One whole response. */
    record Response(int status, HttpHeaders headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private Http() {
    }

    static Response get(String baseUrl, String path) {
        return request(HttpMethod.GET, baseUrl, path, null);
    }

    static Response request(HttpMethod method, String baseUrl, String path, String accept) {
        return HttpClient.create()
                .baseUrl(baseUrl)
                .headers(h -> {
                    if (accept != null) {
                        h.set("Accept", accept);
                    }
                })
                .request(method)
                .uri(path)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(b -> new Response(res.status().code(), res.responseHeaders(), b)))
                .block(Duration.ofSeconds(20));
    }

    /**
     * The data of each server-sent event of {@code GET /events}, in order; heartbeat comments and the retry field
     * are left out. Cold: each subscription is a new connection, closed when the subscription is cancelled.
     */
    static Flux<String> events(String baseUrl) {
        return HttpClient.create()
                .baseUrl(baseUrl)
                .get()
                .uri("/events")
                .responseContent()
                .asString()
                .concatMapIterable(new Frames()::feed);
    }

    /** Splits the text stream into events at blank lines; keeps the data lines. */
    private static final class Frames {
        private final StringBuilder pending = new StringBuilder();

        List<String> feed(String chunk) {
            pending.append(chunk);
            List<String> out = new ArrayList<>();
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                String frame = pending.substring(0, end);
                pending.delete(0, end + 2);
                StringBuilder data = new StringBuilder();
                for (String line : frame.split("\n")) {
                    if (line.startsWith("data: ")) {
                        data.append(data.length() == 0 ? "" : "\n").append(line.substring(6));
                    }
                }
                if (data.length() > 0) {
                    out.add(data.toString());
                }
            }
            return out;
        }
    }

    /** Waits, polling every 10 ms on Reactor's clock, until {@code condition} holds; fails after {@code timeout}. */
    static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        Boolean ok = Flux.interval(Duration.ZERO, Duration.ofMillis(10))
                .filter(i -> condition.getAsBoolean())
                .next()
                .map(i -> true)
                .timeout(timeout, Mono.just(false))
                .block();
        if (!Boolean.TRUE.equals(ok)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
    }
}
