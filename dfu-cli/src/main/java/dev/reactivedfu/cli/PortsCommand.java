package dev.reactivedfu.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactivedfu.netty.serial.SerialPortInfo;
import dev.reactivedfu.netty.serial.SerialPorts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code dfu ports [--json]}: lists the serial ports the operating system knows, with their USB ids and serial
 * numbers (the serial number finds a board again after it re-enumerates under another path).
 *
 * <p>{@code --json} prints one array: {@code [{"path": ..., "description": ..., "vendor_id": "1915" or null,
 * "product_id": "521f" or null, "serial_number": ... or null, "manufacturer": ... or null, "location": ... or
 * null}]}, ids as four lowercase hex digits as lsusb and udev show them.
 */
@Command(name = "ports",
        mixinStandardHelpOptions = true,
        description = {
                "List serial ports: path, USB vendor:product id, serial number, description.",
                "Pseudo-terminals (socat, dfu simulate --pty) are not listed but can be opened by path."},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class PortsCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON array instead of the table.")
    boolean json;

    private final Supplier<List<SerialPortInfo>> ports;

    /** Lists the ports present on this machine. */
    public PortsCommand() {
        this(SerialPorts::list);
    }

    /** Lists the ports {@code ports} supplies (tests). */
    PortsCommand(Supplier<List<SerialPortInfo>> ports) {
        this.ports = ports;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<SerialPortInfo> list = ports.get();
        if (json) {
            out.println(json(list));
        } else {
            out.print(table(list));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The {@code --json} array. */
    static String json(List<SerialPortInfo> ports) {
        ArrayNode array = MAPPER.createArrayNode();
        for (SerialPortInfo p : ports) {
            ObjectNode o = array.addObject();
            o.put("path", p.path());
            o.put("description", p.description());
            o.put("vendor_id", hex(p.vendorId()).orElse(null));
            o.put("product_id", hex(p.productId()).orElse(null));
            o.put("serial_number", p.serialNumber().orElse(null));
            o.put("manufacturer", p.manufacturer().orElse(null));
            o.put("location", p.location().orElse(null));
        }
        try {
            return MAPPER.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The human table: one line per port, or a line saying there is none. */
    static String table(List<SerialPortInfo> ports) {
        if (ports.isEmpty()) {
            return "no serial ports found (pseudo-terminals are not listed; open them by path)\n";
        }
        String[] header = {"PATH", "USB ID", "SERIAL NUMBER", "DESCRIPTION"};
        String[][] rows = new String[ports.size()][];
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
        }
        for (int r = 0; r < rows.length; r++) {
            SerialPortInfo p = ports.get(r);
            String description = p.manufacturer().filter(m -> !p.description().contains(m))
                    .map(m -> p.description() + " (" + m + ")").orElse(p.description());
            rows[r] = new String[] {p.path(), p.usbId().orElse("-"), p.serialNumber().orElse("-"), description};
            for (int c = 0; c < header.length; c++) {
                width[c] = Math.max(width[c], rows[r][c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        for (String[] row : rows) {
            line(sb, row, width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            line.append(cells[c]);
            if (c < cells.length - 1) {
                line.append(" ".repeat(width[c] - cells[c].length() + 2));
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static Optional<String> hex(OptionalInt id) {
        return id.isPresent() ? Optional.of(String.format("%04x", id.getAsInt())) : Optional.empty();
    }
}
