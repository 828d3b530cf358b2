package dev.reactivedfu.netty.transport;

import dev.reactivedfu.netty.slip.SlipFrameDecoder;
import dev.reactivedfu.netty.slip.SlipFrameEncoder;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.OpCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * The device end of a test: decodes each SLIP frame as a request (as a bootloader does), records it, and answers
 * with whatever raw frames the script returns for it. Runs on a LocalChannel or on the other end of a pty.
 */
@io.netty.channel.ChannelHandler.Sharable
final class ScriptedPeer extends SimpleChannelInboundHandler<ByteBuf> {

    /**
     * Answers like a bootloader at the start of an update: pings echo, MTU 131, SELECT reports an empty object,
     * writes get no answer, CRC GET reports the bytes written since the last CREATE and their CRC-32.
     */
    static Function<DfuRequest, List<byte[]>> bootloader() {
        CRC32 crc = new CRC32();
        long[] offset = {0};
        return request -> {
            if (request instanceof DfuRequest.Ping p) {
                return List.of(DfuCodec.encodeResponse(new DfuResponse.Ping(p.id())));
            }
            if (request instanceof DfuRequest.MtuGet) {
                return List.of(DfuCodec.encodeResponse(new DfuResponse.Mtu(131)));
            }
            if (request instanceof DfuRequest.Select) {
                return List.of(DfuCodec.encodeResponse(new DfuResponse.Select(4096, 0, 0)));
            }
            if (request instanceof DfuRequest.Create) {
                crc.reset();
                offset[0] = 0;
            }
            if (request instanceof DfuRequest.Write w) {
                crc.update(w.data());
                offset[0] += w.length();
                return List.of();
            }
            if (request instanceof DfuRequest.CrcGet) {
                return List.of(DfuCodec.encodeResponse(new DfuResponse.Crc(offset[0], crc.getValue())));
            }
            return List.of(DfuCodec.encodeResponse(new DfuResponse.Ack(request.opCode())));
        };
    }

    final List<DfuRequest> received = new CopyOnWriteArrayList<>();
    final AtomicReference<Channel> channel = new AtomicReference<>();
    private final Function<DfuRequest, List<byte[]>> script;

    ScriptedPeer(Function<DfuRequest, List<byte[]>> script) {
        this.script = script;
    }

    /** Installs SLIP framing and this peer on a channel. */
    ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                channel.set(ch);
                ch.pipeline().addLast(new SlipFrameDecoder(), SlipFrameEncoder.INSTANCE, ScriptedPeer.this);
            }
        };
    }

    /**
     * Sends raw (unframed) messages from the device end, SLIP-framed. The host's connect can complete before the
     * server side has initialised its child channel, so this waits (bounded) for it.
     */
    void send(byte[]... messages) {
        Channel ch = channel.get();
        for (long deadline = System.nanoTime() + 5_000_000_000L; ch == null && System.nanoTime() < deadline; ) {
            Thread.onSpinWait();
            ch = channel.get();
        }
        if (ch == null) {
            throw new AssertionError("the host never connected to the scripted peer");
        }
        for (byte[] m : messages) {
            ch.write(Unpooled.wrappedBuffer(m));
        }
        ch.flush();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        DfuRequest request = DfuCodec.decodeRequest(ByteBufUtil.getBytes(frame));
        received.add(request);
        for (byte[] answer : script.apply(request)) {
            ctx.write(Unpooled.wrappedBuffer(answer));
        }
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // the host end went away: nothing to answer any more
    }

    static byte[] crcNotification(long offset, long crc) {
        return DfuCodec.encodeResponse(new DfuResponse.Crc(offset, crc));
    }

    static OpCode op(DfuRequest r) {
        return r.opCode();
    }
}
