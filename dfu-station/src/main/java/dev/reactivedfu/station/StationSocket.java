package dev.reactivedfu.station;

import dev.reactivedfu.transfer.DfuTransport;

import java.util.Objects;
import java.util.Optional;

/**
 * A named place where boards arrive: a serial port (a path, a {@code /dev/serial/by-path} link, a USB serial number)
 * or a simulated socket, with the transport the engine updates its boards through.
 *
 * @param name          the socket's name (shown in every view, recorded in every row)
 * @param port          the port as configured or found (a path, or a description such as {@code usb-serial:ABC})
 * @param adapterSerial the USB serial number of the port's adapter or board, when known
 * @param transport     where the update's bytes go
 */
public record StationSocket(String name, String port, Optional<String> adapterSerial, DfuTransport transport) {

    public StationSocket {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(adapterSerial, "adapterSerial");
        Objects.requireNonNull(transport, "transport");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a socket needs a name");
        }
    }
}
