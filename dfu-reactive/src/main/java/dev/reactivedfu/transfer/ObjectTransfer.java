package dev.reactivedfu.transfer;

import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Moves one object's bytes on one connection: CREATE, the WRITEs streamed with the credit window
 * ({@link ObjectStreamer}), the CRC check of the object's end, EXECUTE. The CRC request is skipped when the last
 * PRN notification already verified the end (PRN chosen by {@link LinkTuning} so that one lands on the object's last
 * write). Whether writes are being streamed is kept for the fault classifier (a CRC mismatch then is a PRN mismatch).
 */
final class ObjectTransfer {

    private final Exchange exchange;
    private final DfuOptions options;
    private final LinkTuning link;
    private final ByteAccounting bytes;
    private final ImageState state;
    private final WriteSizing sizing;
    private final int mtuChunk;
    private final int mtu;
    private boolean streaming;
    private long verifiedEnd = -1;

    /**
     * @param mtuChunk the most data bytes per WRITE the device's {@code mtu} (and the options) allow; the write size is
     *                 {@code sizing}'s choice within it
     */
    ObjectTransfer(Exchange exchange, DfuOptions options, LinkTuning link, ByteAccounting bytes, ImageState state,
                   WriteSizing sizing, int mtuChunk, int mtu) {
        this.exchange = exchange;
        this.options = options;
        this.link = link;
        this.bytes = bytes;
        this.state = state;
        this.sizing = sizing;
        this.mtuChunk = mtuChunk;
        this.mtu = mtu;
    }

    /** Data bytes per WRITE now. */
    private int chunk() {
        return sizing.chunk(mtuChunk, mtu);
    }

    /** Whether the last failure happened while writes were streamed; reading it clears it. */
    boolean takeStreaming() {
        boolean s = streaming;
        streaming = false;
        return s;
    }

    /**
     * Creates object {@code k} of {@code type} at {@code offset} with {@code size} bytes, the device's PRN interval
     * set first so that its counter is aligned with the engine's credits.
     */
    Mono<DfuEvent> create(ObjectType type, int k, long offset, long size) {
        return Mono.defer(() -> exchange.ensurePrn(link.prnFor(objectWrites(size)))
                .then(exchange.request(new DfuRequest.Create(type, size)))
                .thenReturn(new DfuEvent.ObjectCreated(state.kind, type, k, offset, size)));
    }

    /**
     * Sends {@code [from, end)} of an object, checks its end and executes it: emits the progress and verification
     * events, then {@link DfuEvent.ObjectExecuted}. With {@code resumed} (the rest of an object resumed in the
     * middle, where the device's PRN counter is unknown) SET PRN goes first: it restarts the counter.
     */
    Flux<DfuEvent> sendAndExecute(ObjectType type, int k, long from, long end, boolean resumed) {
        return Flux.concat(
                Flux.defer(() -> {
                    // never PRN 0 for a resume (BootloaderQuirks)
                    Mono<Void> prn = resumed ? exchange.setPrn(Math.max(1, link.prnFor(objectWrites(end - from))))
                            : Mono.empty();
                    return prn.thenMany(Flux.defer(() -> stream(type, from, end, exchange.devicePrn())));
                }),
                Mono.defer(() -> verifiedEnd == end ? Mono.empty() : checkCrc(type, end)),
                execute(type, k, end));
    }

    /** EXECUTE of object {@code k}; the caller handles "already executed" (0x08) where it may happen. */
    Mono<DfuEvent> execute(ObjectType type, int k, long end) {
        return exchange.request(new DfuRequest.Execute())
                .thenReturn(new DfuEvent.ObjectExecuted(state.kind, type, k, end));
    }

    /** Writes an object of {@code size} bytes takes. */
    int writes(long size) {
        return objectWrites(size);
    }

    private int objectWrites(long size) {
        int chunk = chunk();
        return (int) ((size + chunk - 1) / chunk);
    }

    private Flux<DfuEvent> stream(ObjectType type, long from, long end, int prn) {
        LocalImage image = state.bytes(type);
        ObjectStreamer.Tracker tracker = new ObjectStreamer.Tracker() {
            @Override
            public DfuEvent sent(long offset, int length) {
                return bytes.sent(state.kind, type, offset, length, state.firmware.size());
            }

            @Override
            public DfuEvent verified(long offset, long crc) {
                verifiedEnd = offset;
                return new DfuEvent.CrcVerified(state.kind, type, offset, crc);
            }
        };
        return Flux.defer(() -> {
            streaming = true;
            verifiedEnd = -1;
            return ObjectStreamer.stream(exchange, image, from, end, chunk(), Math.max(0, prn), link.credit(prn),
                    options.timeout(OpCode.WRITE), tracker);
        }).doOnComplete(() -> streaming = false);
    }

    private Mono<DfuEvent> checkCrc(ObjectType type, long end) {
        LocalImage image = state.bytes(type);
        return exchange.request(new DfuRequest.CrcGet()).cast(DfuResponse.Crc.class).flatMap(c -> {
            if (c.offset() != end || !image.matches(c.offset(), c.crc())) {
                return Mono.error(new CrcMismatchException(end, image.crcAt(end), c.offset(), c.crc()));
            }
            return Mono.just(new DfuEvent.CrcVerified(state.kind, type, c.offset(), c.crc()));
        });
    }
}
