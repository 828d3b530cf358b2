package dev.reactivedfu.archive;

import java.util.Optional;

/** What became of an init packet's signature when its package was read. */
public enum SignatureCheck {
    /** The init packet is a plain {@code command}: there is nothing to verify. */
    UNSIGNED,
    /** Signed, but no public key was given, so the signature was not checked. */
    NOT_CHECKED,
    /** Signed, and the signature verifies with the given key. */
    VALID,
    /** Signed, and the signature does not verify with the given key (or is of a type other than ECDSA P-256). */
    INVALID;

    /**
     * The verdict as a yes/no, empty when there was no verdict ({@link #UNSIGNED}, {@link #NOT_CHECKED}); this is the
     * {@code signature_valid} of {@code dfu pkg display --json}.
     */
    public Optional<Boolean> valid() {
        return switch (this) {
            case VALID -> Optional.of(true);
            case INVALID -> Optional.of(false);
            case UNSIGNED, NOT_CHECKED -> Optional.empty();
        };
    }
}
