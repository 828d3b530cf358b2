package dev.reactivedfu.netty.serial;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One serial port as the operating system lists it.
 *
 * @param path         the system path to open ({@code /dev/ttyACM0}, {@code COM3})
 * @param description  what the port calls itself (a USB product string, or a generic name)
 * @param vendorId     USB vendor id, when the port is a USB device
 * @param productId    USB product id, when the port is a USB device
 * @param serialNumber USB serial number, when the device reports one (it survives re-enumeration, unlike the path)
 * @param manufacturer USB manufacturer string, when reported
 * @param location     the port's physical location (bus and hub ports), when known
 */
public record SerialPortInfo(String path, String description, OptionalInt vendorId, OptionalInt productId,
                             Optional<String> serialNumber, Optional<String> manufacturer,
                             Optional<String> location) {

    public SerialPortInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(vendorId, "vendorId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(manufacturer, "manufacturer");
        Objects.requireNonNull(location, "location");
    }

    /** {@code vvvv:pppp} in hex, as lsusb shows it, or empty when this is not a USB port. */
    public Optional<String> usbId() {
        if (vendorId.isEmpty() || productId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format("%04x:%04x", vendorId.getAsInt(), productId.getAsInt()));
    }
}
