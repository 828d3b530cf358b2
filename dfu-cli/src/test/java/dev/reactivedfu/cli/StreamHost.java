package dev.reactivedfu.cli;

import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ImageCrc;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.Slip;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A minimal blocking DFU master over a byte stream (a pseudo-terminal opened as plain files): SLIP and the core
 * codec, create / write / CRC / execute, every step checked. Tests only; not the project's engine.
 *
 * <p>The reader polls {@code available()} rather than blocking in {@code read()}, so that closing never leaves a
 * thread stuck on the tty that would steal the next connection's bytes.
 */
final class StreamHost implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<DfuInbound> frames = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean open = true;

    StreamHost(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
        this.reader = new Thread(this::read, "stream-host-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Opens a pseudo-terminal (or any character device) as plain file streams. */
    static StreamHost open(Path port) throws IOException {
        return new StreamHost(new FileInputStream(port.toFile()), new FileOutputStream(port.toFile()));
    }

    private void read() {
        Slip.Decoder decoder = new Slip.Decoder(4096);
        byte[] buffer = new byte[4096];
        try {
            while (open) {
                int available = in.available();
                if (available <= 0) {
                    LockSupport.parkNanos(200_000);
                    continue;
                }
                int n = in.read(buffer, 0, Math.min(available, buffer.length));
                if (n < 0) {
                    return;
                }
                for (byte[] frame : decoder.feed(buffer, 0, n)) {
                    frames.add(DfuCodec.decodeInbound(frame));
                }
            }
        } catch (IOException e) {
            open = false;
        }
    }

    void send(DfuRequest request) {
        try {
            out.write(Slip.encode(DfuCodec.encodeRequest(request)));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    DfuInbound next() {
        try {
            DfuInbound in = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (in == null) {
                throw new AssertionError("no answer within " + TIMEOUT);
            }
            return in;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Sends and returns the answer, which must be a success of the same opcode. */
    DfuResponse request(DfuRequest request) {
        send(request);
        DfuInbound answer = next();
        if (!(answer instanceof DfuResponse r) || r instanceof DfuResponse.Error || r.opCode() != request.opCode()) {
            throw new AssertionError("expected a good answer to " + request + ", got " + answer);
        }
        return r;
    }

    /** One image from scratch; returns the final EXECUTE's answer. */
    DfuInbound update(byte[] dat, byte[] bin, int prn) {
        request(new DfuRequest.Ping(0x33));
        request(new DfuRequest.SetPrn(prn));
        int chunk = Mtu.maxWritePayload(((DfuResponse.Mtu) request(new DfuRequest.MtuGet())).mtu());
        request(new DfuRequest.Select(ObjectType.COMMAND));
        object(ObjectType.COMMAND, dat, 0, dat.length, chunk, prn);
        request(new DfuRequest.Execute());
        int max = (int) ((DfuResponse.Select) request(new DfuRequest.Select(ObjectType.DATA))).maxSize();
        DfuInbound last = null;
        for (int start = 0; start < bin.length; start += max) {
            object(ObjectType.DATA, bin, start, Math.min(max, bin.length - start), chunk, prn);
            send(new DfuRequest.Execute());
            last = next();
            if (start + max < bin.length && !(last instanceof DfuResponse.Ack)) {
                throw new AssertionError("object at " + start + " not executed: " + last);
            }
        }
        return last;
    }

    /** Creates a partial update: the init packet and the first {@code objects} data objects, executed. */
    void partial(byte[] dat, byte[] bin, int objects) {
        request(new DfuRequest.SetPrn(0));
        request(new DfuRequest.Select(ObjectType.COMMAND));
        object(ObjectType.COMMAND, dat, 0, dat.length, 64, 0);
        request(new DfuRequest.Execute());
        for (int i = 0; i < objects; i++) {
            object(ObjectType.DATA, bin, i * 4096, 4096, 64, 0);
            request(new DfuRequest.Execute());
        }
    }

    private void object(ObjectType type, byte[] image, int start, int length, int chunk, int prn) {
        request(new DfuRequest.Create(type, length));
        int writes = 0;
        for (int o = start; o < start + length; o += chunk) {
            int end = Math.min(o + chunk, start + length);
            send(new DfuRequest.Write(Arrays.copyOfRange(image, o, end)));
            writes++;
            if (prn > 0 && writes % prn == 0) {
                checkCrc(next(), image, end);
            }
        }
        send(new DfuRequest.CrcGet());
        checkCrc(next(), image, start + length);
    }

    private static void checkCrc(DfuInbound in, byte[] image, long offset) {
        if (!(in instanceof DfuResponse.Crc crc) || crc.offset() != offset
                || crc.crc() != ImageCrc.upTo(image, offset)) {
            throw new AssertionError("expected CRC at " + offset + ", got " + in);
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        in.close();
        out.close();
    }
}
