package dev.reactivedfu.protocol;

/** Result byte of a DFU response ({@code 60 op result ...}). */
public enum ResultCode {
    INVALID(0x00, "invalid code"),
    SUCCESS(0x01, "success"),
    OP_CODE_NOT_SUPPORTED(0x02, "opcode not supported"),
    INVALID_PARAMETER(0x03, "invalid parameter"),
    INSUFFICIENT_RESOURCES(0x04, "insufficient resources"),
    INVALID_OBJECT(0x05, "invalid object"),
    UNSUPPORTED_TYPE(0x07, "unsupported object type"),
    OPERATION_NOT_PERMITTED(0x08, "operation not permitted"),
    OPERATION_FAILED(0x0A, "operation failed"),
    /** 0x0B: one more byte follows, an {@link ExtendedError}. */
    EXTENDED_ERROR(0x0B, "extended error");

    private static final ResultCode[] BY_CODE = new ResultCode[0x0C];

    static {
        for (ResultCode r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;
    private final String meaning;

    ResultCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The result's wire byte. */
    public int code() {
        return code;
    }

    /** What the result means, in words. */
    public String meaning() {
        return meaning;
    }

    /** @return the result for a wire byte, or {@code null} when it names none */
    public static ResultCode fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    @Override
    public String toString() {
        return String.format("0x%02X %s", code, meaning);
    }
}
