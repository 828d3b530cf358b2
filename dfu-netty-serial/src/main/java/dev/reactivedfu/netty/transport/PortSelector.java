package dev.reactivedfu.netty.transport;

import java.util.Objects;

/**
 * How a transport finds its port each time it opens a connection. After a reset, a USB CDC bootloader
 * re-enumerates and may come back under another path; its USB serial number stays the same.
 */
public sealed interface PortSelector {

    /** The port at a fixed path ({@code /dev/ttyACM0}, a socat link, {@code COM3}). */
    static PortSelector path(String path) {
        return new ByPath(path);
    }

    /** Whichever port reports this USB serial number. */
    static PortSelector serialNumber(String serialNumber) {
        return new BySerialNumber(serialNumber);
    }

    /** A name for logs: the path, or {@code usb-serial:NUMBER}. */
    String describe();

    /** The port at {@code path}. */
    record ByPath(String path) implements PortSelector {
        public ByPath {
            Objects.requireNonNull(path, "path");
            if (path.isBlank()) {
                throw new IllegalArgumentException("a port path is required");
            }
        }

        @Override
        public String describe() {
            return path;
        }
    }

    /** The port whose USB serial number is {@code serialNumber}. */
    record BySerialNumber(String serialNumber) implements PortSelector {
        public BySerialNumber {
            Objects.requireNonNull(serialNumber, "serialNumber");
            if (serialNumber.isBlank()) {
                throw new IllegalArgumentException("a serial number is required");
            }
        }

        @Override
        public String describe() {
            return "usb-serial:" + serialNumber;
        }
    }
}
