package dev.reactivedfu.netty.slip;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Encodes each outbound {@link ByteBuf} (one message) as one SLIP frame: the message with {@code C0} sent as
 * {@code DB DC} and {@code DB} as {@code DB DD}, followed by a single END. No leading END is sent, and an empty
 * message is refused (the write fails with an {@link EncoderException}) because Nordic's bootloader executes the
 * previous request again when it receives an empty frame.
 *
 * <p>Stateless and {@link Sharable}. The output buffer is allocated from {@code ctx.alloc()} at its exact size.
 * Takes ownership of the message (released after encoding by the base class).
 */
@Sharable
public final class SlipFrameEncoder extends MessageToMessageEncoder<ByteBuf> {

    /** The one instance; the encoder holds no state. */
    public static final SlipFrameEncoder INSTANCE = new SlipFrameEncoder();

    private SlipFrameEncoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        if (!msg.isReadable()) {
            throw new EncoderException("refusing to send an empty SLIP frame: the bootloader would run the "
                    + "previous request again");
        }
        out.add(encode(ctx.alloc(), msg));
    }

    /**
     * Encodes the readable bytes of {@code msg} into a new buffer of exactly the frame's size; {@code msg} is left
     * untouched (its reader index does not move) and stays owned by the caller. Exposed for benchmarks.
     */
    public static ByteBuf encode(io.netty.buffer.ByteBufAllocator alloc, ByteBuf msg) {
        int from = msg.readerIndex();
        int to = msg.writerIndex();
        int specials = 0;
        for (int i = from; i < to; i++) {
            byte b = msg.getByte(i);
            if (b == Slip.END || b == Slip.ESC) {
                specials++;
            }
        }
        ByteBuf frame = alloc.buffer(to - from + specials + 1);
        if (specials == 0) {
            frame.writeBytes(msg, from, to - from);
        } else {
            for (int i = from; i < to; i++) {
                byte b = msg.getByte(i);
                if (b == Slip.END) {
                    frame.writeByte(Slip.ESC).writeByte(Slip.ESC_END);
                } else if (b == Slip.ESC) {
                    frame.writeByte(Slip.ESC).writeByte(Slip.ESC_ESC);
                } else {
                    frame.writeByte(b);
                }
            }
        }
        frame.writeByte(Slip.END);
        return frame;
    }
}
