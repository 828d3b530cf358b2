package dev.reactivedfu.netty.serial;

import java.io.IOException;

/**
 * A serial port could not be opened, or failed while open (end of stream, an I/O error). Carries the port's path
 * and, where the operating system reported one, its error number.
 */
public final class SerialPortException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final int errno;

    /** A failure of the port at {@code path}; {@code errno} is the OS error number, or 0 when there is none. */
    public SerialPortException(String path, String message, int errno) {
        super(path + ": " + message + (errno != 0 ? " (" + describe(errno) + ")" : ""));
        this.path = path;
        this.errno = errno;
    }

    /** The port's path. */
    public String path() {
        return path;
    }

    /** The OS error number, 0 when none was reported. */
    public int errno() {
        return errno;
    }

    /** The usual Linux/macOS meaning of the error numbers a serial port reports, with a hint where there is one. */
    static String describe(int errno) {
        switch (errno) {
            case 2:
                return "errno 2: no such device";
            case 5:
                return "errno 5: I/O error, the device went away";
            case 13:
                return "errno 13: permission denied; add the user to the dialout (or uucp) group";
            case 16:
                return "errno 16: busy, another program has the port open";
            case 19:
                return "errno 19: no such device";
            default:
                return "errno " + errno;
        }
    }
}
