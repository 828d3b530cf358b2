package dev.reactivedfu.station;

import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuConnection;
import dev.reactivedfu.transfer.DfuTransport;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Simulated native USB CDC boards on a USB bus: each board plugged in gets a port path ({@code /dev/ttyACM0},
 * {@code /dev/ttyACM1}, ...) that exists only while it is plugged, and a USB serial number of its own. A board that
 * resets re-enumerates, as a real nRF52840 does between an SD+BL image and the application: its port vanishes at
 * once and comes back {@code reenumeration} later under the next free path, with the same serial number. The socket
 * of such a board is its serial number ({@link #bySerial}), whose transport finds the board's path at every open, as
 * {@code dfu station} does with {@code usb_serial} in {@code station.yaml}.
 *
 * <p>Thread-safe.
 */
public final class SimulatedUsbBus {

    /** A plugged board: its serial number, its device and its current path (empty while re-enumerating). */
    private static final class Plugged {
        final String serial;
        final SimulatedDevice device;
        final Runnable onReset;
        Optional<String> path = Optional.empty();
        final java.util.List<String> history = new java.util.ArrayList<>();
        SimulatorTransport transport;

        Plugged(String serial, SimulatedDevice device, Runnable onReset) {
            this.serial = serial;
            this.device = device;
            this.onReset = onReset;
        }
    }

    private final Scheduler scheduler;
    private final Duration reenumeration;
    private final Map<String, Plugged> bySerial = new LinkedHashMap<>();
    private int nextPort;
    private int enumerations;

    /**
     * @param reenumeration how long a reset board's port stays away
     * @param scheduler     where the re-enumeration delays run
     */
    public SimulatedUsbBus(Duration reenumeration, Scheduler scheduler) {
        this.reenumeration = Objects.requireNonNull(reenumeration, "reenumeration");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Plugs {@code device} (a {@link SimulatorConfig.Profile#USB_CDC} board) in with USB serial number
     * {@code serial}: its port appears at once.
     */
    public synchronized void plug(String serial, SimulatedDevice device) {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(device, "device");
        if (device.config().profile() != SimulatorConfig.Profile.USB_CDC) {
            throw new IllegalArgumentException("a board on the USB bus needs the USB CDC profile");
        }
        unplug(serial);
        Plugged[] self = new Plugged[1];
        self[0] = new Plugged(serial, device, () -> reenumerate(self[0]));
        bySerial.put(serial, self[0]);
        device.onReset(self[0].onReset);
        enumerate(self[0]);
    }

    /** Pulls the board with {@code serial} out: its port vanishes. */
    public synchronized void unplug(String serial) {
        Plugged p = bySerial.remove(serial);
        if (p != null) {
            p.device.removeResetListener(p.onReset);
            p.path = Optional.empty();
            p.transport = null;
        }
    }

    /** The path of the board with {@code serial} now (empty while it is not plugged or re-enumerating). */
    public synchronized Optional<String> pathOf(String serial) {
        Plugged p = bySerial.get(serial);
        return p == null ? Optional.empty() : p.path;
    }

    /** Every path the board with {@code serial} enumerated under since it was plugged, in order. */
    public synchronized java.util.List<String> pathsOf(String serial) {
        Plugged p = bySerial.get(serial);
        return p == null ? java.util.List.of() : java.util.List.copyOf(p.history);
    }

    /** How many times a port appeared on the bus so far. */
    public synchronized int enumerations() {
        return enumerations;
    }

    /**
     * A socket that follows the board with USB serial number {@code serial} wherever it enumerates: opening finds its
     * path now, and fails with {@link TransportClosedException} while there is none.
     */
    public StationSocket bySerial(String name, String serial) {
        return new StationSocket(name, "usb-serial:" + serial, Optional.of(serial), new SerialFollower(serial));
    }

    private void enumerate(Plugged p) {
        p.path = Optional.of("/dev/ttyACM" + nextPort++);
        p.history.add(p.path.get());
        p.transport = new SimulatorTransport(p.path.get(), p.device);
        enumerations++;
    }

    /** On the board's reset (its lock held): the port vanishes now and comes back later under a new path. */
    private void reenumerate(Plugged p) {
        synchronized (this) {
            if (bySerial.get(p.serial) != p) {
                return;
            }
            p.path = Optional.empty();
            p.transport = null;
        }
        scheduler.schedule(() -> {
            synchronized (this) {
                if (bySerial.get(p.serial) == p && p.path.isEmpty()) {
                    enumerate(p);
                }
            }
        }, reenumeration.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The transport of a socket given by a USB serial number. */
    private final class SerialFollower implements DfuTransport {
        private final String serial;

        SerialFollower(String serial) {
            this.serial = serial;
        }

        @Override
        public String name() {
            return "usb-serial:" + serial;
        }

        @Override
        public Mono<DfuConnection> open() {
            return Mono.defer(() -> {
                SimulatorTransport t;
                synchronized (SimulatedUsbBus.this) {
                    Plugged p = bySerial.get(serial);
                    t = p == null ? null : p.transport;
                }
                if (t == null) {
                    return Mono.error(new TransportClosedException(name(), "no port with USB serial number "
                            + serial + " is connected", null));
                }
                return t.open();
            });
        }
    }
}
