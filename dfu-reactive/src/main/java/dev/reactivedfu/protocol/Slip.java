package dev.reactivedfu.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * SLIP framing as the nRF5 serial DFU transport uses it (DESIGN.md, "Protocol facts"): END {@code 0xC0}, ESC
 * {@code 0xDB}; {@code 0xC0} in data is sent as {@code DB DC}, {@code 0xDB} as {@code DB DD}; each frame is the
 * escaped message followed by exactly one END.
 *
 * <p>{@link #encode(byte[])} never produces an empty frame and never a leading END: Nordic's decoder processes an
 * empty frame as a packet holding the previous request's bytes, so a lone END would execute the last request again.
 * {@link Decoder} is the host side's tolerant decoder; the simulated target has its own decoder with Nordic's hazards.
 */
public final class Slip {

    /** Frame delimiter. */
    public static final int END = 0xC0;
    /** Escape byte. */
    public static final int ESC = 0xDB;
    /** After {@link #ESC}: an escaped END. */
    public static final int ESC_END = 0xDC;
    /** After {@link #ESC}: an escaped ESC. */
    public static final int ESC_ESC = 0xDD;

    private Slip() {
    }

    /**
     * Encodes one message as one frame: the escaped bytes, then one END.
     *
     * @throws IllegalArgumentException when the message is empty (an empty frame re-executes the previous request
     *                                  on Nordic's bootloader)
     */
    public static byte[] encode(byte[] message) {
        if (message.length == 0) {
            throw new IllegalArgumentException("refusing to encode an empty SLIP frame: the bootloader would re-execute "
                    + "the previous request");
        }
        int escapes = 0;
        for (byte b : message) {
            int v = b & 0xFF;
            if (v == END || v == ESC) {
                escapes++;
            }
        }
        byte[] out = new byte[message.length + escapes + 1];
        int i = 0;
        for (byte b : message) {
            int v = b & 0xFF;
            if (v == END) {
                out[i++] = (byte) ESC;
                out[i++] = (byte) ESC_END;
            } else if (v == ESC) {
                out[i++] = (byte) ESC;
                out[i++] = (byte) ESC_ESC;
            } else {
                out[i++] = b;
            }
        }
        out[i] = (byte) END;
        return out;
    }

    /** Length of {@code message} once framed: its bytes, one more per byte to escape, and the END. */
    public static int encodedLength(byte[] message) {
        int n = message.length + 1;
        for (byte b : message) {
            int v = b & 0xFF;
            if (v == END || v == ESC) {
                n++;
            }
        }
        return n;
    }

    /**
     * A streaming SLIP decoder for the host side: feed it bytes as they arrive, get whole frames out.
     *
     * <p>A frame with a bad escape (ESC followed by anything but {@code DC}/{@code DD}) or longer than the maximum
     * is dropped and counted, and the decoder resynchronises on the next END. Empty frames (consecutive ENDs, or an
     * END first) are ignored and not counted. Not thread-safe: one decoder per connection, fed in order.
     */
    public static final class Decoder {

        private final int maxFrameLength;
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        private boolean escaped;
        private boolean discarding;
        private long droppedFrames;

        /**
         * @param maxFrameLength longest decoded frame accepted; longer frames are dropped
         * @throws IllegalArgumentException when not positive
         */
        public Decoder(int maxFrameLength) {
            if (maxFrameLength <= 0) {
                throw new IllegalArgumentException("max frame length must be positive, was " + maxFrameLength);
            }
            this.maxFrameLength = maxFrameLength;
        }

        /** Feeds bytes; returns the frames they completed, in order (often none). */
        public List<byte[]> feed(byte[] bytes) {
            return feed(bytes, 0, bytes.length);
        }

        /** Feeds {@code length} bytes of {@code bytes} from {@code offset}; returns the frames they completed. */
        public List<byte[]> feed(byte[] bytes, int offset, int length) {
            List<byte[]> frames = new ArrayList<>(1);
            feed(bytes, offset, length, frames::add);
            return frames;
        }

        /** Feeds bytes, handing each completed frame to {@code onFrame} as soon as its END arrives. */
        public void feed(byte[] bytes, int offset, int length, Consumer<byte[]> onFrame) {
            for (int i = offset; i < offset + length; i++) {
                int v = bytes[i] & 0xFF;
                if (v == END) {
                    if (escaped && !discarding) {
                        droppedFrames++; // ESC END: a bad escape; this END still closes the frame
                    } else if (!discarding && frame.size() > 0) {
                        onFrame.accept(frame.toByteArray());
                    }
                    reset();
                    continue;
                }
                if (discarding) {
                    continue;
                }
                int decoded;
                if (escaped) {
                    escaped = false;
                    if (v == ESC_END) {
                        decoded = END;
                    } else if (v == ESC_ESC) {
                        decoded = ESC;
                    } else {
                        drop();
                        continue;
                    }
                } else if (v == ESC) {
                    escaped = true;
                    continue;
                } else {
                    decoded = v;
                }
                if (frame.size() >= maxFrameLength) {
                    drop();
                    continue;
                }
                frame.write(decoded);
            }
        }

        /** Frames dropped so far (bad escape or too long). */
        public long droppedFrames() {
            return droppedFrames;
        }

        /** Whether bytes of an unfinished frame are pending (or being discarded up to the next END). */
        public boolean hasPartialFrame() {
            return frame.size() > 0 || escaped || discarding;
        }

        private void drop() {
            droppedFrames++;
            discarding = true;
            escaped = false;
            frame.reset();
        }

        private void reset() {
            frame.reset();
            escaped = false;
            discarding = false;
        }
    }
}
