package dev.reactivedfu.cli;

import dev.reactivedfu.error.DeviceClaimException;
import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.error.RetriesExhaustedException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.error.WrongBoardException;

/** The one mapping from outcomes to process exit codes, shown in every command's {@code --help}. */
public final class ExitCodes {

    public static final int OK = 0;
    /** Anything not covered below (a bug: please report it). */
    public static final int INTERNAL = 1;
    /** Bad command line (picocli's own code). */
    public static final int USAGE = 2;
    public static final int INVALID_PACKAGE = 3;
    public static final int DEVICE_ERROR = 4;
    public static final int PORT_ERROR = 5;
    public static final int TIMEOUT = 6;
    /** Ctrl-C (128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    /** Text for picocli footers. */
    public static final String HELP = "  0    success%n"
            + "  1    internal error%n"
            + "  2    invalid command line%n"
            + "  3    invalid package or key (refused before anything was sent to the device)%n"
            + "  4    device error: the device refused a request (the message gives the extended error's meaning),%n"
            + "       is the wrong board for the package, claims sizes no bootloader has, or kept answering%n"
            + "       wrongly until the retries ran out; the message names what the device said%n"
            + "  5    port error (missing, busy or vanished port)%n"
            + "  6    timeout: the device stopped answering, or the update made no verified progress within%n"
            + "       its bound (--no-progress-limit)%n"
            + "  130  interrupted (run the same command again to resume)";

    private ExitCodes() {
    }

    /** Exit code for a failure, looking through {@link RetriesExhaustedException} to its last cause. */
    public static int of(Throwable t) {
        Throwable cause = root(t);
        if (cause instanceof PackageException) {
            return INVALID_PACKAGE;
        }
        if (cause instanceof RemoteErrorException || cause instanceof WrongBoardException
                || cause instanceof DeviceClaimException) {
            return DEVICE_ERROR;
        }
        if (cause instanceof TransportClosedException) {
            return PORT_ERROR;
        }
        if (cause instanceof DfuTimeoutException || cause instanceof DeviceUnresponsiveException) {
            return TIMEOUT;
        }
        if (cause instanceof DfuException) {
            return DEVICE_ERROR;
        }
        if (cause instanceof InterruptedException) {
            return INTERRUPTED;
        }
        return INTERNAL;
    }

    /** One line: what happened and what to do. */
    public static String describe(Throwable t) {
        if (t instanceof DfuException d) {
            return d.getMessage() + " (" + d.advice() + ")";
        }
        return t.toString();
    }

    private static Throwable root(Throwable t) {
        Throwable c = t;
        while (c instanceof RetriesExhaustedException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
