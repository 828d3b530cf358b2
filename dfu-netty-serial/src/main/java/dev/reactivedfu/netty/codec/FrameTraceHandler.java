package dev.reactivedfu.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every unframed message in both directions, as hex, to the logger {@value #LOGGER} at TRACE (kept apart
 * from the application's logs). Passes messages on untouched; costs one level check per frame when TRACE is off.
 */
@Sharable
public final class FrameTraceHandler extends ChannelDuplexHandler {

    /** The logger frame traces go to. */
    public static final String LOGGER = "dev.reactivedfu.frames";

    /** The one instance; the handler holds no state. */
    public static final FrameTraceHandler INSTANCE = new FrameTraceHandler();

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private FrameTraceHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (log.isTraceEnabled() && msg instanceof ByteBuf frame) {
            log.trace("{} <- {}", ctx.channel().remoteAddress(), ByteBufUtil.hexDump(frame));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (log.isTraceEnabled() && msg instanceof ByteBuf frame) {
            log.trace("{} -> {}", ctx.channel().remoteAddress(), ByteBufUtil.hexDump(frame));
        }
        ctx.write(msg, promise);
    }
}
