package dev.reactivedfu.protocol;

/** The two object types of secure DFU: the init packet (command) and the firmware (data). */
public enum ObjectType {
    /** 0x01: the init packet, at most 512 bytes (SELECT reports the maximum). */
    COMMAND(0x01),
    /** 0x02: firmware, in objects of at most one flash page (4096 bytes on nRF52). */
    DATA(0x02);

    private final int code;

    ObjectType(int code) {
        this.code = code;
    }

    /** The type's wire byte. */
    public int code() {
        return code;
    }

    /** @return the type for a wire byte, or {@code null} when it names none */
    public static ObjectType fromCode(int code) {
        return switch (code) {
            case 0x01 -> COMMAND;
            case 0x02 -> DATA;
            default -> null;
        };
    }
}
