package dev.reactivedfu.protocol;

/** The extra byte of an {@link ResultCode#EXTENDED_ERROR} response, with what a user can do about it. */
public enum ExtendedError {
    NO_ERROR(0x00, "no extended error"),
    INVALID_ERROR_CODE(0x01, "invalid extended error code"),
    WRONG_COMMAND_FORMAT(0x02, "wrong command format"),
    UNKNOWN_COMMAND(0x03, "unknown command"),
    INIT_COMMAND_INVALID(0x04, "init command invalid"),
    FW_VERSION_FAILURE(0x05, "firmware version failure: the package's fw_version is lower than the installed one"),
    HW_VERSION_FAILURE(0x06, "hardware version failure: the package's hw_version does not match this board (or a debug package on a release bootloader)"),
    SD_VERSION_FAILURE(0x07, "SoftDevice version failure: the installed SoftDevice is not in the package's sd_req"),
    SIGNATURE_MISSING(0x08, "signature missing: the bootloader requires a signed package"),
    WRONG_HASH_TYPE(0x09, "wrong hash type"),
    HASH_FAILED(0x0A, "hash failed"),
    WRONG_SIGNATURE_TYPE(0x0B, "wrong signature type"),
    VERIFICATION_FAILED(0x0C, "verification failed: the firmware does not match the init packet's hash or signature"),
    INSUFFICIENT_SPACE(0x0D, "insufficient space for the firmware");

    private static final ExtendedError[] BY_CODE = new ExtendedError[0x0E];

    static {
        for (ExtendedError e : values()) {
            BY_CODE[e.code] = e;
        }
    }

    private final int code;
    private final String meaning;

    ExtendedError(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The extended error's wire byte. */
    public int code() {
        return code;
    }

    /** What the error means, in words a station operator can act on. */
    public String meaning() {
        return meaning;
    }

    /** @return the extended error for a wire byte, or {@code null} when it names none */
    public static ExtendedError fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    @Override
    public String toString() {
        return String.format("0x%02X %s", code, meaning);
    }
}
