package dev.reactivedfu.error;

/** A DFU package that cannot be used: unreadable, malformed, hostile, or failing its hash or signature check. */
public final class PackageException extends DfuException {

    /** What is wrong with the package. */
    public enum Fault {
        NOT_A_ZIP, TRUNCATED, UNSAFE_ENTRY, DUPLICATE_ENTRY, MISSING_ENTRY, MANIFEST, INIT_PACKET, TOO_LARGE,
        SIZE_MISMATCH, UNSUPPORTED_HASH, HASH_MISMATCH, SIGNATURE_INVALID, UNSIGNED, KEY, IO,
        /**
         * An init packet nrfutil could not have written: a duplicated singular field, a second command or signed
         * command, a command beside the signed one, an unknown field or enum value. Such a packet can make what is
         * signed differ from what is read (issue 8), and the bootloader refuses it.
         */
        NONSTANDARD_INIT_PACKET,
        /** A malformed Intel HEX file (the message names the line). */
        HEX,
        /** Generation options that cannot be honoured together (the message names the option). */
        OPTION
    }

    private final String file;
    private final Fault fault;

    public PackageException(String file, Fault fault, String detail) {
        this(file, fault, detail, null);
    }

    public PackageException(String file, Fault fault, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
        this.fault = fault;
    }

    /** The package (or key) file named by the user. */
    public String file() {
        return file;
    }

    public Fault fault() {
        return fault;
    }


    @Override
    public String advice() {
        return switch (fault) {
            case SIGNATURE_INVALID -> "check that the key is the one the package was signed with";
            case KEY -> "pass a P-256 key: a private key PEM to sign, a public key (PEM or nrfutil's hex form) to verify";
            case UNSIGNED -> "sign the package (nrfutil pkg generate --key-file)";
            case IO -> "check the path: an input must exist and be readable, an output's directory must exist and be writable";
            case NONSTANDARD_INIT_PACKET -> "do not flash it: the init packet may have been altered after signing; "
                    + "rebuild the package with nrfutil pkg generate";
            case HEX -> "check that the file is an Intel HEX file as the compiler wrote it";
            case OPTION -> "fix the option the message names";
            default -> "rebuild the package with nrfutil pkg generate";
        };
    }
}
