package dev.reactivedfu.protocol;

import dev.reactivedfu.error.ProtocolViolationException;

import java.util.Optional;

/**
 * Byte codec of DFU messages, both directions, without framing (SLIP is the transport's business). The host
 * encodes requests and decodes responses; the simulated target decodes requests and encodes responses. All
 * integers are little-endian. Decoding never throws anything but {@link ProtocolViolationException}, whose
 * message says what was expected and shows the bytes that arrived.
 */
public final class DfuCodec {

    private DfuCodec() {
    }

    // ---------------------------------------------------------------- host side

    /** Encodes a request to its wire bytes (opcode, then parameters). */
    public static byte[] encodeRequest(DfuRequest request) {
        byte[] out = new byte[request.encodedLength()];
        out[0] = (byte) request.opCode().code();
        if (request instanceof DfuRequest.Create c) {
            out[1] = (byte) c.type().code();
            putU32(out, 2, c.size());
        } else if (request instanceof DfuRequest.SetPrn p) {
            putU16(out, 1, p.interval());
        } else if (request instanceof DfuRequest.Select s) {
            out[1] = (byte) s.type().code();
        } else if (request instanceof DfuRequest.Write w) {
            w.copyTo(out, 1);
        } else if (request instanceof DfuRequest.Ping p) {
            out[1] = (byte) p.id();
        } else if (request instanceof DfuRequest.FirmwareVersion f) {
            out[1] = (byte) f.image();
        }
        return out;
    }

    /**
     * Decodes one response frame.
     *
     * @throws ProtocolViolationException when the frame is empty, does not start with 0x60, names an unknown opcode,
     *                                    result or extended code, or its payload is truncated or overlong
     */
    public static DfuResponse decodeResponse(byte[] frame) {
        if (frame.length < 3) {
            throw violation("a response of at least 3 bytes (60 op result), not " + frame.length, frame);
        }
        if ((frame[0] & 0xFF) != OpCode.RESPONSE) {
            throw violation(String.format("a response starting with 0x60, not 0x%02X", frame[0] & 0xFF), frame);
        }
        OpCode op = OpCode.fromCode(frame[1] & 0xFF);
        if (op == null) {
            throw violation(String.format("a response to a known opcode (0x00-0x04, 0x06-0x0C), not 0x%02X",
                    frame[1] & 0xFF), frame);
        }
        ResultCode result = ResultCode.fromCode(frame[2] & 0xFF);
        if (result == null) {
            throw violation(String.format("a known result code in the response to %s, not 0x%02X", op,
                    frame[2] & 0xFF), frame);
        }
        if (result != ResultCode.SUCCESS) {
            if (result == ResultCode.EXTENDED_ERROR) {
                expectLength(frame, 4, op + " extended error response", "60 op 0B ext");
                ExtendedError ext = ExtendedError.fromCode(frame[3] & 0xFF);
                if (ext == null) {
                    throw violation(String.format("a known extended error code (0x00-0x0D) in the response to %s, "
                            + "not 0x%02X", op, frame[3] & 0xFF), frame);
                }
                return new DfuResponse.Error(op, result, Optional.of(ext));
            }
            expectLength(frame, 3, op + " error response", "60 op result");
            return new DfuResponse.Error(op, result, Optional.empty());
        }
        int p = 3;
        String what = op + " response";
        switch (op) {
            case PROTOCOL_VERSION:
                expectLength(frame, p + 1, what, "60 00 01, u8 version");
                return new DfuResponse.ProtocolVersion(frame[p] & 0xFF);
            case CREATE:
            case SET_PRN:
            case EXECUTE:
            case ABORT:
                expectLength(frame, p, what, "60 op 01, no payload");
                return new DfuResponse.Ack(op);
            case CRC_GET:
                expectLength(frame, p + 8, what, "60 03 01, u32 offset, u32 crc");
                return new DfuResponse.Crc(u32(frame, p), u32(frame, p + 4));
            case SELECT:
                expectLength(frame, p + 12, what, "60 06 01, u32 max size, u32 offset, u32 crc");
                return new DfuResponse.Select(u32(frame, p), u32(frame, p + 4), u32(frame, p + 8));
            case MTU_GET:
                expectLength(frame, p + 2, what, "60 07 01, u16 mtu");
                return new DfuResponse.Mtu(u16(frame, p));
            case PING:
                expectLength(frame, p + 1, what, "60 09 01, u8 id");
                return new DfuResponse.Ping(frame[p] & 0xFF);
            case HARDWARE_VERSION:
                expectLength(frame, p + 20, what,
                        "60 0A 01, u32 part, u32 variant, u32 rom size, u32 ram size, u32 rom page size");
                return new DfuResponse.HardwareVersion(u32(frame, p), u32(frame, p + 4), u32(frame, p + 8),
                        u32(frame, p + 12), u32(frame, p + 16));
            case FIRMWARE_VERSION:
                expectLength(frame, p + 13, what, "60 0B 01, u8 type, u32 version, u32 addr, u32 len");
                return new DfuResponse.FirmwareVersion(frame[p] & 0xFF, u32(frame, p + 1), u32(frame, p + 5),
                        u32(frame, p + 9));
            case WRITE:
                throw violation("no success response to WRITE(0x08) (PRN notifications answer as CRC_GET(0x03))",
                        frame);
            default:
                throw new AssertionError(op);
        }
    }

