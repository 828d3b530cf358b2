package dev.reactivedfu.station;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A station's configuration file, {@code station.yaml} (read with Jackson's YAML module; every key is optional and
 * command-line options override it). Relative paths are taken from the file's directory.
 *
 * <pre>{@code
 * name: line-3                         # recorded in every row
 * package: firmware/app_24k.zip
 * key: keys/public.pem                 # check the package's signature before any board is touched
 * db: jdbc:sqlite:station.db           # or jdbc:postgresql://db.factory/dfu?user=station&password=...
 * parallel: 16                         # most updates at once (default: one per socket)
 * poll_ms: 250                         # how often an idle socket pings for a board
 * serial:
 *   baud: 1000000
 *   flow_control: true
 * engine:
 *   prn: 3
 *   window: 4
 *   policy: resume                     # or restart
 *   timeout_ms: 1000
 * sockets:
 *   - name: s1
 *     port: /dev/serial/by-path/pci-0000:00:14.0-usb-0:1.1:1.0-port0
 *   - name: s2
 *     usb_serial: E1A2B3C4D5E6         # a native USB CDC board, followed across re-enumeration
 *   - name: bench                      # a glob: one socket per matching port, named bench-<port name>
 *     port: /dev/ttyUSB*
 *   - name: dk
 *     usb_id: "1366:1015"              # vendor:product: one socket per matching port
 * }</pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record StationConfig(String name, @JsonProperty("package") String packageFile, String key, String db,
                            Integer parallel, @JsonProperty("poll_ms") Integer pollMs, Serial serial, Engine engine,
                            List<Socket> sockets) {

    public StationConfig {
        sockets = sockets == null ? List.of() : List.copyOf(sockets);
    }

    /** An empty configuration: everything from the command line. */
    public static StationConfig empty() {
        return new StationConfig(null, null, null, null, null, null, null, null, List.of());
    }

    /**
     * Serial settings for every socket.
     *
     * @param baud        baud rate (ignored by USB CDC ports)
     * @param flowControl RTS/CTS
     */
    public record Serial(Integer baud, @JsonProperty("flow_control") Boolean flowControl) {
    }

    /** Engine options for every update; see {@code dfu flash --help}. */
    public record Engine(Integer prn, Integer window, String policy, @JsonProperty("timeout_ms") Long timeoutMs) {
    }

    /**
     * One socket, or a family of sockets (a glob or a USB vendor:product): exactly one of {@code port},
     * {@code usbSerial}, {@code usbId}.
     */
    public record Socket(String name, String port, @JsonProperty("usb_serial") String usbSerial,
                         @JsonProperty("usb_id") String usbId) {
    }

    /**
     * Reads {@code file}.
     *
     * @throws StationConfigException naming the file, the line and what is wrong, when it is missing or invalid
     */
    public static StationConfig read(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            StationConfig c = yaml.readValue(Files.readAllBytes(file), StationConfig.class);
            if (c == null) {
                return empty();
            }
            for (Socket s : c.sockets()) {
                int given = (s.port() != null ? 1 : 0) + (s.usbSerial() != null ? 1 : 0) + (s.usbId() != null ? 1 : 0);
                if (given != 1) {
                    throw new StationConfigException(file + ": socket " + (s.name() == null ? "(unnamed)" : s.name())
                            + " needs exactly one of port, usb_serial, usb_id");
                }
            }
            return c.resolve(file.toAbsolutePath().getParent());
        } catch (NoSuchFileException e) {
            throw new StationConfigException("configuration file " + file + " does not exist: check --config");
        } catch (UnrecognizedPropertyException e) {
            throw new StationConfigException(file + " line " + lineOf(file, e.getPropertyName(),
                    e.getLocation().getLineNr()) + ": unknown key '" + e.getPropertyName() + "'; known keys: "
                    + e.getKnownPropertyIds());
        } catch (JsonMappingException e) {
            throw new StationConfigException(file + (e.getLocation() == null ? "" : " line "
                    + e.getLocation().getLineNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new StationConfigException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The line where {@code key} is written (YAML parsers report the token after it), else {@code fallback}. */
    private static int lineOf(Path file, String key, int fallback) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).matches("\\s*(-\\s*)?" + java.util.regex.Pattern.quote(key) + "\\s*:.*")) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            // fall back to the parser's line
        }
        return fallback;
    }

    /** Package and key paths taken relative to {@code dir}. */
    private StationConfig resolve(Path dir) {
        return new StationConfig(name, relative(dir, packageFile), relative(dir, key), db, parallel, pollMs, serial,
                engine, sockets);
    }

    private static String relative(Path dir, String p) {
        if (p == null || dir == null) {
            return p;
        }
        return dir.resolve(p).normalize().toString();
    }
}
