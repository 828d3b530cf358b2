package dev.reactivedfu.protocol;

/**
 * Request opcodes of the nRF5 SDK 15–17 secure DFU serial protocol, each carrying its wire code.
 *
 * <p>pc-nrfutil knows only {@link #CREATE} to {@link #PING}; {@link #PROTOCOL_VERSION},
 * {@link #HARDWARE_VERSION}, {@link #FIRMWARE_VERSION} and {@link #ABORT} must be probed, and a
 * {@link ResultCode#OP_CODE_NOT_SUPPORTED} answer handled gracefully.
 */
public enum OpCode {
    /** 0x00: protocol version; answers one byte (1 on SDK 15–17). */
    PROTOCOL_VERSION(0x00),
    /** 0x01: create object; u8 type, u32 size. A data CREATE erases its flash page before answering. */
    CREATE(0x01),
    /** 0x02: set receipt notification; u16 n (0 = off). */
    SET_PRN(0x02),
    /** 0x03: CRC get; answers u32 offset, u32 crc. Also the opcode of PRN notifications. */
    CRC_GET(0x03),
    /** 0x04: execute the current object. */
    EXECUTE(0x04),
    /** 0x06: select object; u8 type; answers u32 max size, u32 offset, u32 crc. */
    SELECT(0x06),
    /** 0x07: MTU get; answers u16 mtu, the largest SLIP-encoded frame the device accepts. */
    MTU_GET(0x07),
    /** 0x08: write object data; answered only by PRN notifications. */
    WRITE(0x08),
    /** 0x09: ping; u8 id; answers the same id. */
    PING(0x09),
    /** 0x0A: hardware version; answers part, variant, rom size, ram size, rom page size. */
    HARDWARE_VERSION(0x0A),
    /** 0x0B: firmware version; u8 image; answers type, version, address, length. */
    FIRMWARE_VERSION(0x0B),
    /** 0x0C: abort; in practice never answered, the bootloader saves its settings and resets. */
    ABORT(0x0C);

    /** First byte of every response frame. */
    public static final int RESPONSE = 0x60;

    private static final OpCode[] BY_CODE = new OpCode[0x0D];

    static {
        for (OpCode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    OpCode(int code) {
        this.code = code;
    }

    /** The opcode's wire byte. */
    public int code() {
        return code;
    }

    /**
     * Looks an opcode up by its wire byte.
     *
     * @return the opcode, or {@code null} when the byte names none (0x05 and everything above 0x0C)
     */
    public static OpCode fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    @Override
    public String toString() {
        return name() + String.format("(0x%02X)", code);
    }
}