    /**
     * Decodes the answer to a request of opcode {@code request}: like {@link #decodeResponse(byte[])}, and the
     * response must name that opcode. A PRN notification ({@code 60 03 01 ...}) is therefore accepted only for
     * {@link OpCode#CRC_GET}; an engine streaming WRITEs takes notifications from {@link #decodeResponse(byte[])}.
     *
     * @throws ProtocolViolationException as {@link #decodeResponse(byte[])}, or when the frame answers another
     *                                    opcode
     */
    public static DfuResponse decodeResponseTo(OpCode request, byte[] frame) {
        DfuResponse response = decodeResponse(frame);
        if (response.opCode() != request) {
            throw violation("a response to " + request + ", not to " + response.opCode(), frame);
        }
        return response;
    }

    /** Decodes a frame for the engine: a response, or a {@link DfuInbound.Malformed} saying why it is not one. */
    public static DfuInbound decodeInbound(byte[] frame) {
        try {
            return decodeResponse(frame);
        } catch (ProtocolViolationException e) {
            return new DfuInbound.Malformed(frame, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- target side

    /**
     * Decodes a request as the target sees it.
     *
     * @throws ProtocolViolationException when the frame is empty, names an unknown opcode (the target answers
     *                                    0x02), or its parameters are truncated or overlong
     */
    public static DfuRequest decodeRequest(byte[] frame) {
        if (frame.length == 0) {
            throw violation("a request of at least one byte (the opcode), not an empty frame", frame);
        }
        OpCode op = OpCode.fromCode(frame[0] & 0xFF);
        if (op == null) {
            throw violation(String.format("a known request opcode (0x00-0x04, 0x06-0x0C), not 0x%02X", frame[0] & 0xFF), frame);
        }
        switch (op) {
            case PROTOCOL_VERSION:
                expectLength(frame, 1, op + " request", "opcode only");
                return new DfuRequest.ProtocolVersion();
            case CREATE: {
                expectLength(frame, 6, op + " request", "01, u8 type, u32 size");
                ObjectType type = objectType(frame, op);
                return new DfuRequest.Create(type, u32(frame, 2));
            }
            case SET_PRN:
                expectLength(frame, 3, op + " request", "02, u16 interval");
                return new DfuRequest.SetPrn(u16(frame, 1));
            case CRC_GET:
                expectLength(frame, 1, op + " request", "opcode only");
                return new DfuRequest.CrcGet();
            case EXECUTE:
                expectLength(frame, 1, op + " request", "opcode only");
                return new DfuRequest.Execute();
            case SELECT:
                expectLength(frame, 2, op + " request", "06, u8 type");
                return new DfuRequest.Select(objectType(frame, op));
            case MTU_GET:
                expectLength(frame, 1, op + " request", "opcode only");
                return new DfuRequest.MtuGet();
            case WRITE: {
                byte[] data = new byte[frame.length - 1];
                System.arraycopy(frame, 1, data, 0, data.length);
                return new DfuRequest.Write(data);
            }
            case PING:
                expectLength(frame, 2, op + " request", "09, u8 id");
                return new DfuRequest.Ping(frame[1] & 0xFF);
            case HARDWARE_VERSION:
                expectLength(frame, 1, op + " request", "opcode only");
                return new DfuRequest.HardwareVersion();
            case FIRMWARE_VERSION:
                expectLength(frame, 2, op + " request", "0B, u8 image");
                return new DfuRequest.FirmwareVersion(frame[1] & 0xFF);
            case ABORT:
                expectLength(frame, 1, op + " request", "opcode only");
                return new DfuRequest.Abort();
            default:
                throw new AssertionError(op);
        }
    }

    /** Encodes a response as the target sends it. */
    public static byte[] encodeResponse(DfuResponse response) {
        byte[] out;
        if (response instanceof DfuResponse.Error e) {
            out = new byte[e.extended().isPresent() ? 4 : 3];
            e.extended().ifPresent(x -> out[3] = (byte) x.code());
        } else if (response instanceof DfuResponse.Ack) {
            out = new byte[3];
        } else if (response instanceof DfuResponse.ProtocolVersion v) {
            out = new byte[4];
            out[3] = (byte) v.version();
        } else if (response instanceof DfuResponse.Crc c) {
            out = new byte[11];
            putU32(out, 3, c.offset());
            putU32(out, 7, c.crc());
        } else if (response instanceof DfuResponse.Select s) {
            out = new byte[15];
            putU32(out, 3, s.maxSize());
            putU32(out, 7, s.offset());
            putU32(out, 11, s.crc());
        } else if (response instanceof DfuResponse.Mtu m) {
            out = new byte[5];
            putU16(out, 3, m.mtu());
        } else if (response instanceof DfuResponse.Ping p) {
            out = new byte[4];
            out[3] = (byte) p.id();
        } else if (response instanceof DfuResponse.HardwareVersion h) {
            out = new byte[23];
            putU32(out, 3, h.part());
            putU32(out, 7, h.variant());
            putU32(out, 11, h.romSize());
            putU32(out, 15, h.ramSize());
            putU32(out, 19, h.romPageSize());
        } else if (response instanceof DfuResponse.FirmwareVersion f) {
            out = new byte[16];
            out[3] = (byte) f.type();
            putU32(out, 4, f.version());
            putU32(out, 8, f.address());
            putU32(out, 12, f.length());
        } else {
            throw new AssertionError(response);
        }
        out[0] = (byte) OpCode.RESPONSE;
        out[1] = (byte) response.opCode().code();
        out[2] = (byte) response.result().code();
        return out;
    }

    // ---------------------------------------------------------------- little-endian helpers

    /** Reads a little-endian u32 at {@code offset}. */
    public static long u32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | (b[offset + 1] & 0xFFL) << 8 | (b[offset + 2] & 0xFFL) << 16
                | (b[offset + 3] & 0xFFL) << 24;
    }

    /** Reads a little-endian u16 at {@code offset}. */
    public static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
    }

    /** Writes {@code value} as a little-endian u32 at {@code offset}. */
    public static void putU32(byte[] b, int offset, long value) {
        b[offset] = (byte) value;
        b[offset + 1] = (byte) (value >>> 8);
        b[offset + 2] = (byte) (value >>> 16);
        b[offset + 3] = (byte) (value >>> 24);
    }

    /** Writes {@code value} as a little-endian u16 at {@code offset}. */
    public static void putU16(byte[] b, int offset, int value) {
        b[offset] = (byte) value;
        b[offset + 1] = (byte) (value >>> 8);
    }

    private static ObjectType objectType(byte[] frame, OpCode op) {
        ObjectType type = ObjectType.fromCode(frame[1] & 0xFF);
        if (type == null) {
            throw violation(String.format("object type 0x01 (command) or 0x02 (data) in %s, not 0x%02X", op, frame[1] & 0xFF), frame);
        }
        return type;
    }

    private static void expectLength(byte[] frame, int length, String what, String layout) {
        if (frame.length != length) {
            throw violation(String.format("a %d-byte %s (%s), not %d bytes (%s)", length, what, layout, frame.length,
                    frame.length < length ? "truncated" : "overlong"), frame);
        }
    }

    private static ProtocolViolationException violation(String expected, byte[] frame) {
        return new ProtocolViolationException("expected " + expected, frame);
    }
}
