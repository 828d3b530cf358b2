package dev.reactivedfu.error;

import java.util.HexFormat;

/**
 * Bytes that do not follow the protocol: a malformed response, an answer to another opcode, a wrong ping id.
 * Says what was expected and what arrived (hex).
 */
public final class ProtocolViolationException extends DfuException {

    private final byte[] frame;

    public ProtocolViolationException(String expected, byte[] frame) {
        super(expected + "; got " + (frame == null ? "nothing" : "[" + HexFormat.ofDelimiter(" ").formatHex(frame) + "]"),
                null);
        this.frame = frame == null ? new byte[0] : frame.clone();
    }

    /** The offending bytes. */
    public byte[] frame() {
        return frame.clone();
    }


    @Override
    public String advice() {
        return "check that the port is a DFU bootloader at the right baud rate";
    }
}
