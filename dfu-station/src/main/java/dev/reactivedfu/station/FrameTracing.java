package dev.reactivedfu.station;

import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuTransport;
import dev.reactivedfu.transfer.LinkFacts;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A {@link DfuTransport} decorator that writes every frame both ways, decoded, with timestamps: the host's side of
 * what {@code dfu simulate --trace} writes on the device's side, for {@code dfu station --trace DIR} (one file per
 * socket) and {@code dfu flash --trace FILE}. One line per frame:
 *
 * <pre>
 * 2026-12-01T21:50:01.123456Z   0.004512 OUT 09 01                     Ping[id=1]
 * 2026-12-01T21:50:01.125012Z   0.006068 IN  60 09 01 01               Ping[id=1]
 * 2026-12-01T21:50:01.125100Z   0.006156 #   connection closed
 * </pre>
 * (wall-clock time, seconds since the connection opened, direction as seen from the host, the message bytes before
 * SLIP framing in hex, the decoded message). Lines are flushed as written, so a trace is complete up to a crash.
 */
public final class FrameTracing implements DfuTransport {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    private final DfuTransport delegate;
    private final PrintWriter out;
    private final Clock clock;

    /** Traces {@code delegate}'s connections to {@code out} (the caller closes {@code out}). */
    public FrameTracing(DfuTransport delegate, PrintWriter out, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** Opens a traced connection. Lazy and cold; as the delegate's {@link DfuTransport#open()}. */
    @Override
    public Mono<DfuConnection> open() {
        return Mono.defer(() -> {
            long origin = System.nanoTime();
            line(origin, "#  ", "", "opening " + delegate.name());
            return delegate.open()
                    .doOnError(e -> line(origin, "#  ", "", "open failed: " + e.getMessage()))
                    .map(c -> (DfuConnection) new Traced(c, origin));
        });
    }

    private synchronized void line(long origin, String direction, String hex, String decoded) {
        Instant now = clock.instant();
        out.printf("%s %10.6f %-3s %-74s %s%n", now, (System.nanoTime() - origin) / 1e9, direction, hex, decoded);
        out.flush();
    }

    private static String hex(byte[] message) {
        return HEX.formatHex(message, 0, Math.min(message.length, 24)) + (message.length > 24 ? " …" : "");
    }

    private final class Traced implements DfuConnection {
        private final DfuConnection c;
        private final long origin;

        Traced(DfuConnection c, long origin) {
            this.c = c;
            this.origin = origin;
            line(origin, "#  ", "", "connection open");
        }

        @Override
        public Mono<Void> send(DfuRequest request) {
            return Mono.defer(() -> {
                line(origin, "OUT", hex(DfuCodec.encodeRequest(request)), describe(request));
                return c.send(request);
            });
        }

        @Override
        public LinkFacts link() {
            return c.link();
        }

        @Override
        public Flux<DfuInbound> inbound() {
            return c.inbound()
                    .doOnNext(in -> {
                        if (in instanceof DfuInbound.Malformed m) {
                            line(origin, "IN ", hex(m.frame()), "malformed: " + m.reason());
                        } else {
                            DfuResponse r = (DfuResponse) in;
                            String bytes;
                            try {
                                bytes = hex(DfuCodec.encodeResponse(r));
                            } catch (RuntimeException e) {
                                bytes = "?";
                            }
                            line(origin, "IN ", bytes, r.toString());
                        }
                    })
                    .doOnError(e -> line(origin, "#  ", "", "connection lost: " + e.getMessage()));
        }

        @Override
        public Mono<Void> pulseReset() {
            return Mono.defer(() -> {
                line(origin, "#  ", "", "pulsing reset");
                return c.pulseReset();
            });
        }

        @Override
        public Mono<Void> close() {
            return c.close().doOnTerminate(() -> line(origin, "#  ", "", "connection closed"));
        }
    }

    private static String describe(DfuRequest request) {
        if (request instanceof DfuRequest.Write w) {
            return "Write[" + w.data().length + " bytes]";
        }
        return request.toString();
    }
}
