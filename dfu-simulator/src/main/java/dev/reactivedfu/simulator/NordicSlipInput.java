package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.Slip;

import java.util.Arrays;

/**
 * The bootloader's SLIP input (SDK 17.1 {@code slip_decode_add_byte} and the serial transport around it), hazards
 * included (DESIGN.md, "The SLIP decoder has hazards a master must steer around"):
 * <ul>
 *   <li>An END with nothing decoded (an empty frame) completes a packet of length 0, which the transport processes
 *       from a buffer still holding the previous packet: the previous request is executed again.</li>
 *   <li>Bytes without a closing END stay in the buffer, so a host killed mid-frame leaves them to be prepended to
 *       the next host's first frame; the combined packet is processed as its first byte says.</li>
 *   <li>Once {@code capacity} (the MTU) bytes are decoded, every further byte, END included, is refused: the decoder
 *       stays full and the device answers nothing until it is reset (a frame of MTU decoded bytes or more jams it).</li>
 *   <li>A bad escape drops the frame silently up to the next END.</li>
 * </ul>
 * The buffer keeps stale bytes past the current packet's end, as the real one does, and short packets read them.
 */
final class NordicSlipInput {

    /** A completed packet: {@code buffer[0, length)}, the rest of the buffer stale. */
    record Packet(byte[] buffer, int length, boolean replay) {
        /** The packet's bytes. */
        byte[] bytes() {
            return Arrays.copyOf(buffer, length);
        }
    }

    private enum State { DECODING, ESCAPED, CLEARING }

    private final int capacity;
    private final byte[] buffer;
    private int index;
    private State state = State.DECODING;
    private Packet previous;
    private long badEscapes;
    private long refusedBytes;

    /** A decoder holding at most {@code capacity} decoded bytes. */
    NordicSlipInput(int capacity) {
        this.capacity = capacity;
        this.buffer = new byte[capacity + 16];
    }

    /** Adds one received byte; returns the packet it completed, or {@code null}. */
    Packet add(int b) {
        b &= 0xFF;
        if (index == capacity) {
            refusedBytes++;
            return null;
        }
        switch (state) {
            case DECODING -> {
                if (b == Slip.END) {
                    return complete();
                } else if (b == Slip.ESC) {
                    state = State.ESCAPED;
                } else {
                    buffer[index++] = (byte) b;
                }
            }
            case ESCAPED -> {
                if (b == Slip.ESC_END) {
                    buffer[index++] = (byte) Slip.END;
                    state = State.DECODING;
                } else if (b == Slip.ESC_ESC) {
                    buffer[index++] = (byte) Slip.ESC;
                    state = State.DECODING;
                } else {
                    badEscapes++;
                    state = State.CLEARING;
                }
            }
            case CLEARING -> {
                if (b == Slip.END) {
                    state = State.DECODING;
                    index = 0;
                }
            }
        }
        return null;
    }

    private Packet complete() {
        Packet p;
        if (index == 0) {
            if (previous == null) {
                return null; // nothing was ever received: the buffer holds no request
            }
            p = new Packet(previous.buffer(), previous.length(), true);
        } else {
            p = new Packet(buffer.clone(), index, false);
        }
        previous = p;
        index = 0;
        return p;
    }

    /** Whether the decoder is full and refuses every byte until a reset. */
    boolean jammed() {
        return index == capacity;
    }

    /** Decoded bytes of an unfinished frame waiting in the buffer. */
    int pending() {
        return index;
    }

    /** Frames dropped for a bad escape. */
    long badEscapes() {
        return badEscapes;
    }

    /** Bytes refused because the buffer was full. */
    long refusedBytes() {
        return refusedBytes;
    }
}
