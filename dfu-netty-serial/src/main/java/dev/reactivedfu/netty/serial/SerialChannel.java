package dev.reactivedfu.netty.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * A Netty channel over one serial port (jSerialComm). Connect it to a {@link SerialDeviceAddress}; configure it
 * with {@link SerialChannelOption}s. Inbound messages are {@link ByteBuf}s as the port delivered them (no
 * framing); outbound messages must be {@link ByteBuf}s.
 *
 * <p>How it works:
 * <ul>
 *   <li>Connecting opens the port off the event loop (on the port's writer thread), applies the line settings,
 *       DTR and RTS, and discards stale input (bytes can linger in a pseudo-terminal or a USB adapter) before the
 *       channel becomes active.</li>
 *   <li>A dedicated read thread blocks in {@code readBytes} and hands each chunk to the event loop as one
 *       {@code channelRead} followed by {@code channelReadComplete}. It reads only after the pipeline asked for a
 *       read ({@code Channel.read()}, which auto-read does after every {@code channelReadComplete}): with
 *       auto-read off it stops, the bytes stay in the OS buffer and the sender is held back. Bytes that were
 *       already read when auto-read was switched off are held until the next read request.</li>
 *   <li>Writes are gathered (up to {@value #WRITE_CHUNK} bytes) and written by a per-port writer thread; the write
 *       promises complete when the bytes have left the port, as far as the host can know: handed to the OS, and the
 *       OS's output queue down to {@value #DRAIN_ALLOWANCE} bytes (a UART that CTS holds back keeps them there; the
 *       few left keep the line busy while the next write is handed over). A request's answer timeout that starts when
 *       its send completed therefore does not run while its bytes still wait behind a held line (issue 10, "Timeouts
 *       that know the line"). {@link #bytesAwaitingWrite()} tells how many are still on the host. The event loop
 *       never blocks on the port, so a port whose other end stopped reading does not stall other channels sharing
 *       the loop. Netty's water marks apply to the bytes pending.</li>
 *   <li>End of stream (a read returning -1, as when the other end of a pseudo-terminal goes away or a USB adapter
 *       is unplugged) and I/O errors fire {@code exceptionCaught} with a {@link SerialPortException}, then close
 *       the channel; {@link #closeCause()} keeps the cause. Closing releases the port at once and unblocks both
 *       threads.</li>
 * </ul>
 * The channel can be registered with any event loop.
 */
public final class SerialChannel extends AbstractChannel {

    /** Most bytes handed to the OS in one blocking write. */
    static final int WRITE_CHUNK = 16 * 1024;
    /** Most bytes handed to the OS in one call. */
    static final int OS_WRITE = 4096;
    /** Size of the read thread's buffer (one read delivers at most this many bytes). */
    static final int READ_CHUNK = 4096;
    /**
     * Bytes the OS may still hold when a write completes: 256 bytes are 2.6 ms of line at 1 Mbaud and 22 ms at 115200,
     * enough to keep the line busy while the next write is handed over, and little beside a request's timeout.
     */
    static final int DRAIN_ALLOWANCE = 256;

    private static final Logger log = LoggerFactory.getLogger(SerialChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private enum State { OPEN, ACTIVE, CLOSED }

    private final SerialChannelConfig config;

    private volatile State state = State.OPEN;
    private volatile SerialDeviceAddress remote;
    private volatile SerialPort port;
    /** This channel's hold on the port ({@link PortLock}), from open to close. */
    private volatile PortLock portLock;
    private volatile Throwable closeCause;

    /** Runs the open and the blocking writes, in order; created on connect. */
    private volatile ExecutorService writer;
    /** Event-loop confined: a chunk is being written by the writer thread. */
    private boolean writeInProgress;
    /** Bytes written to the channel and not yet removed from its outbound buffer (written on the event loop). */
    private volatile long outboundBytes;
    /** Bytes of the chunk being written that the OS took so far (written by the writer thread). */
    private volatile long chunkAccepted;
    /** Event-loop confined: connect was called. */
    private boolean connecting;

    /** Guards readRequested; the read thread waits on it. */
    private final Object readLock = new Object();
    /** The pipeline asked for a read that has not been delivered yet. Guarded by readLock. */
    private boolean readRequested;

    /** A channel not yet connected. */
    public SerialChannel() {
        super(null);
        config = new SerialChannelConfig(this);
    }

    @Override
    public SerialChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    @Override
    public boolean isActive() {
        return state == State.ACTIVE;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public SerialDeviceAddress remoteAddress() {
        return (SerialDeviceAddress) super.remoteAddress();
    }

    /**
     * Bytes written to this channel that have not left the port yet, as far as the host can tell: still in Netty's
     * outbound buffer, being handed to the OS, or in the OS's output queue ({@code TIOCOUTQ}: bytes a UART has not
     * sent, for instance while CTS holds it back). A pseudo-terminal's queue reads as empty: the program on its other
     * end took the bytes. Safe to call from any thread; 0 once closed.
     */
    public long bytesAwaitingWrite() {
        if (!isOpen()) {
            return 0;
        }
        long pending = Math.max(0, outboundBytes - chunkAccepted);
        SerialPort p = port;
        int queued = p == null ? 0 : p.bytesAwaitingWrite();
        return pending + Math.max(0, queued);
    }

    /** Why the channel closed itself (end of stream or an I/O error); empty while open or after a plain close. */
    public Optional<Throwable> closeCause() {
        return Optional.ofNullable(closeCause);
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new SerialUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a serial channel cannot be bound; connect it to a port");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        state = State.CLOSED;
        synchronized (readLock) {
            readLock.notifyAll();
        }
        SerialPort p = port;
        if (p != null) {
            // unblocks a read or write in progress: both return -1
            p.closePort();
        }
        ExecutorService w = writer;
        if (w != null) {
            w.shutdown();
        }
        releaseLock();
    }

    private void releaseLock() {
        PortLock l = portLock;
        if (l != null) {
            l.close();
        }
    }

    @Override
    protected void doBeginRead() {
        synchronized (readLock) {
            readRequested = true;
            readLock.notifyAll();
        }
    }

    /** Auto-read was switched off: forget a read request that was not served yet. */
    void clearReadRequest() {
        synchronized (readLock) {
            readRequested = false;
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            outboundBytes += ((ByteBuf) msg).readableBytes(); // on the event loop, the only writer of this field
            return msg;
        }
        throw new UnsupportedOperationException("a serial channel writes ByteBufs, not " + msg.getClass().getName());
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (writeInProgress) {
            return; // writeDone continues with what was flushed meanwhile
        }
        byte[] chunk;
        while ((chunk = gather(in)).length == 0) {
            in.removeBytes(0); // empty buffers: nothing to write, complete them
            if (in.isEmpty()) {
                return;
            }
        }
        writeInProgress = true;
        SerialPort p = port;
        byte[] bytes = chunk;
        writer.execute(() -> {
            Throwable failure = null;
            try {
                writeFully(p, bytes);
                awaitDrained(p);
            } catch (Throwable t) {
                failure = t;
            }
            Throwable f = failure;
            executeOnLoop(() -> writeDone(bytes.length, f));
        });
    }

    /** Copies up to {@link #WRITE_CHUNK} flushed bytes; the buffers stay in {@code in} until written. */
    private static byte[] gather(ChannelOutboundBuffer in) throws Exception {
        int[] total = {0};
        in.forEachFlushedMessage(msg -> {
            total[0] += Math.min(((ByteBuf) msg).readableBytes(), WRITE_CHUNK - total[0]);
            return total[0] < WRITE_CHUNK;
        });
        byte[] chunk = new byte[total[0]];
        int[] at = {0};
        in.forEachFlushedMessage(msg -> {
            ByteBuf b = (ByteBuf) msg;
            int n = Math.min(b.readableBytes(), chunk.length - at[0]);
            b.getBytes(b.readerIndex(), chunk, at[0], n);
            at[0] += n;
            return at[0] < chunk.length;
        });
        return chunk;
    }

    private void writeFully(SerialPort p, byte[] bytes) throws SerialPortException {
        int off = 0;
        while (off < bytes.length) {
            if (state == State.CLOSED) {
                throw new SerialPortException(p.getSystemPortPath(), "closed while writing", 0);
            }
            // blocks until the OS took them (at most a page at a time, so that bytesAwaitingWrite follows);
            // returns -1 when the port is closed, 0 once it failed (EIO)
            int n = p.writeBytes(bytes, Math.min(OS_WRITE, bytes.length - off), off);
            if (n <= 0) {
                throw new SerialPortException(pathOf(p), "write failed", p.getLastErrorCode());
            }
            off += n;
            chunkAccepted = off;
        }
    }

    /**
     * Blocks until the OS holds at most {@link #DRAIN_ALLOWANCE} bytes of this port's output, pausing about as long as
     * the excess takes on the line; returns when the queue cannot be read (a pseudo-terminal reports 0 at once).
     */
    private void awaitDrained(SerialPort p) throws SerialPortException {
        int queued;
        while ((queued = p.bytesAwaitingWrite()) > DRAIN_ALLOWANCE) {
            if (state == State.CLOSED) {
                throw new SerialPortException(p.getSystemPortPath(), "closed while its output drained", 0);
            }
            LockSupport.parkNanos(drainPause(queued - DRAIN_ALLOWANCE, config.baudRate(), bitsPerCharacter()));
        }
    }

    /** How long to wait for {@code excess} bytes to leave at {@code baud}: their line time, within 0.2 to 20 ms. */
    static long drainPause(long excess, int baud, double bitsPerCharacter) {
        long nanos = baud <= 0 ? 0 : Math.round(excess * bitsPerCharacter * 1e9 / baud);
        return Math.max(200_000, Math.min(20_000_000, nanos));
    }

    /** Start bit, data bits, parity bit, stop bits. */
    private double bitsPerCharacter() {
        double stop = switch (config.stopBits()) {
            case ONE -> 1;
            case ONE_POINT_FIVE -> 1.5;
            case TWO -> 2;
        };
        return 1 + config.dataBits() + (config.parity() == Parity.NONE ? 0 : 1) + stop;
    }

    /** On the event loop, after the writer thread finished a chunk. */
    private void writeDone(int written, Throwable failure) {
        writeInProgress = false;
        if (!isOpen()) {
            return; // close already failed the pending writes
        }
        SerialUnsafe u = (SerialUnsafe) unsafe();
        if (failure != null) {
            fail(failure);
            return;
        }
        ChannelOutboundBuffer in = u.outboundBuffer();
        if (in != null) {
            in.removeBytes(written);
            outboundBytes -= written;
            chunkAccepted = 0;
            u.flushMore();
        }
    }

    /** On the event loop: the port failed; tell the pipeline why, then close. */
    private void fail(Throwable cause) {
        if (!isOpen()) {
            return;
        }
        if (closeCause == null) {
            closeCause = cause;
        }
        log.debug("{}: closing after {}", remote, cause.toString());
        pipeline().fireExceptionCaught(cause);
        ClosedChannelException closed = new ClosedChannelException();
        closed.initCause(cause);
        ((SerialUnsafe) unsafe()).closeWith(cause, closed);
    }

    private void executeOnLoop(Runnable task) {
        try {
            eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("{}: event loop shut down; dropping a task", remote);
        }
    }

    /** Applies baud, data bits, parity and stop bits to an open port. */
    void applyLineSettings() {
        SerialPort p = port;
        if (p != null && p.isOpen()) {
            p.setComPortParameters(config.baudRate(), config.dataBits(), config.stopBits().code(),
                    config.parity().code());
        }
    }

    /** Applies flow control to an open port. */
    void applyFlowControl() {
        SerialPort p = port;
        if (p != null && p.isOpen()) {
            p.setFlowControl(flowControlBits());
        }
    }

    /** Drives DTR and RTS of an open port. */
    void applyModemLines() {
        SerialPort p = port;
        if (p != null && p.isOpen()) {
            setModemLines(p);
        }
    }

    private int flowControlBits() {
        return config.flowControl()
                ? SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED
                : SerialPort.FLOW_CONTROL_DISABLED;
    }

    private void setModemLines(SerialPort p) {
        if (config.dtr()) {
            p.setDTR();
        } else {
            p.clearDTR();
        }
        if (!config.flowControl()) {
            if (config.rts()) {
                p.setRTS();
            } else {
                p.clearRTS();
            }
        }
    }

    /** Runs on the writer thread: opens and configures the port, discards stale input. */
    private SerialPort open(SerialDeviceAddress address) throws SerialPortException {
        // exclusive across processes: a second host on this port fails here at once with "port busy"
        portLock = PortLock.forChannel(address.path());
        try {
            return openLocked(address);
        } catch (SerialPortException | RuntimeException e) {
            releaseLock();
            throw e;
        }
    }

    private SerialPort openLocked(SerialDeviceAddress address) throws SerialPortException {
        SerialPort p;
        try {
            p = SerialPort.getCommPort(address.path());
        } catch (SerialPortInvalidPortException e) {
            throw (SerialPortException) new SerialPortException(address.path(), "no such port", 0).initCause(e);
        }
        p.setComPortParameters(config.baudRate(), config.dataBits(), config.stopBits().code(), config.parity().code());
        p.setFlowControl(flowControlBits());
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                config.readTimeoutMillis(), 0);
        setModemLines(p); // preset before opening, so the lines do not glitch
        if (!p.openPort()) {
            throw new SerialPortException(address.path(), "cannot open the port", p.getLastErrorCode());
        }
        setModemLines(p);
        p.flushIOBuffers();
        return p;
    }

    private static String pathOf(SerialPort p) {
        return p.getSystemPortPath();
    }

    /** The read thread's loop: one blocking read per read request. */
    private void readLoop(SerialPort p, SerialDeviceAddress address) {
        byte[] buf = new byte[READ_CHUNK];
        try {
            while (awaitReadRequest()) {
                int n = p.readBytes(buf, buf.length);
                if (state == State.CLOSED) {
                    return;
                }
                if (n == 0) {
                    continue; // read timeout: look again whether we were closed
                }
                if (n < 0) {
                    SerialPortException eof = new SerialPortException(address.path(),
                            "end of stream: the port went away", p.getLastErrorCode());
                    executeOnLoop(() -> fail(eof));
                    return;
                }
                // auto-read may have been switched off while we were blocked: hold the bytes until asked again
                if (!awaitReadRequest()) {
                    return;
                }
                ByteBuf chunk = config.getAllocator().heapBuffer(n).writeBytes(buf, 0, n);
                synchronized (readLock) {
                    readRequested = false;
                }
                try {
                    eventLoop().execute(() -> deliver(chunk));
                } catch (RejectedExecutionException e) {
                    chunk.release();
                    return;
                }
            }
        } catch (Throwable t) {
            executeOnLoop(() -> fail(new SerialPortException(address.path(), "read failed: " + t, 0)));
        }
    }

    /** Blocks until a read was requested; false when the channel closed meanwhile. */
    private boolean awaitReadRequest() throws InterruptedException {
        synchronized (readLock) {
            while (!readRequested && state != State.CLOSED) {
                readLock.wait();
            }
            return state != State.CLOSED;
        }
    }

    /** On the event loop: one chunk of bytes read. Ownership of {@code chunk} passes to the pipeline. */
    private void deliver(ByteBuf chunk) {
        if (!isActive()) {
            chunk.release();
            return;
        }
        pipeline().fireChannelRead(chunk);
        pipeline().fireChannelReadComplete();
    }

    private final class SerialUnsafe extends AbstractUnsafe {

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (state == State.ACTIVE) {
                promise.setFailure(new AlreadyConnectedException());
                return;
            }
            if (connecting) {
                promise.setFailure(new ConnectionPendingException());
                return;
            }
            if (!(remoteAddress instanceof SerialDeviceAddress)) {
                promise.setFailure(new UnsupportedAddressTypeException());
                return;
            }
            SerialDeviceAddress address = (SerialDeviceAddress) remoteAddress;
            connecting = true;
            ExecutorService w = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "serial-write " + address.path());
                t.setDaemon(true);
                return t;
            });
            writer = w;
            w.execute(() -> {
                SerialPort p;
                try {
                    p = open(address);
                } catch (Throwable t) {
                    executeOnLoop(() -> {
                        promise.tryFailure(t);
                        close(voidPromise());
                    });
                    return;
                }
                executeOnLoop(() -> activate(p, address, promise));
            });
        }

        private void activate(SerialPort p, SerialDeviceAddress address, ChannelPromise promise) {
            if (!isOpen()) {
                p.closePort(); // closed while the port was opening
                releaseLock();
                promise.tryFailure(new ClosedChannelException());
                return;
            }
            port = p;
            remote = address;
            state = State.ACTIVE;
            Thread reader = new Thread(() -> readLoop(p, address), "serial-read " + address.path());
            reader.setDaemon(true);
            reader.start();
            log.debug("{}: open ({} baud, flow control {})", address, config.baudRate(),
                    config.flowControl() ? "on" : "off");
            if (promise.trySuccess()) {
                pipeline().fireChannelActive();
            } else {
                close(voidPromise());
            }
        }

        void flushMore() {
            flush0();
        }

        void closeWith(Throwable cause, ClosedChannelException closed) {
            close(voidPromise(), cause, closed);
        }
    }
}
