package dev.reactivedfu.netty.serial;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * The address of a serial port: its system path ({@code /dev/ttyACM0}, {@code COM3}, or a pseudo-terminal link
 * made by socat). Used as the remote address of a {@link SerialChannel}.
 */
public final class SerialDeviceAddress extends SocketAddress {

    private static final long serialVersionUID = 1L;

    private final String path;

    /** An address for the port at {@code path}. */
    public SerialDeviceAddress(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("a serial port path is required");
        }
        this.path = path;
    }

    /** The port's path as given. */
    public String path() {
        return path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SerialDeviceAddress a && a.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
