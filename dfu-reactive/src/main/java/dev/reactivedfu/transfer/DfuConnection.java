package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One open connection to a device: requests out as SLIP frames, decoded frames in.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@link #send(DfuRequest)} frames one request (escaped, one END, never an empty frame and never a leading
 *       END: Nordic's decoder re-executes the previous request on an empty frame) and succeeds when the bytes have
 *       been handed to the port. Frames go out in the order their sends were subscribed, also when a send is
 *       subscribed before the previous one succeeded (the engine hands the next WRITEs over while earlier ones are
 *       still being written, up to its credit window); a port that holds its bytes back completes its sends late,
 *       which the engine takes for the device holding the line, never for silence.</li>
 *   <li>{@link #inbound()} is a hot stream with a single subscriber: every frame received from the moment the
 *       connection opened, decoded, in order; malformed frames arrive as {@link DfuInbound.Malformed}. It completes
 *       when the connection is closed by {@link #close()} and errors with
 *       {@link dev.reactivedfu.error.TransportClosedException} when the port goes away.</li>
 *   <li>After the connection is closed or lost, {@code send} fails at once with
 *       {@link dev.reactivedfu.error.TransportClosedException}.</li>
 * </ul>
 */
public interface DfuConnection {

    /**
     * Sends one request. Lazy: nothing is written until subscribed.
     *
     * <p>Succeeds (empty) when the frame is written to the port. Errors with
     * {@link dev.reactivedfu.error.TransportClosedException} when the connection is closed or the write fails.
     */
    Mono<Void> send(DfuRequest request);

    /**
     * What the port knows about its line (baud rate, RTS/CTS, output buffer); {@link LinkFacts#UNKNOWN} by default.
     * The engine derives its window's ceiling and its timeouts' start from it.
     */
    default LinkFacts link() {
        return LinkFacts.UNKNOWN;
    }

    /** The received frames, decoded; see the class comment. */
    Flux<DfuInbound> inbound();

    /**
     * Pulses the board's reset through the port's control lines (DTR/RTS), for boards wired so that this enters the
     * bootloader. Lazy. Succeeds when the sequence was played; errors with {@link UnsupportedOperationException}
     * when this transport has no reset wiring configured (the default).
     */
    default Mono<Void> pulseReset() {
        return Mono.error(new UnsupportedOperationException("no reset wiring configured for this port"));
    }

    /**
     * Closes the connection. Lazy; idempotent. Succeeds when the port is released; {@link #inbound()} then
     * completes.
     */
    Mono<Void> close();
}
