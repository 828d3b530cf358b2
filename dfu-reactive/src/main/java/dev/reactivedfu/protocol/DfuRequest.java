package dev.reactivedfu.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A request from host to device: one opcode byte and its little-endian parameters (DESIGN.md, "Protocol facts").
 * Values are immutable; {@link DfuCodec} turns them into bytes and back.
 */
public sealed interface DfuRequest {

    /** The request's opcode. */
    OpCode opCode();

    /** Number of bytes of the encoded request (before SLIP escaping). */
    int encodedLength();

    /** 0x00: asks the protocol version. */
    record ProtocolVersion() implements DfuRequest {
        public OpCode opCode() { return OpCode.PROTOCOL_VERSION; }
        public int encodedLength() { return 1; }
    }

    /** 0x01: creates an object of {@code type} and {@code size} bytes (u32). */
    record Create(ObjectType type, long size) implements DfuRequest {
        public Create {
            requireU32(size, "size");
            if (type == null) {
                throw new IllegalArgumentException("type is required");
            }
        }
        public OpCode opCode() { return OpCode.CREATE; }
        public int encodedLength() { return 6; }
    }

    /** 0x02: sets the receipt notification interval, {@code 0} switches notifications off (u16). */
    record SetPrn(int interval) implements DfuRequest {
        public SetPrn {
            if (interval < 0 || interval > 0xFFFF) {
                throw new IllegalArgumentException("PRN interval must be 0..65535, was " + interval);
            }
        }
        public OpCode opCode() { return OpCode.SET_PRN; }
        public int encodedLength() { return 3; }
    }

    /** 0x03: asks the offset and CRC of the current object type. */
    record CrcGet() implements DfuRequest {
        public OpCode opCode() { return OpCode.CRC_GET; }
        public int encodedLength() { return 1; }
    }

    /** 0x04: executes the current object. */
    record Execute() implements DfuRequest {
        public OpCode opCode() { return OpCode.EXECUTE; }
        public int encodedLength() { return 1; }
    }

    /** 0x06: selects the object type and asks its maximum size, offset and CRC. */
    record Select(ObjectType type) implements DfuRequest {
        public Select {
            if (type == null) {
                throw new IllegalArgumentException("type is required");
            }
        }
        public OpCode opCode() { return OpCode.SELECT; }
        public int encodedLength() { return 2; }
    }

    /** 0x07: asks the MTU. */
    record MtuGet() implements DfuRequest {
        public OpCode opCode() { return OpCode.MTU_GET; }
        public int encodedLength() { return 1; }
    }

    /**
     * 0x08: writes object data. The array is copied on construction and on access, so the value stays immutable;
     * use {@link #length()} and {@link #copyTo(byte[], int)} on hot paths.
     */
    record Write(byte[] data) implements DfuRequest {
        public Write {
            data = data.clone();
        }
        public OpCode opCode() { return OpCode.WRITE; }
        public int encodedLength() { return 1 + data.length; }

        /** A copy of the data bytes. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Number of data bytes. */
        public int length() {
            return data.length;
        }

        /** Copies the data bytes into {@code dst} at {@code offset}. */
        public void copyTo(byte[] dst, int offset) {
            System.arraycopy(data, 0, dst, offset, data.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Write w && Arrays.equals(data, w.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Write[" + data.length + " bytes: " + HexFormat.of().formatHex(data, 0, Math.min(16, data.length))
                    + (data.length > 16 ? "…]" : "]");
        }
    }

    /** 0x09: ping with an id (u8) that the answer must echo. */
    record Ping(int id) implements DfuRequest {
        public Ping {
            if (id < 0 || id > 0xFF) {
                throw new IllegalArgumentException("ping id must be 0..255, was " + id);
            }
        }
        public OpCode opCode() { return OpCode.PING; }
        public int encodedLength() { return 2; }
    }

    /** 0x0A: asks the hardware version. */
    record HardwareVersion() implements DfuRequest {
        public OpCode opCode() { return OpCode.HARDWARE_VERSION; }
        public int encodedLength() { return 1; }
    }

    /** 0x0B: asks the firmware version of image {@code image} (0 is the bootloader). */
    record FirmwareVersion(int image) implements DfuRequest {
        public FirmwareVersion {
            if (image < 0 || image > 0xFF) {
                throw new IllegalArgumentException("image must be 0..255, was " + image);
            }
        }
        public OpCode opCode() { return OpCode.FIRMWARE_VERSION; }
        public int encodedLength() { return 2; }
    }

    /** 0x0C: abort; the bootloader saves its settings and resets without answering. */
    record Abort() implements DfuRequest {
        public OpCode opCode() { return OpCode.ABORT; }
        public int encodedLength() { return 1; }
    }

    private static void requireU32(long value, String name) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " must fit in u32, was " + value);
        }
    }
}
