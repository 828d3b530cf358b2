package dev.reactivedfu.protocol;

import java.util.HexFormat;

/**
 * What a transport hands the engine for each frame it receives: a decoded {@link DfuResponse}, or a
 * {@link Malformed} frame that could not be decoded (a garbled answer is a line fault, not a reason to
 * tear the connection down).
 */
public sealed interface DfuInbound permits DfuResponse, DfuInbound.Malformed {

    /** A frame that arrived whole (SLIP-wise) but is not a valid response; {@code reason} says why. */
    record Malformed(byte[] frame, String reason) implements DfuInbound {
        public Malformed {
            frame = frame.clone();
        }

        @Override
        public byte[] frame() {
            return frame.clone();
        }

        @Override
        public String toString() {
            return "Malformed[" + reason + ": " + HexFormat.of().formatHex(frame) + "]";
        }
    }
}
