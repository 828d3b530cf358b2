package dev.reactivedfu.protocol;

import java.util.Optional;

/**
 * A response from device to host: {@code 0x60}, the request's opcode, a result byte and, on success, the opcode's
 * payload (DESIGN.md, "Protocol facts"). u32 fields are carried as {@code long} so that no value turns negative.
 */
public sealed interface DfuResponse extends DfuInbound {

    /** The opcode of the request this answers. */
    OpCode opCode();

    /** The result byte; {@link ResultCode#SUCCESS} for every type except {@link Error}. */
    default ResultCode result() {
        return ResultCode.SUCCESS;
    }

    /** Success of a request whose answer carries no payload: CREATE, SET PRN, EXECUTE (and ABORT, where answered). */
    record Ack(OpCode opCode) implements DfuResponse {
        public Ack {
            switch (opCode) {
                case CREATE, SET_PRN, EXECUTE, ABORT -> { }
                default -> throw new IllegalArgumentException(opCode + " answers with a payload, not a bare ack");
            }
        }
    }

    /** Protocol version (1 on SDK 15–17). */
    record ProtocolVersion(int version) implements DfuResponse {
        public OpCode opCode() { return OpCode.PROTOCOL_VERSION; }
    }

    /**
     * Offset and CRC-32 of the current object type from its start: the answer to CRC GET and, identical on the wire,
     * every PRN notification.
     */
    record Crc(long offset, long crc) implements DfuResponse {
        public OpCode opCode() { return OpCode.CRC_GET; }
    }

    /** SELECT: the type's maximum object size, the offset reached and the CRC up to it. */
    record Select(long maxSize, long offset, long crc) implements DfuResponse {
        public OpCode opCode() { return OpCode.SELECT; }
    }

    /** MTU: the largest SLIP-encoded frame the device accepts. */
    record Mtu(int mtu) implements DfuResponse {
        public OpCode opCode() { return OpCode.MTU_GET; }
    }

    /** Ping echo. */
    record Ping(int id) implements DfuResponse {
        public OpCode opCode() { return OpCode.PING; }
    }

    /** Hardware version: part (e.g. 0x52840), variant, ROM size, RAM size, ROM page size. */
    record HardwareVersion(long part, long variant, long romSize, long ramSize, long romPageSize)
            implements DfuResponse {
        public OpCode opCode() { return OpCode.HARDWARE_VERSION; }
    }

    /**
     * Firmware version of one image: type (0 SoftDevice, 1 application, 2 bootloader, 0xFF none), version, start
     * address and length.
     */
    record FirmwareVersion(int type, long version, long address, long length) implements DfuResponse {
        /** Image type byte for "no image". */
        public static final int TYPE_NONE = 0xFF;

        public OpCode opCode() { return OpCode.FIRMWARE_VERSION; }
    }

    /**
     * Any result other than success. {@code extended} is present exactly when the result is
     * {@link ResultCode#EXTENDED_ERROR}.
     */
    record Error(OpCode opCode, ResultCode result, Optional<ExtendedError> extended) implements DfuResponse {
        public Error {
            if (result == ResultCode.SUCCESS) {
                throw new IllegalArgumentException("an error response cannot carry SUCCESS");
            }
            if ((result == ResultCode.EXTENDED_ERROR) != extended.isPresent()) {
                throw new IllegalArgumentException("extended code goes with result 0x0B and only with it");
            }
        }

        /** Error without extended code. */
        public Error(OpCode opCode, ResultCode result) {
            this(opCode, result, Optional.empty());
        }

        /** Extended error (result 0x0B). */
        public Error(OpCode opCode, ExtendedError extended) {
            this(opCode, ResultCode.EXTENDED_ERROR, Optional.of(extended));
        }
    }
}
