package dev.reactivedfu.error;

/**
 * The port closed or failed (a USB adapter unplugged, the other end of a pseudo-terminal gone, an I/O error).
 * A port that re-enumerates after a reset can be opened again.
 */
public final class TransportClosedException extends DfuException {

    private final String port;

    public TransportClosedException(String port, String what, Throwable cause) {
        super("port " + port + ": " + what, cause);
        this.port = port;
    }

    public String port() {
        return port;
    }


    @Override
    public String advice() {
        return "check that " + port + " exists and is not used by another program; run the same command again to resume";
    }
}
