package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ImageCrc;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.transfer.DfuConnection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal DFU master for tests: one image, from scratch, every step checked (no resume logic). Not the project's
 * engine; it exists so that the simulator can be tested before and independently of the engine.
 */
final class ScriptedHost {

    private final DfuConnection connection;
    private final ArrayDeque<DfuInbound> queue = new ArrayDeque<>();
    private MonoSink<DfuInbound> waiting;
    private Throwable failure;

    ScriptedHost(DfuConnection connection) {
        this.connection = connection;
        connection.inbound().subscribe(this::offer, this::fail);
    }

    private void offer(DfuInbound inbound) {
        MonoSink<DfuInbound> w;
        synchronized (this) {
            if (waiting == null) {
                queue.add(inbound);
                return;
            }
            w = waiting;
            waiting = null;
        }
        w.success(inbound);
    }

    private void fail(Throwable t) {
        MonoSink<DfuInbound> w;
        synchronized (this) {
            failure = t;
            w = waiting;
            waiting = null;
        }
        if (w != null) {
            w.error(t);
        }
    }

    /** The next frame received. */
    Mono<DfuInbound> next() {
        return Mono.create(sink -> {
            DfuInbound ready;
            synchronized (this) {
                ready = queue.poll();
                if (ready == null) {
                    if (failure != null) {
                        sink.error(failure);
                        return;
                    }
                    waiting = sink;
                    return;
                }
            }
            sink.success(ready);
        });
    }

    /** Frames received and not yet taken. */
    synchronized List<DfuInbound> pending() {
        return new ArrayList<>(queue);
    }

    /** Sends a request and returns its answer, failing on an error answer. */
    Mono<DfuResponse> request(DfuRequest request) {
        return connection.send(request).then(next()).map(in -> {
            if (!(in instanceof DfuResponse r) || r.opCode() != request.opCode()
                    || r instanceof DfuResponse.Error) {
                throw new AssertionError("expected a good answer to " + request + ", got " + in);
            }
            return r;
        });
    }

    /** Sends a request and returns whatever comes back. */
    Mono<DfuInbound> exchange(DfuRequest request) {
        return connection.send(request).then(next());
    }

    /**
     * Sends one image: PRN, MTU, the init packet as the command object, the firmware in data objects, executing
     * each. Completes with the final EXECUTE's answer (success or an error).
     */
    Mono<DfuInbound> update(byte[] dat, byte[] bin, int prn) {
        return request(new DfuRequest.Ping(0x5A))
                .then(request(new DfuRequest.SetPrn(prn)))
                .then(request(new DfuRequest.MtuGet()))
                .flatMap(mtu -> {
                    int chunk = Mtu.maxWritePayload(((DfuResponse.Mtu) mtu).mtu());
                    return request(new DfuRequest.Select(ObjectType.COMMAND))
                            .then(object(ObjectType.COMMAND, dat, 0, dat.length, chunk, prn))
                            .then(request(new DfuRequest.Execute()))
                            .then(request(new DfuRequest.Select(ObjectType.DATA)))
                            .flatMap(sel -> {
                                int max = (int) ((DfuResponse.Select) sel).maxSize();
                                int objects = (bin.length + max - 1) / max;
                                return Flux.range(0, objects)
                                        .concatMap(i -> {
                                            int start = i * max;
                                            int len = Math.min(max, bin.length - start);
                                            Mono<DfuInbound> exec = exchange(new DfuRequest.Execute());
                                            return object(ObjectType.DATA, bin, start, len, chunk, prn)
                                                    .then(i == objects - 1 ? exec : exec.map(this::ok));
                                        })
                                        .last();
                            });
                });
    }

    private DfuInbound ok(DfuInbound in) {
        if (!(in instanceof DfuResponse.Ack)) {
            throw new AssertionError("expected success, got " + in);
        }
        return in;
    }

    /** CREATE, WRITEs (checking PRN notifications), CRC check. */
    Mono<Void> object(ObjectType type, byte[] image, int start, int length, int chunk, int prn) {
        List<byte[]> chunks = new ArrayList<>();
        for (int o = start; o < start + length; o += chunk) {
            chunks.add(Arrays.copyOfRange(image, o, Math.min(o + chunk, start + length)));
        }
        long[] offset = {start};
        return request(new DfuRequest.Create(type, length))
                .thenMany(Flux.range(0, chunks.size()).concatMap(i -> {
                    byte[] c = chunks.get(i);
                    offset[0] += c.length;
                    long expectOffset = offset[0];
                    Mono<Void> send = connection.send(new DfuRequest.Write(c));
                    if (prn > 0 && (i + 1) % prn == 0) {
                        return send.then(next()).doOnNext(in -> checkCrc(in, image, expectOffset)).then();
                    }
                    return send;
                }))
                .then(request(new DfuRequest.CrcGet()))
                .doOnNext(in -> checkCrc(in, image, start + length))
                .then();
    }

    private static void checkCrc(DfuInbound in, byte[] image, long offset) {
        if (!(in instanceof DfuResponse.Crc crc) || crc.offset() != offset
                || crc.crc() != ImageCrc.upTo(image, offset)) {
            throw new AssertionError("expected CRC at " + offset + ", got " + in);
        }
    }

    static boolean isSuccess(DfuInbound in, OpCode op) {
        return in instanceof DfuResponse.Ack a && a.opCode() == op;
    }
}
