package dev.reactivedfu.archive;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 and byte order, the one helper for the whole project: an init packet stores its image's SHA-256
 * byte-reversed (little-endian, as the bootloader compares it), and nrfutil's keys and signatures are little-endian
 * too.
 */
public final class Sha256 {

    private Sha256() {
    }

    /** The SHA-256 of {@code data}, in the usual (big-endian) order. */
    public static byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The hash an init packet stores for {@code firmware}: its SHA-256 byte-reversed. */
    public static byte[] initPacketHash(byte[] firmware) {
        return reversed(digest(firmware));
    }

    /** A copy of {@code b} in reverse order. */
    public static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }
}
