package dev.reactivedfu.transfer;

import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.OpCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.function.Tuple2;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Streams the WRITEs of one object range as a {@code Flux} of MTU-sized chunks, requested only as PRN credits
 * allow (DESIGN.md, "One update, as data flowing").
 *
 * <p>Credit rule: with PRN {@code n > 0} the device notifies after every {@code n}-th write since the last CREATE or
 * SET PRN; write {@code i} (0-based) is sent only when {@code i - acknowledged < credit}, where {@code acknowledged}
 * counts the writes covered by verified notifications. So at most {@code credit} writes are ever unacknowledged
 * (never fewer than {@code n}, or the next notification could never come). A write is handed to the transport as
 * soon as its credit allows, without waiting for the previous one's send to complete (the light path per write:
 * the line never idles while the engine waits for a completion); at most {@code credit} sends are incomplete at once
 * (with PRN 0, {@code credit} writes), so a port holding its bytes back holds back demand as well.
 *
 * <p>Every notification is checked against the local image: its offset must be the end of the {@code k·n}-th write
 * and its CRC the image's CRC there; otherwise writes were lost ({@link CrcMismatchException}). The wait for a
 * notification (one watchdog per notification, none per write) starts when the writes it acknowledges have been
 * handed to the port and the bytes queued ahead of them can have left at the line's baud rate
 * ({@link Exchange#queuedAhead()}), and is bounded by the WRITE timeout ({@link DfuTimeoutException} for
 * {@link OpCode#WRITE}). A verified notification's round trip, from its write
 * leaving the port to the notification, is reported to the exchange's metrics.
 */
final class ObjectStreamer {

    /** Accounting callbacks of the caller; each may return an event to emit, or {@code null}. */
    interface Tracker {
        /** A write of {@code length} bytes at {@code offset} was handed to the port. */
        DfuEvent sent(long offset, int length);

        /** A notification at {@code offset} verified. */
        DfuEvent verified(long offset, long crc);
    }

    private ObjectStreamer() {
    }

    /**
     * Streams {@code image[from, end)}. Lazy. Completes when every write was sent and every notification the
     * device owes for them has verified (the caller then asks CRC GET for the end). Errors as the class comment says.
     *
     * @param prn    the device's PRN interval, its counter at zero when this starts
     * @param credit writes allowed unacknowledged at once (raised to {@code prn} if below)
     */
    static Flux<DfuEvent> stream(Exchange exchange, LocalImage image, long from, long end, int chunk, int prn,
                                 int credit, Duration timeout, Tracker tracker) {
        return Flux.defer(() -> {
            int writes = (int) ((end - from + chunk - 1) / chunk);
            if (writes <= 0) {
                return Flux.empty();
            }
            long[] ends = new long[writes];
            for (int i = 0; i < writes; i++) {
                ends[i] = Math.min(end, from + (long) (i + 1) * chunk);
            }
            if (prn == 0) {
                return handOver(exchange, image, ends, from, Flux.range(0, writes), Math.min(writes, credit), tracker,
                        null, null);
            }
            // when each write left the port, on the exchange's scheduler (-1: not yet; a synchronous transport may
            // answer before the send completes): written by the sending thread, read by the inbound one
            AtomicLongArray sentAt = new AtomicLongArray(writes);
            for (int i = 0; i < writes; i++) {
                sentAt.set(i, -1);
            }
            int notifications = writes / prn;
            int allowed = Math.max(credit, prn);
            Sinks.Many<Integer> acknowledged = Sinks.many().replay().latestOrDefault(0);
            Sinks.Many<Integer> sent = Sinks.many().replay().latestOrDefault(0);

            Flux<DfuEvent> acks = notifications == 0 ? Flux.empty() : exchange
                    .listen(ObjectStreamer::isNotificationFrame)
                    .take(notifications)
                    .index()
                    .timeout(sentAtLeast(sent, prn).then(watchdog(exchange, timeout)),
                            t -> sentAtLeast(sent, (int) (t.getT1() + 2) * prn).then(watchdog(exchange, timeout)))
                    .onErrorMap(TimeoutException.class, e -> new DfuTimeoutException(OpCode.WRITE, timeout))
                    .concatMap(t -> verify(t, image, ends, prn, acknowledged, tracker)
                            .doOnSuccess(x -> {
                                long at = sentAt.get((int) (t.getT1() + 1) * prn - 1);
                                if (at >= 0) {
                                    exchange.roundTripSince(at);
                                }
                            }));

            // the credit gate lets write i through in order once i - acknowledged < allowed
            Flux<Integer> allowedWrites = Flux.range(0, writes).concatMap(i -> acknowledged.asFlux()
                    .filter(acked -> i < acked + allowed)
                    .next()
                    .thenReturn(i), 0);
            Flux<DfuEvent> sends = handOver(exchange, image, ends, from, allowedWrites, allowed, tracker, sent, sentAt);

            // acks first: its listener must be installed before the first write can cause a notification
            return Flux.merge(acks, sends);
        });
    }

    /** The wait for a notification: the bytes still queued ahead at the baud rate, then {@code timeout}. */
    private static Mono<Long> watchdog(Exchange exchange, Duration timeout) {
        return Mono.defer(() -> Mono.delay(exchange.queuedAhead().plus(timeout), exchange.scheduler()));
    }

    private static Mono<Integer> sentAtLeast(Sinks.Many<Integer> sent, int count) {
        return sent.asFlux().filter(s -> s >= count).next();
    }

    /**
     * Hands the writes {@code indices} lets through to the transport in order, each as soon as it is let through and
     * without waiting for the previous one's send to complete (at most {@code inFlight} sends incomplete at once: a
     * port holding its bytes back holds the stream back there); the transport keeps them in that order
     * ({@link DfuConnection}). Completions are accounted in order, one at a time: the tracker, the count of writes
     * sent and when each left.
     */
    private static Flux<DfuEvent> handOver(Exchange exchange, LocalImage image, long[] ends, long from,
                                           Flux<Integer> indices, int inFlight, Tracker tracker,
                                           Sinks.Many<Integer> sent, AtomicLongArray sentAt) {
        return indices
                .flatMapSequential(i -> exchange.write(new DfuRequest.Write(image.slice(start(ends, from, i),
                        (int) (ends[i] - start(ends, from, i))))).thenReturn(i), Math.max(1, inFlight), 1)
                .handle((i, sink) -> {
                    // counted as soon as the port took the bytes, even if the stream is cancelled right then
                    if (sentAt != null) {
                        sentAt.set(i, exchange.scheduler().now(TimeUnit.NANOSECONDS));
                    }
                    long start = start(ends, from, i);
                    DfuEvent event = tracker.sent(start, (int) (ends[i] - start));
                    if (sent != null) {
                        sent.tryEmitNext(i + 1);
                    }
                    if (event != null) {
                        sink.next(event);
                    }
                });
    }

    private static long start(long[] ends, long from, int i) {
        return i == 0 ? from : ends[i - 1];
    }

    private static boolean isNotificationFrame(DfuInbound frame) {
        if (frame instanceof DfuInbound.Malformed) {
            return true;
        }
        if (frame instanceof DfuResponse.Error error) {
            return error.opCode() == OpCode.CRC_GET || error.opCode() == OpCode.WRITE;
        }
        return frame instanceof DfuResponse.Crc;
    }

    private static Mono<DfuEvent> verify(Tuple2<Long, DfuInbound> indexed, LocalImage image, long[] ends, int prn,
                                         Sinks.Many<Integer> acknowledged, Tracker tracker) {
        int covered = (int) (indexed.getT1() + 1) * prn;
        DfuInbound frame = indexed.getT2();
        if (frame instanceof DfuInbound.Malformed m) {
            return Mono.error(new ProtocolViolationException("a PRN notification (" + m.reason() + ")", m.frame()));
        }
        if (frame instanceof DfuResponse.Error error) {
            return Mono.error(new RemoteErrorException(error));
        }
        DfuResponse.Crc crc = (DfuResponse.Crc) frame;
        long expected = ends[covered - 1];
        if (crc.offset() != expected || !image.matches(crc.offset(), crc.crc())) {
            // lost or corrupted writes: the device counts and sums only what it received
            return Mono.error(new CrcMismatchException(expected, image.crcAt(expected), crc.offset(), crc.crc()));
        }
        acknowledged.tryEmitNext(covered);
        return Mono.justOrEmpty(tracker.verified(crc.offset(), crc.crc()));
    }
}
