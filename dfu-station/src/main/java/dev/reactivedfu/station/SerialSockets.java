package dev.reactivedfu.station;

import dev.reactivedfu.netty.serial.SerialPortInfo;
import dev.reactivedfu.netty.serial.SerialPorts;
import dev.reactivedfu.netty.transport.NettyDfuTransport;
import dev.reactivedfu.netty.transport.PortSelector;
import dev.reactivedfu.netty.transport.SerialSettings;
import dev.reactivedfu.netty.transport.SerialTransportOptions;
import io.netty.channel.EventLoopGroup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns configured sockets into {@link StationSocket}s on serial ports, all on one event loop group and one scheduler:
 * a path is one socket; a glob ({@code /dev/ttyUSB*}) one socket per port matching it now; a USB serial number one
 * socket that follows that board across re-enumeration (a USB CDC bootloader comes back under another path after a
 * reset); a USB vendor:product one socket per matching port now. While a station watches, {@link #watch} expands the
 * globs and vendor:product entries again and again, so a port that appears later (a native USB CDC board plugged in)
 * becomes a socket of its own.
 */
public final class SerialSockets {

    private final SerialSettings settings;
    private final EventLoopGroup group;
    private final Scheduler scheduler;

    public SerialSockets(SerialSettings settings, EventLoopGroup group, Scheduler scheduler) {
        this.settings = settings;
        this.group = group;
        this.scheduler = scheduler;
    }

    /**
     * The sockets for {@code entries}, in order.
     *
     * @throws StationConfigException when a glob or USB id matches no port, or two sockets end up with one name
     */
    public List<StationSocket> resolve(List<StationConfig.Socket> entries) {
        return resolve(entries, true);
    }

    /**
     * The sockets for {@code entries} whose ports exist now, in order; with {@code requireMatch} false a glob or USB
     * vendor:product that matches nothing yet is no error (watch mode: {@link #watch} finds its ports later).
     *
     * @throws StationConfigException when a glob or USB id matches no port (only with {@code requireMatch})
     */
    public List<StationSocket> resolve(List<StationConfig.Socket> entries, boolean requireMatch) {
        List<StationSocket> out = new ArrayList<>();
        for (StationConfig.Socket s : entries) {
            if (s.usbSerial() != null) {
                out.add(socket(nameOr(s.name(), s.usbSerial()), "usb-serial:" + s.usbSerial(),
                        Optional.of(s.usbSerial()), PortSelector.serialNumber(s.usbSerial())));
            } else if (s.usbId() != null) {
                List<SerialPortInfo> ports = SerialPorts.list().stream()
                        .filter(p -> p.usbId().map(id -> id.equalsIgnoreCase(s.usbId())).orElse(false)).toList();
                if (ports.isEmpty() && requireMatch) {
                    throw new StationConfigException("no port with USB id " + s.usbId()
                            + " is connected: check the id with 'dfu ports'");
                }
                for (SerialPortInfo p : ports) {
                    out.add(socket(familyName(s.name(), p.path()), p.path(), p.serialNumber(),
                            PortSelector.path(p.path())));
                }
            } else if (isGlob(s.port())) {
                List<String> paths = glob(s.port());
                if (paths.isEmpty() && requireMatch) {
                    throw new StationConfigException("no port matches " + s.port() + ": check the pattern with 'dfu ports'");
                }
                for (String p : paths) {
                    out.add(socket(familyName(s.name(), p), p, Optional.empty(), PortSelector.path(p)));
                }
            } else {
                out.add(socket(nameOr(s.name(), Paths.get(s.port()).getFileName().toString()), s.port(),
                        Optional.empty(), PortSelector.path(s.port())));
            }
        }
        return out;
    }

    /**
     * The sockets of ports that appear while the station watches: every {@code interval} the globs and USB
     * vendor:product entries among {@code entries} are expanded again (off the event threads), and each socket not
     * seen before is emitted once ({@link Station.Builder#discover}). A path or USB serial number entry is one socket
     * from the start and needs no watching: its socket is idle while its port is absent. Lazy; never completes.
     */
    public Flux<StationSocket> watch(List<StationConfig.Socket> entries, Duration interval) {
        List<StationConfig.Socket> families = entries.stream()
                .filter(s -> s.usbSerial() == null && (s.usbId() != null || isGlob(s.port()))).toList();
        if (families.isEmpty()) {
            return Flux.never();
        }
        return Flux.interval(interval, interval, scheduler)
                .onBackpressureDrop()
                .concatMap(t -> Mono.fromCallable(() -> resolve(families, false))
                        .subscribeOn(Schedulers.boundedElastic())
                        .onErrorResume(StationConfigException.class, e -> Mono.just(List.of())), 1)
                .flatMapIterable(list -> list)
                .distinct(StationSocket::name);
    }

    private StationSocket socket(String name, String port, Optional<String> serial, PortSelector selector) {
        SerialTransportOptions options = SerialTransportOptions.of(selector).withSettings(settings)
                .withPortWait(Duration.ofSeconds(5), Duration.ofMillis(100));
        return new StationSocket(name, port, serial, NettyDfuTransport.serial(options, group, scheduler));
    }

    static boolean isGlob(String port) {
        return port.contains("*") || port.contains("?") || port.contains("[");
    }

    /** The paths matching a glob in its last path element, sorted. */
    static List<String> glob(String pattern) {
        Path p = Paths.get(pattern);
        Path dir = p.getParent() == null ? Paths.get(".") : p.getParent();
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p.getFileName().toString())) {
            for (Path f : ds) {
                out.add(f.toString());
            }
        } catch (IOException e) {
            throw new StationConfigException("cannot list " + dir + " for " + pattern + ": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    private static String nameOr(String name, String fallback) {
        return name == null ? fallback : name;
    }

    private static String familyName(String prefix, String path) {
        String leaf = Paths.get(path).getFileName().toString();
        return prefix == null ? leaf : prefix + "-" + leaf;
    }
}
