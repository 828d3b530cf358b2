package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * A scripted stand-in for a secure serial bootloader, for the engine's unit tests: request in, answers out, with the
 * state rules of DESIGN.md ("Device behaviour a master must live with") that the engine depends on, and hooks that
 * drop, garble, delay or reset. Not the simulator: no SLIP, no timing model, no signature check.
 *
 * <p>Single-threaded by construction: the engine sends from the test thread, delayed answers run on a
 * {@link reactor.test.scheduler.VirtualTimeScheduler} advanced from the test thread.
 */
final class FakeDevice {

    /** What to do with one request. */
    enum Action {
        /** Process and answer. */
        NORMAL,
        /** The request never arrives. */
        DROP_REQUEST,
        /** Processed, but the answer is lost. */
        DROP_ANSWER,
        /** Processed, but the answer arrives garbled. */
        GARBLE_ANSWER,
        /** The device resets before the request arrives (the connection drops when {@link #resetClosesPort}). */
        RESET,
        /** The decoder gets stuck: nothing is answered until a reset (pulse or inactivity timer). */
        STICK,
        /** The request arrives garbled into one with an invalid parameter: answered 0x03, not processed. */
        INVALID_PARAMETER,
        /** A WRITE arrives with one data byte flipped: stored and summed as it arrived. */
        CORRUPT
    }

    /** How long the host's send of the {@code n}-th (1-based) request with this opcode is held back. */
    interface HoldHook {
        Duration on(DfuRequest request, int n);
    }

    private final Map<OpCode, Integer> sendCounts = new EnumMap<>(OpCode.class);

    /** Decides the action for the {@code n}-th (1-based) request with this opcode. */
    interface Hook {
        Action on(DfuRequest request, int n);
    }

    private final Scheduler scheduler;
    int mtu = 131;
    long maxCommand = 512;
    long maxData = 4096;
    boolean supportsInfo = true;
    /** Whether a SoftDevice is installed (reported by FIRMWARE VERSION image 1). */
    boolean softDevice = true;
    boolean supportsPulseReset;
    boolean progressInFlash;
    boolean resetClosesPort = true;
    Duration answerDelay = Duration.ZERO;
    Duration inactivityTimeout = Duration.ofSeconds(120);
    Hook hook = (r, n) -> Action.NORMAL;
    /** How long the device holds the line (RTS/CTS) before it takes the {@code n}-th request with this opcode. */
    HoldHook hold = (r, n) -> Duration.ZERO;
    /** Frames that arrive right after the port opens (a late answer from an earlier connection, line noise). */
    List<DfuInbound> strayOnOpen = List.of();

    // --- observation
    final List<DfuRequest> received = new ArrayList<>();
    /** Virtual time (ms) each request of {@link #received} arrived at. */
    final List<Long> receivedAt = new ArrayList<>();
    final List<byte[]> activated = new ArrayList<>();
    int opens;
    int resets;
    int pulses;
    int maxUnacknowledgedWrites;
    /** The most writes unacknowledged at once in each data object created, in order. */
    final List<Integer> unacknowledgedPerObject = new ArrayList<>();
    final Map<OpCode, Integer> counts = new EnumMap<>(OpCode.class);

    // --- device state
    private ObjectType currentType = ObjectType.COMMAND;
    private final ByteArrayOutputStream command = new ByteArrayOutputStream();
    private long commandSize;
    private boolean initValid;
    private long imageSize;
    private byte[] flash = new byte[0];
    private long dataOffset;
    private long dataCrc;
    private long executedOffset;
    private long executedCrc;
    private long objectEnd;
    private long savedOffset;
    private long savedCrc;
    private int prn;
    private int prnCount;
    private boolean stuck;
    private long stuckSince;
    // credit accounting: writes since the object's CREATE, and the count covered by a delivered notification
    private int writesSinceCreate;
    private int writesNotified;
    private FakeConnection connection;

    FakeDevice(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The transport to this device. */
    DfuTransport transport() {
        return new DfuTransport() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Mono<DfuConnection> open() {
                return Mono.fromSupplier(() -> {
                    opens++;
                    if (connection != null) {
                        connection.drop(null);
                    }
                    connection = new FakeConnection();
                    strayOnOpen.forEach(connection::emit);
                    return connection;
                });
            }
        };
    }

    /** The data bytes the device holds from offset 0 up to its current data offset. */
    byte[] dataProgress() {
        return Arrays.copyOf(flash, (int) dataOffset);
    }

    long dataOffset() {
        return dataOffset;
    }

