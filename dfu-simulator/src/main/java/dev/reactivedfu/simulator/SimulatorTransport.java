package dev.reactivedfu.simulator;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.Slip;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuTransport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An in-process {@link DfuTransport} to a {@link SimulatedDevice}, through real bytes: each request goes
 * {@link DfuCodec#encodeRequest} → {@link Slip#encode} → the device's Nordic SLIP input (hazards included), and each
 * response frame comes back through a {@link Slip.Decoder} and {@link DfuCodec#decodeInbound}.
 *
 * <pre>{@code
 * VirtualTimeScheduler vts = VirtualTimeScheduler.create();
 * SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.defaults(), vts);
 * DfuTransport transport = new SimulatorTransport("sim0", device);
 * // ... run the engine against transport (with vts as its scheduler), then:
 * assertThat(device.application()).contains(firmware);
 * }</pre>
 *
 * <p>Like a serial port, the transport opens one connection at a time: opening a new one takes the line over and
 * the previous connection fails with {@link TransportClosedException}. A device reset keeps the connection open on the
 * UART profile (the line stays, nothing is answered while the board reboots) and closes it with
 * {@link TransportClosedException} on the USB CDC profile (the port vanishes). Sends complete when the bytes have
 * left the host: at once without timing, after their wire time with {@link SimulatorConfig#baud()} (counted as if
 * the line were never held: while flow control holds it, later sends wait in the line's queue, as in an OS buffer).
 * Each send's time on the device's clock is its send time in the device's model time.
 */
public final class SimulatorTransport implements DfuTransport {

    private final String name;
    private final SimulatedDevice device;
    private final boolean resetWired;
    private SimulatorConnection current;

    /** A transport named {@code name} to {@code device}; {@link DfuConnection#pulseReset()} is not wired. */
    public SimulatorTransport(String name, SimulatedDevice device) {
        this(name, device, false);
    }

    /**
     * A transport named {@code name} to {@code device}.
     *
     * @param resetWired whether {@link DfuConnection#pulseReset()} resets the board into DFU mode (as a board whose
     *                   DTR/RTS lines drive reset and the DFU pin)
     */
    public SimulatorTransport(String name, SimulatedDevice device, boolean resetWired) {
        this.name = Objects.requireNonNull(name, "name");
        this.device = Objects.requireNonNull(device, "device");
        this.resetWired = resetWired;
    }

    /** A fresh device with {@code config}, timed on {@code scheduler}, behind a transport named "simulator". */
    public static SimulatorTransport create(SimulatorConfig config, Scheduler scheduler) {
        return new SimulatorTransport("simulator", SimulatedDevice.create(config, scheduler));
    }

    /** The simulated device behind this transport. */
    public SimulatedDevice device() {
        return device;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Opens a connection. Lazy and cold: each subscription opens a new one, taking the line over from the previous.
     * Succeeds with the open connection; never errors.
     */
    @Override
    public Mono<DfuConnection> open() {
        return Mono.fromCallable(() -> {
            SimulatorConnection previous;
            SimulatorConnection next;
            synchronized (this) {
                previous = current;
                next = new SimulatorConnection();
                current = next;
            }
            if (previous != null) {
                previous.lose("the line was taken over by a new connection");
            }
            next.attach();
            return next;
        });
    }

    /**
     * One connection to the simulated device. Besides the {@link DfuConnection} contract it can write raw bytes
     * ({@link #sendRaw(byte[])}) so that tests can play a killed host's partial frame or an empty frame.
     */
    public final class SimulatorConnection implements DfuConnection {

        private final Sinks.Many<DfuInbound> inbound = Sinks.many().unicast().onBackpressureBuffer();
        private final Slip.Decoder decoder = new Slip.Decoder(4096);
        private final Consumer<byte[]> fromDevice = this::onBytes;
        private final Runnable onReset = this::onDeviceReset;
        private boolean closed;

        private SimulatorConnection() {
        }

        private void attach() {
            device.onReset(onReset);
            device.attachHost(fromDevice);
        }

        /**
         * Sends one request. Lazy. Succeeds when its frame has left the host; errors with
         * {@link TransportClosedException} when the connection is closed or lost.
         */
        @Override
        public Mono<Void> send(DfuRequest request) {
            return Mono.defer(() -> write(Slip.encode(DfuCodec.encodeRequest(request))));
        }

        /**
         * Writes raw bytes to the line, exactly as given (no framing): a partial frame, a lone END, garbage. Lazy.
         * Succeeds when they have left the host; errors with {@link TransportClosedException} when closed.
         */
        public Mono<Void> sendRaw(byte[] bytes) {
            byte[] copy = bytes.clone();
            return Mono.defer(() -> write(copy));
        }

        private Mono<Void> write(byte[] bytes) {
            synchronized (this) {
                if (closed) {
                    return Mono.error(new TransportClosedException(name, "connection closed", null));
                }
            }
            Duration onWire = device.hostWrite(bytes);
            return onWire.isZero() ? Mono.empty() : device.after(onWire);
        }

        /** Every frame received since the connection opened, decoded; hot, single subscriber. */
        @Override
        public Flux<DfuInbound> inbound() {
            return inbound.asFlux();
        }

        /**
         * Resets the board into DFU mode when the transport was made with reset wiring; otherwise errors with
         * {@link UnsupportedOperationException}. Lazy.
         */
        @Override
        public Mono<Void> pulseReset() {
            if (!resetWired) {
                return DfuConnection.super.pulseReset();
            }
            return Mono.fromRunnable(device::enterDfu);
        }

        /** Closes the connection. Lazy; idempotent. {@link #inbound()} completes. */
        @Override
        public Mono<Void> close() {
            return Mono.fromRunnable(() -> {
                if (markClosed()) {
                    detach();
                    synchronized (this) {
                        inbound.tryEmitComplete();
                    }
                }
            });
        }

        /** Bytes the simulator dropped from this connection's frames because they did not decode as SLIP. */
        public synchronized long droppedFrames() {
            return decoder.droppedFrames();
        }

        private void onBytes(byte[] bytes) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                decoder.feed(bytes, 0, bytes.length, frame -> inbound.tryEmitNext(DfuCodec.decodeInbound(frame)));
            }
        }

        private void onDeviceReset() {
            if (device.config().profile() == SimulatorConfig.Profile.USB_CDC) {
                lose("the USB port vanished: the device reset");
            }
        }

        private void lose(String why) {
            if (markClosed()) {
                detach();
                synchronized (this) {
                    inbound.tryEmitError(new TransportClosedException(name, why, null));
                }
            }
        }

        private synchronized boolean markClosed() {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        }

        private void detach() {
            device.detachHost(fromDevice);
            device.removeResetListener(onReset);
            synchronized (SimulatorTransport.this) {
                if (current == this) {
                    current = null;
                }
            }
        }
    }
}
