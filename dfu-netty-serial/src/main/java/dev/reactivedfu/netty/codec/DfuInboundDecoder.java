package dev.reactivedfu.netty.codec;

import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuInbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;

/**
 * Decodes each inbound frame (one {@link ByteBuf} from the SLIP decoder) with
 * {@link DfuCodec#decodeInbound(byte[])}: the result is a {@link dev.reactivedfu.protocol.DfuResponse}, or a
 * {@link DfuInbound.Malformed} saying what was expected and what arrived. Nothing is thrown for a malformed frame:
 * the engine decides what a garbled answer means.
 *
 * <p>Stateless and {@link Sharable}. Takes ownership of the frame and releases it (the base class does, after
 * decoding); the emitted {@link DfuInbound} holds no buffer.
 */
@Sharable
public final class DfuInboundDecoder extends MessageToMessageDecoder<ByteBuf> {

    /** The one instance; the decoder holds no state. */
    public static final DfuInboundDecoder INSTANCE = new DfuInboundDecoder();

    private DfuInboundDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(DfuCodec.decodeInbound(ByteBufUtil.getBytes(frame)));
    }
}