    /** Progress restored from a stale flash copy: the device now reports this data offset and CRC. */
    void restoreStaleProgress(long offset, long crc) {
        dataOffset = offset;
        dataCrc = crc;
        executedOffset = offset;
        executedCrc = crc;
    }

    /** The requests received so far with this opcode. */
    List<DfuRequest> received(OpCode op) {
        return received.stream().filter(r -> r.opCode() == op).toList();
    }

    /** Resets the device now (as a power cycle). */
    void reset() {
        resets++;
        stuck = false;
        prn = 0;
        prnCount = 0;
        if (progressInFlash) {
            dataOffset = savedOffset;
            dataCrc = savedCrc;
            executedOffset = savedOffset;
            executedCrc = savedCrc;
        } else {
            dataOffset = 0;
            dataCrc = 0;
            executedOffset = 0;
            executedCrc = 0;
        }
        if (resetClosesPort && connection != null) {
            connection.drop(new TransportClosedException("fake", "device reset", null));
            connection = null;
        }
    }

    private void handle(DfuRequest request) {
        received.add(request);
        receivedAt.add(scheduler.now(TimeUnit.MILLISECONDS));
        int n = counts.merge(request.opCode(), 1, Integer::sum);
        if (stuck && scheduler.now(TimeUnit.MILLISECONDS) - stuckSince >= inactivityTimeout.toMillis()) {
            reset();
        }
        if (stuck) {
            return;
        }
        Action action = hook.on(request, n);
        switch (action) {
            case DROP_REQUEST -> {
                return;
            }
            case RESET -> {
                FakeConnection c = connection;
                reset();
                if (resetClosesPort || c == null) {
                    return;
                }
                // UART: the port stays, the request is lost in the reset
                return;
            }
            case STICK -> {
                stuck = true;
                stuckSince = scheduler.now(TimeUnit.MILLISECONDS);
                return;
            }
            case INVALID_PARAMETER -> {
                deliver(new DfuResponse.Error(request.opCode(), ResultCode.INVALID_PARAMETER), -1, false);
                return;
            }
            case CORRUPT -> {
                if (request instanceof DfuRequest.Write w) {
                    byte[] data = w.data();
                    data[data.length / 2] ^= 0x5A;
                    request = new DfuRequest.Write(data);
                }
            }
            case NORMAL, DROP_ANSWER, GARBLE_ANSWER -> {
            }
        }
        DfuResponse answer = process(request);
        if (answer == null || action == Action.DROP_ANSWER) {
            if (answer instanceof DfuResponse.Crc && request instanceof DfuRequest.Write) {
                // a lost notification still counts as sent by the device
                writesNotified = writesSinceCreate;
            }
            return;
        }
        DfuInbound frame = action == Action.GARBLE_ANSWER
                ? new DfuInbound.Malformed(new byte[]{0x60, (byte) request.opCode().code()}, "truncated")
                : answer;
        // after the final EXECUTE the device answers, then resets
        boolean resetAfter = activatedJustNow;
        activatedJustNow = false;
        deliver(frame, request instanceof DfuRequest.Write ? writesSinceCreate : -1, resetAfter);
    }

    private boolean activatedJustNow;

