package dev.reactivedfu.netty.codec;

import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Encodes an outbound {@link DfuRequest} to one unframed message (opcode, then little-endian parameters, as
 * {@link DfuCodec#encodeRequest(DfuRequest)} lays out). The SLIP encoder below it frames the bytes.
 *
 * <p>Stateless and {@link Sharable}; the buffer comes from {@code ctx.alloc()} at its exact size.
 */
@Sharable
public final class DfuRequestEncoder extends MessageToMessageEncoder<DfuRequest> {

    /** The one instance; the encoder holds no state. */
    public static final DfuRequestEncoder INSTANCE = new DfuRequestEncoder();

    private DfuRequestEncoder() {
        super(DfuRequest.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, DfuRequest request, List<Object> out) {
        byte[] bytes = DfuCodec.encodeRequest(request);
        ByteBuf buf = ctx.alloc().buffer(bytes.length);
        out.add(buf.writeBytes(bytes));
    }
}
