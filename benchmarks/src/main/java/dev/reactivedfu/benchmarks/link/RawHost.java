package dev.reactivedfu.benchmarks.link;

import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.Slip;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The minimal host {@link ModelLimit} describes, with no engine: the fewest frames, each sent as soon as the board
 * can take it. It sends exactly the limit's sequence (PING, SET PRN, MTU GET, SELECT, the init packet, SELECT, then per
 * data object CREATE, all its writes in one hand-over, EXECUTE), waits for each answer and for the notification on
 * each object's last write, and uses what it knows of the board instead of asking (a fresh board, its MTU, 4 KiB
 * objects). Where one PRN interval cannot land a notification on the last write (the init packet, a short last
 * object) it asks CRC GET: a round trip the limit charges as a notification, so this host stays a hair above the
 * limit. It proves the limit honest: it runs through the same {@link SimulatorServer}, and a raw time below the limit
 * would mean the limit charges something the board does not cost.
 *
 * <p>Blocking, single-threaded, for the benchmark only; every wait is bounded (10 s), and any error answer, garbled
 * frame or mismatching CRC fails the run with an {@link IllegalStateException}.
 */
final class RawHost {

    private static final long WAIT_SECONDS = 10;

    private final Channel channel;
    private final int chunk;

    private RawHost(Channel channel, int mtu) {
        this.channel = channel;
        this.chunk = Mtu.maxWritePayload(mtu);
    }

    /**
     * Updates the board served at {@code address} (a fresh one, with MTU {@code mtu}) with {@code image}.
     *
     * @return seconds from connecting to the final EXECUTE's answer
     */
    static double update(LocalAddress address, EventLoopGroup group, FirmwareImage image, int mtu) {
        Slip.Decoder decoder = new Slip.Decoder(4096);
        BlockingQueue<DfuResponse> answers = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        Channel ch = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        try {
                            byte[] bytes = ByteBufUtil.getBytes(buf);
                            decoder.feed(bytes, 0, bytes.length, f -> answers.add(DfuCodec.decodeResponse(f)));
                        } finally {
                            buf.release();
                        }
                    }
                })
                .connect(address).syncUninterruptibly().channel();
        try {
            return new RawHost(ch, mtu).run(image, answers, start);
        } finally {
            ch.close().syncUninterruptibly();
        }
    }

    private double run(FirmwareImage image, BlockingQueue<DfuResponse> in, long start) {
        byte[] init = image.initPacket();
        byte[] fw = image.firmware();
        int objectWrites = (ModelLimit.DATA_OBJECT + chunk - 1) / chunk;
        int prn = objectWrites;
        ask(in, new DfuRequest.Ping(1), DfuResponse.Ping.class);
        ask(in, new DfuRequest.SetPrn(prn), DfuResponse.Ack.class);
        ask(in, new DfuRequest.MtuGet(), DfuResponse.Mtu.class);
        ask(in, new DfuRequest.Select(ObjectType.COMMAND), DfuResponse.Select.class);
        ask(in, new DfuRequest.Create(ObjectType.COMMAND, init.length), DfuResponse.Ack.class);
        CRC32 crc = new CRC32();
        crc.update(init);
        stream(in, init, 0, init.length, prn, crc.getValue());
        ask(in, new DfuRequest.Execute(), DfuResponse.Ack.class);
        ask(in, new DfuRequest.Select(ObjectType.DATA), DfuResponse.Select.class);
        crc.reset();
        for (int off = 0; off < fw.length; off += ModelLimit.DATA_OBJECT) {
            int size = Math.min(ModelLimit.DATA_OBJECT, fw.length - off);
            ask(in, new DfuRequest.Create(ObjectType.DATA, size), DfuResponse.Ack.class);
            crc.update(fw, off, size);
            stream(in, fw, off, off + size, prn, crc.getValue());
            ask(in, new DfuRequest.Execute(), DfuResponse.Ack.class);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Sends every write of {@code bytes[from, end)} at once; waits for their notifications, or asks CRC GET. */
    private void stream(BlockingQueue<DfuResponse> in, byte[] bytes, int from, int end, int prn, long crc) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        int writes = 0;
        for (int off = from; off < end; off += chunk) {
            frames.writeBytes(Slip.encode(DfuCodec.encodeRequest(
                    new DfuRequest.Write(Arrays.copyOfRange(bytes, off, Math.min(end, off + chunk))))));
            writes++;
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(frames.toByteArray()));
        DfuResponse.Crc last = null;
        for (int n = 0; n < writes / prn; n++) {
            last = take(in, DfuResponse.Crc.class);
        }
        if (writes % prn != 0) {
            last = ask(in, new DfuRequest.CrcGet(), DfuResponse.Crc.class);
        }
        if (last == null || last.offset() != end || last.crc() != crc) {
            throw new IllegalStateException("the board does not hold the object: " + last);
        }
    }

    private <T extends DfuResponse> T ask(BlockingQueue<DfuResponse> in, DfuRequest request, Class<T> type) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(Slip.encode(DfuCodec.encodeRequest(request))));
        return take(in, type);
    }

    private static <T extends DfuResponse> T take(BlockingQueue<DfuResponse> in, Class<T> type) {
        DfuResponse r;
        try {
            r = in.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (!type.isInstance(r)) {
            throw new IllegalStateException("expected " + type.getSimpleName() + ", got " + r);
        }
        return type.cast(r);
    }
}