    private void deliver(DfuInbound frame, int writesCovered, boolean resetAfter) {
        FakeConnection c = connection;
        if (c == null) {
            return;
        }
        Runnable emit = () -> {
            if (writesCovered >= 0) {
                writesNotified = Math.max(writesNotified, writesCovered);
            }
            c.emit(frame);
            if (resetAfter) {
                reset();
            }
        };
        if (answerDelay.isZero()) {
            emit.run();
        } else {
            scheduler.schedule(emit, answerDelay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private DfuResponse process(DfuRequest request) {
        OpCode op = request.opCode();
        if (request instanceof DfuRequest.Ping p) {
            return new DfuResponse.Ping(p.id());
        }
        if (request instanceof DfuRequest.ProtocolVersion) {
            return supportsInfo ? new DfuResponse.ProtocolVersion(1) : notSupported(op);
        }
        if (request instanceof DfuRequest.HardwareVersion) {
            return supportsInfo ? new DfuResponse.HardwareVersion(0x52840, 0x41414430, 0x100000, 0x40000, 4096)
                    : notSupported(op);
        }
        if (request instanceof DfuRequest.FirmwareVersion f) {
            if (!supportsInfo) {
                return notSupported(op);
            }
            return switch (f.image()) {
                case 0 -> new DfuResponse.FirmwareVersion(2, 1, 0xF8000, 0x6000);
                case 1 -> softDevice ? new DfuResponse.FirmwareVersion(0, 7_002_000, 0x1000, 0x26000)
                        : new DfuResponse.FirmwareVersion(DfuResponse.FirmwareVersion.TYPE_NONE, 0, 0, 0);
                default -> new DfuResponse.FirmwareVersion(DfuResponse.FirmwareVersion.TYPE_NONE, 0, 0, 0);
            };
        }
        if (request instanceof DfuRequest.SetPrn p) {
            prn = p.interval();
            prnCount = 0;
            writesSinceCreate = 0;
            writesNotified = 0;
            return new DfuResponse.Ack(op);
        }
        if (request instanceof DfuRequest.MtuGet) {
            return new DfuResponse.Mtu(mtu);
        }
        if (request instanceof DfuRequest.Select s) {
            currentType = s.type();
            return s.type() == ObjectType.COMMAND
                    ? new DfuResponse.Select(maxCommand, command.size(), crc(command.toByteArray(), command.size()))
                    : new DfuResponse.Select(maxData, dataOffset, dataCrc);
        }
        if (request instanceof DfuRequest.Create c) {
            return create(c);
        }
        if (request instanceof DfuRequest.Write w) {
            return write(w);
        }
        if (request instanceof DfuRequest.CrcGet) {
            return currentType == ObjectType.COMMAND
                    ? new DfuResponse.Crc(command.size(), crc(command.toByteArray(), command.size()))
                    : new DfuResponse.Crc(dataOffset, dataCrc);
        }
        if (request instanceof DfuRequest.Execute) {
            return execute();
        }
        if (request instanceof DfuRequest.Abort) {
            reset();
            return null;
        }
        return notSupported(op);
    }

    private DfuResponse create(DfuRequest.Create c) {
        currentType = c.type();
        prnCount = 0;
        writesSinceCreate = 0;
        writesNotified = 0;
        if (c.type() == ObjectType.COMMAND) {
            if (c.size() > maxCommand) {
                return new DfuResponse.Error(c.opCode(), ResultCode.INSUFFICIENT_RESOURCES);
            }
            command.reset();
            commandSize = c.size();
            initValid = false;
            dataOffset = dataCrc = executedOffset = executedCrc = 0;
            return new DfuResponse.Ack(c.opCode());
        }
        if (!initValid) {
            return new DfuResponse.Error(c.opCode(), ResultCode.OPERATION_NOT_PERMITTED);
        }
        if (c.size() == 0 || (c.size() != maxData && executedOffset + c.size() != imageSize)) {
            return new DfuResponse.Error(c.opCode(), ResultCode.INVALID_PARAMETER);
        }
        if (c.size() > maxData) {
            return new DfuResponse.Error(c.opCode(), ResultCode.INSUFFICIENT_RESOURCES);
        }
        dataOffset = executedOffset;
        dataCrc = executedCrc;
        objectEnd = executedOffset + c.size();
        unacknowledgedPerObject.add(0);
        return new DfuResponse.Ack(c.opCode());
    }

    private DfuResponse write(DfuRequest.Write w) {
        byte[] bytes = w.data();
        writesSinceCreate++;
        maxUnacknowledgedWrites = Math.max(maxUnacknowledgedWrites, writesSinceCreate - writesNotified);
        if (currentType == ObjectType.DATA && !unacknowledgedPerObject.isEmpty()) {
            int last = unacknowledgedPerObject.size() - 1;
            unacknowledgedPerObject.set(last, Math.max(unacknowledgedPerObject.get(last),
                    writesSinceCreate - writesNotified));
        }
        DfuResponse.Crc notification;
        if (currentType == ObjectType.COMMAND) {
            if (command.size() + bytes.length > commandSize) {
                return null;
            }
            command.writeBytes(bytes);
            notification = new DfuResponse.Crc(command.size(), crc(command.toByteArray(), command.size()));
        } else {
            if (dataOffset + bytes.length > objectEnd) {
                return null;
            }
            if (flash.length < dataOffset + bytes.length) {
                flash = Arrays.copyOf(flash, (int) Math.max(imageSize, dataOffset + bytes.length));
            }
            System.arraycopy(bytes, 0, flash, (int) dataOffset, bytes.length);
            dataOffset += bytes.length;
            dataCrc = crc(flash, dataOffset);
            notification = new DfuResponse.Crc(dataOffset, dataCrc);
        }
        if (prn > 0 && ++prnCount == prn) {
            prnCount = 0;
            return notification;
        }
        return null;
    }

    private DfuResponse execute() {
        if (currentType == ObjectType.COMMAND) {
            if (command.size() != commandSize || commandSize == 0) {
                return new DfuResponse.Error(OpCode.EXECUTE, ResultCode.OPERATION_NOT_PERMITTED);
            }
            InitPacket init;
            try {
                init = InitPacket.parse("device", command.toByteArray());
            } catch (RuntimeException e) {
                return new DfuResponse.Error(OpCode.EXECUTE, ResultCode.INVALID_OBJECT);
            }
            if (init.hwVersion() != 52) {
                return new DfuResponse.Error(OpCode.EXECUTE, ExtendedError.HW_VERSION_FAILURE);
            }
            initValid = true;
            imageSize = (long) init.appSize() + init.sdSize() + init.blSize();
            // re-executing the init packet saves the current RAM progress too
            savedOffset = dataOffset;
            savedCrc = dataCrc;
            return new DfuResponse.Ack(OpCode.EXECUTE);
        }
        if (dataOffset != objectEnd || dataOffset == executedOffset) {
            return new DfuResponse.Error(OpCode.EXECUTE, ResultCode.OPERATION_NOT_PERMITTED);
        }
        executedOffset = dataOffset;
        executedCrc = dataCrc;
        if (progressInFlash) {
            savedOffset = executedOffset;
            savedCrc = executedCrc;
        }
        if (executedOffset == imageSize) {
            activated.add(Arrays.copyOf(flash, (int) imageSize));
            command.reset();
            commandSize = 0;
            initValid = false;
            savedOffset = savedCrc = 0;
            dataOffset = dataCrc = executedOffset = executedCrc = 0;
            activatedJustNow = true;
        }
        return new DfuResponse.Ack(OpCode.EXECUTE);
    }

    private static DfuResponse notSupported(OpCode op) {
        return new DfuResponse.Error(op, ResultCode.OP_CODE_NOT_SUPPORTED);
    }

    private static long crc(byte[] bytes, long length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, (int) length);
        return crc.getValue();
    }

    /** One open port to the device. */
    private final class FakeConnection implements DfuConnection {
        private final Sinks.Many<DfuInbound> inbound = Sinks.many().unicast().onBackpressureBuffer();
        private boolean closed;
        // until when the device holds the line (scheduler nanoseconds)
        private long heldUntil = Long.MIN_VALUE;
        // sends waiting behind the held line: a send handed over at the instant it lets go still queues behind them
        private int heldSends;

        void emit(DfuInbound frame) {
            if (!closed) {
                inbound.tryEmitNext(frame);
            }
        }

        void drop(TransportClosedException cause) {
            if (closed) {
                return;
            }
            closed = true;
            if (cause == null) {
                inbound.tryEmitComplete();
            } else {
                inbound.tryEmitError(cause);
            }
        }

        @Override
        public Mono<Void> send(DfuRequest request) {
            return Mono.defer(() -> {
                if (closed) {
                    return Mono.error(new TransportClosedException("fake", "closed", null));
                }
                int n = sendCounts.merge(request.opCode(), 1, Integer::sum);
                Duration held = hold.on(request, n);
                // flow control: the bytes leave the port (and the send completes) only when the device lets them;
                // the bytes handed over after them wait behind them (the line keeps its order)
                long now = scheduler.now(java.util.concurrent.TimeUnit.NANOSECONDS);
                long leaves = Math.max(now, heldUntil) + held.toNanos();
                if (leaves > now || heldSends > 0) {
                    heldUntil = leaves;
                    heldSends++;
                    return Mono.delay(Duration.ofNanos(leaves - now), scheduler)
                            .then(Mono.<Void>fromRunnable(() -> {
                                heldSends--;
                                handle(request);
                            }))
                            .doOnCancel(() -> heldSends--);
                }
                handle(request);
                return Mono.empty();
            });
        }

        @Override
        public Flux<DfuInbound> inbound() {
            return inbound.asFlux();
        }

        @Override
        public Mono<Void> pulseReset() {
            if (!supportsPulseReset) {
                return DfuConnection.super.pulseReset();
            }
            return Mono.fromRunnable(() -> {
                pulses++;
                boolean closes = resetClosesPort;
                resetClosesPort = false;
                reset();
                resetClosesPort = closes;
            });
        }

        @Override
        public Mono<Void> close() {
            return Mono.fromRunnable(() -> {
                drop(null);
                if (connection == this) {
                    connection = null;
                }
            });
        }
    }
}
