package dev.reactivedfu.transfer;

import reactor.core.publisher.Mono;

/**
 * Where an update's bytes go: a serial port, a Netty local channel to an in-process simulator, or a scripted
 * fake in tests. The core asks only for this contract and never sees a channel or a serial-port class.
 *
 * <p>A transport names one device endpoint (a port path) and opens {@link DfuConnection}s to it. The engine opens
 * a fresh connection at the start of an update, after the device resets (an image's final EXECUTE, an ABORT, a
 * fault) and whenever a connection fails.
 */
public interface DfuTransport {

    /** A name for logs, events and metrics tags: the port path, or the simulator's name. */
    String name();

    /**
     * Opens a connection: the port is opened and configured and stale input is discarded before this succeeds.
     * Lazy and cold: each subscription opens a new connection.
     *
     * <p>Succeeds with the open connection. Errors with {@link dev.reactivedfu.error.TransportClosedException}
     * when the port cannot be opened (missing, busy, vanished).
     */
    Mono<DfuConnection> open();
}
