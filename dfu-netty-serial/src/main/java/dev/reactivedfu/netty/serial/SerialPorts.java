package dev.reactivedfu.netty.serial;

import com.fazecast.jSerialComm.SerialPort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Serial ports present on this machine, through jSerialComm's enumeration (which lists hardware ports and USB
 * serial adapters; pseudo-terminals are not listed, but can be opened by path).
 */
public final class SerialPorts {

    private SerialPorts() {
    }

    /** The ports present now, sorted by path. Blocking (reads the OS's device tables); a snapshot. */
    public static List<SerialPortInfo> list() {
        List<SerialPortInfo> ports = new ArrayList<>();
        for (SerialPort p : SerialPort.getCommPorts()) {
            ports.add(info(p));
        }
        ports.sort(Comparator.comparing(SerialPortInfo::path));
        return ports;
    }

    /** The port whose USB serial number is {@code serialNumber}, if one is present now. Blocking. */
    public static Optional<SerialPortInfo> findBySerialNumber(String serialNumber) {
        return list().stream().filter(p -> p.serialNumber().filter(serialNumber::equals).isPresent()).findFirst();
    }

    /** Whether a port exists at {@code path} now (following links, as socat's pseudo-terminal links). Blocking. */
    public static boolean exists(String path) {
        if (Files.exists(Path.of(path))) {
            return true;
        }
        // names without a device file (COM3 on Windows) are checked against the enumeration
        return list().stream().anyMatch(p -> p.path().equals(path) || p.path().endsWith("\\" + path));
    }

    static SerialPortInfo info(SerialPort p) {
        return new SerialPortInfo(
                p.getSystemPortPath(),
                nonBlank(p.getPortDescription()).or(() -> nonBlank(p.getDescriptivePortName())).orElse(""),
                p.getVendorID() >= 0 ? OptionalInt.of(p.getVendorID()) : OptionalInt.empty(),
                p.getProductID() >= 0 ? OptionalInt.of(p.getProductID()) : OptionalInt.empty(),
                nonBlank(p.getSerialNumber()).filter(s -> !"Unknown".equalsIgnoreCase(s)),
                nonBlank(p.getManufacturer()).filter(s -> !"Unknown".equalsIgnoreCase(s)),
                nonBlank(p.getPortLocation()).filter(s -> !s.startsWith("0-0")));
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
