package dev.reactivedfu.archive.settings;

import java.util.Arrays;

/**
 * How the bootloader checks an image before it boots it ({@code boot_validation_type_t}, SDK 15.3 and later), by
 * nrfutil's option values; the code is the {@code type} byte of {@code boot_validation_t}.
 */
public enum BootValidationType {
    /** Boot without a check. */
    NO_VALIDATION(0),
    /** CRC-32 of the image; 4 bytes, little-endian. */
    VALIDATE_GENERATED_CRC(1),
    /** SHA-256 of the image; 32 bytes, byte-reversed (little-endian) as nrfutil stores hashes. */
    VALIDATE_GENERATED_SHA256(2),
    /** ECDSA P-256 signature over the image's SHA-256; 64 bytes, r then s, each little-endian. */
    VALIDATE_ECDSA_P256_SHA256(3);

    private static final BootValidationType[] BY_CODE = new BootValidationType[4];

    static {
        Arrays.stream(values()).forEach(t -> BY_CODE[t.code] = t);
    }

    private final int code;

    BootValidationType(int code) {
        this.code = code;
    }

    /** The {@code type} byte. */
    public int code() {
        return code;
    }

    /**
     * The type of a {@code type} byte.
     *
     * @throws IllegalArgumentException for an unknown code
     */
    public static BootValidationType ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown boot validation type " + code);
        }
        return BY_CODE[code];
    }
}
