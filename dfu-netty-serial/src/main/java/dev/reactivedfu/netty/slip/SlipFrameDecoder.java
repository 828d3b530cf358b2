package dev.reactivedfu.netty.slip;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes a SLIP byte stream into frames: each inbound message it emits is one {@link ByteBuf} holding an
 * unescaped, non-empty frame (the receiver owns and releases it).
 *
 * <p>Rules (DESIGN.md, "Framing", and the bootloader's own decoder hazards):
 * <ul>
 *   <li>An END closes the frame; bytes before the first END of a connection belong to the first frame.</li>
 *   <li>Empty frames (consecutive ENDs, a leading END) are ignored and not counted.</li>
 *   <li>{@code DB DC} is a data {@code C0}, {@code DB DD} a data {@code DB}. Any other byte after ESC (END
 *       included) is a bad escape: the frame is dropped and the decoder skips to the next END (the END right
 *       after the ESC counts as that END).</li>
 *   <li>A frame whose unescaped length would exceed {@code maxFrameLength} is dropped and the decoder skips to the
 *       next END.</li>
 * </ul>
 * Dropped frames are counted ({@link #droppedBadEscape()}, {@link #droppedOversized()}) and logged at DEBUG, never
 * raised as exceptions: a garbled frame is a line fault, and the request it answered will time out and be retried.
 * A partial frame left when the channel closes is discarded.
 *
 * <p>Not sharable: one instance per channel. The counters may be read from any thread.
 */
public final class SlipFrameDecoder extends ByteToMessageDecoder {

    /** Default largest frame accepted (unescaped bytes): a USB CDC bootloader's MTU, 2051, rounded up. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 4096;

    private static final Logger log = LoggerFactory.getLogger(SlipFrameDecoder.class);

    private final int maxFrameLength;
    private final AtomicLong badEscape = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();

    /** Unescaped bytes of the frame being assembled; null between frames. Owned by this decoder. */
    private ByteBuf frame;
    /** The previous byte was ESC (possibly at the end of the last read). */
    private boolean escaped;
    /** A frame was dropped: skip everything up to and including the next END. */
    private boolean discarding;

    /** A decoder accepting frames up to {@link #DEFAULT_MAX_FRAME_LENGTH} bytes. */
    public SlipFrameDecoder() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    /** A decoder accepting frames of at most {@code maxFrameLength} unescaped bytes. */
    public SlipFrameDecoder(int maxFrameLength) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("maxFrameLength must be at least 1, was " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    /** The largest frame accepted, in unescaped bytes. */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** Frames dropped because of an invalid escape sequence, since this decoder was created. */
    public long droppedBadEscape() {
        return badEscape.get();
    }

    /** Frames dropped because they ran past {@link #maxFrameLength()}, since this decoder was created. */
    public long droppedOversized() {
        return oversized.get();
    }

    /** All frames dropped so far. */
    public long droppedFrames() {
        return badEscape.get() + oversized.get();
    }

    /** Emits at most one frame per call; the base class calls again while input remains. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int end = in.indexOf(in.readerIndex(), in.writerIndex(), Slip.END);
            int spanEnd = end < 0 ? in.writerIndex() : end;
            if (discarding) {
                in.readerIndex(spanEnd);
            } else {
                unescape(ctx, in, spanEnd);
            }
            if (end < 0) {
                return;
            }
            // in.readerIndex() == end, or earlier if unescape hit a fault: then we are discarding up to end.
            if (in.readerIndex() < end) {
                continue;
            }
            in.skipBytes(1);
            if (discarding) {
                discarding = false;
                continue;
            }
            if (escaped) {
                escaped = false;
                drop(badEscape, "ESC followed by END");
                discarding = false; // this END closed the dropped frame
                continue;
            }
            if (frame != null && frame.isReadable()) {
                out.add(frame);
                frame = null;
                return;
            }
            // an empty frame: ignored
            if (frame != null) {
                frame.release();
                frame = null;
            }
        }
    }

    /** Appends the unescaped bytes of {@code in[readerIndex, to)} to the current frame, or starts discarding. */
    private void unescape(ChannelHandlerContext ctx, ByteBuf in, int to) {
        int from = in.readerIndex();
        if (from == to) {
            return;
        }
        if (frame == null) {
            frame = ctx.alloc().buffer(Math.min(to - from, maxFrameLength));
        }
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (escaped) {
                escaped = false;
                if (b == Slip.ESC_END) {
                    b = Slip.END;
                } else if (b == Slip.ESC_ESC) {
                    b = Slip.ESC;
                } else {
                    in.readerIndex(i + 1);
                    drop(badEscape, String.format("ESC followed by %02X", b & 0xFF));
                    return;
                }
            } else if (b == Slip.ESC) {
                escaped = true;
                continue;
            }
            if (frame.writerIndex() == maxFrameLength) {
                in.readerIndex(i + 1);
                drop(oversized, "longer than " + maxFrameLength + " bytes");
                return;
            }
            frame.writeByte(b);
        }
        in.readerIndex(to);
    }

    private void drop(AtomicLong counter, String why) {
        counter.incrementAndGet();
        discarding = true;
        escaped = false;
        if (frame != null) {
            frame.release();
            frame = null;
        }
        log.debug("dropped a SLIP frame ({}); resynchronising on the next END", why);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (frame != null) {
            frame.release();
            frame = null;
        }
        escaped = false;
        discarding = false;
    }
}
