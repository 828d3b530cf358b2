package dev.reactivedfu.benchmarks;

import dev.reactivedfu.netty.slip.SlipFrameDecoder;
import dev.reactivedfu.netty.slip.SlipFrameEncoder;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * SLIP framing of 1 MiB of seeded random firmware, cut into WRITE requests as the engine sends them: 64 data bytes
 * (UART, MTU 131) or 1024 (USB CDC, MTU 2051). Each invocation handles the whole image; the score is payload MB/s.
 *
 * <ul>
 *   <li>{@code encode}: {@link SlipFrameEncoder#encode} of every request (exact-size pooled buffers).</li>
 *   <li>{@code decode}: the encoded stream through a {@link SlipFrameDecoder} in an {@link EmbeddedChannel}, fed in
 *       4 KiB reads as the serial channel delivers them; every frame is released.</li>
 *   <li>{@code encodeDecode}: both, through EmbeddedChannels (encoder pipeline, then decoder pipeline).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SlipBenchmark {

    private static final int READ = 4096;

    @Param({"64", "1024"})
    int writeSize;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    /** Encoded WRITE requests (opcode + data), unframed. */
    private ByteBuf[] requests;
    /** The SLIP stream of all requests. */
    private byte[] wire;
    private EmbeddedChannel decoder;
    private EmbeddedChannel encoder;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] image = Firmware.random();
        int n = (image.length + writeSize - 1) / writeSize;
        requests = new ByteBuf[n];
        ByteBuf stream = Unpooled.buffer(image.length * 2);
        for (int i = 0; i < n; i++) {
            int from = i * writeSize;
            byte[] data = java.util.Arrays.copyOfRange(image, from, Math.min(image.length, from + writeSize));
            requests[i] = Unpooled.unreleasableBuffer(
                    Unpooled.wrappedBuffer(DfuCodec.encodeRequest(new DfuRequest.Write(data))));
            ByteBuf frame = SlipFrameEncoder.encode(alloc, requests[i]);
            stream.writeBytes(frame);
            frame.release();
        }
        wire = new byte[stream.readableBytes()];
        stream.readBytes(wire);
        decoder = new EmbeddedChannel(new SlipFrameDecoder(writeSize + 1));
        encoder = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decoder.finishAndReleaseAll();
        encoder.finishAndReleaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(Firmware.SIZE)
    public void encode(Blackhole bh) {
        for (ByteBuf request : requests) {
            ByteBuf frame = SlipFrameEncoder.encode(alloc, request);
            bh.consume(frame.readableBytes());
            frame.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(Firmware.SIZE)
    public void decode(Blackhole bh) {
        decodeStream(wire, bh);
    }

    @Benchmark
    @OperationsPerInvocation(Firmware.SIZE)
    public void encodeDecode(Blackhole bh) {
        for (ByteBuf request : requests) {
            encoder.writeOutbound(request.retainedDuplicate());
            ByteBuf frame = encoder.readOutbound();
            decoder.writeInbound(frame);
            ByteBuf decoded = decoder.readInbound();
            bh.consume(decoded.readableBytes());
            decoded.release();
        }
    }

    private void decodeStream(byte[] stream, Blackhole bh) {
        for (int from = 0; from < stream.length; from += READ) {
            int n = Math.min(READ, stream.length - from);
            decoder.writeInbound(alloc.heapBuffer(n).writeBytes(stream, from, n));
            for (ByteBuf f = decoder.readInbound(); f != null; f = decoder.readInbound()) {
                bh.consume(f.readableBytes());
                f.release();
            }
        }
    }
}
