package dev.reactivedfu.cli;

import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.SimulatedFloor;
import picocli.CommandLine.Option;

import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The simulated boards of {@code dfu station --simulate N}: the simulator's timing options and per-board faults.
 * A fault is {@code [BOARDS=]KIND[:ARG]}, BOARDS a comma-separated list of socket numbers from 1 (all without it):
 * {@code reset:OFFSET}, {@code stall:MS@OFFSET}, {@code drop:RATE}, {@code corrupt:RATE}, {@code stale},
 * {@code wrong-board} (hardware version 51: the package is refused), {@code vanish:OFFSET} (a USB CDC board pulled
 * out once its update reaches OFFSET: the port vanishes).
 */
final class SimulatedBoardsOptions {

    @Option(names = "--sim-baud", paramLabel = "B", defaultValue = "0",
            description = "Simulated boards: model the line at B baud, with nRF52840 flash timing (default: no timing).")
    long baud;

    @Option(names = "--sim-latency-ms", paramLabel = "L", defaultValue = "0",
            description = "Simulated boards: USB adapter latency each way, in ms.")
    long latencyMs;

    @Option(names = "--sim-flow-control", description = "Simulated boards: RTS/CTS flow control.")
    boolean flowControl;

    @Option(names = "--sim-fault", paramLabel = "[BOARDS=]KIND[:ARG]",
            description = "Simulated boards: a fault (repeatable): reset:OFFSET, stall:MS@OFFSET, drop:RATE, "
                    + "corrupt:RATE, stale, wrong-board, vanish:OFFSET; BOARDS like 3 or 2,5 (default: all).")
    List<String> faults = new ArrayList<>();

    @Option(names = "--sim-boards", paramLabel = "M", defaultValue = "0",
            description = "Simulated boards per socket in watch mode (default: an endless supply).")
    int boardsPerSocket;

    @Option(names = "--sim-swap-ms", paramLabel = "MS", defaultValue = "500",
            description = "How long the simulated operator takes to swap a finished board (default: ${DEFAULT-VALUE}).")
    long swapMs;

    private record Parsed(Set<Integer> boards, String kind, String arg) {
    }

    /** The supply of boards; each board checks signatures with {@code key} when given. */
    SimulatedFloor.Boards boards(ECPublicKey key) {
        List<Parsed> parsed = new ArrayList<>();
        for (String f : faults) {
            parsed.add(parse(f));
        }
        return (socket, number) -> {
            SimulatorConfig.Builder c = SimulatorConfig.builder().seed(socket * 1000L + number);
            if (key != null) {
                c.publicKey(key);
            }
            if (baud > 0) {
                c.baud(baud).flashTiming(SimulatorConfig.FlashTiming.NRF52840);
            }
            if (latencyMs > 0) {
                c.latency(Duration.ofMillis(latencyMs));
            }
            c.flowControl(flowControl);
            OptionalLong pull = OptionalLong.empty();
            for (Parsed p : parsed) {
                if (!p.boards().isEmpty() && !p.boards().contains(socket + 1)) {
                    continue;
                }
                switch (p.kind()) {
                    case "reset" -> c.fault(new Fault.ResetAtOffset(number(p, "reset:OFFSET")));
                    case "stall" -> {
                        String[] a = p.arg() == null ? new String[0] : p.arg().split("@");
                        if (a.length != 2) {
                            throw new IllegalArgumentException("--sim-fault stall takes MS@OFFSET, e.g. stall:1500@4096");
                        }
                        c.fault(new Fault.Stall(Duration.ofMillis(Long.parseLong(a[0])), Long.parseLong(a[1])));
                    }
                    case "drop" -> c.fault(new Fault.DropBytes(rate(p, "drop:RATE")));
                    case "corrupt" -> c.fault(new Fault.CorruptBytes(rate(p, "corrupt:RATE")));
                    case "stale" -> c.progressInFlash(true).fault(new Fault.StaleProgress());
                    case "wrong-board" -> c.hwVersion(51);
                    case "vanish" -> {
                        c.profile(SimulatorConfig.Profile.USB_CDC);
                        pull = OptionalLong.of(number(p, "vanish:OFFSET"));
                    }
                    default -> throw new IllegalArgumentException("unknown --sim-fault kind '" + p.kind()
                            + "': use reset, stall, drop, corrupt, stale, wrong-board or vanish");
                }
            }
            return new SimulatedFloor.BoardSpec(c.build(), pull);
        };
    }

    Duration swapDelay() {
        return Duration.ofMillis(swapMs);
    }

    /** Checks every fault's spelling at once, so a typo fails before anything starts. */
    void validate(int sockets) {
        boards(null).board(0, 1);
        for (String f : faults) {
            for (int b : parse(f).boards()) {
                if (b < 1 || b > sockets) {
                    throw new IllegalArgumentException("--sim-fault " + f + ": board " + b + " is not one of 1.."
                            + sockets);
                }
            }
        }
    }

    private static Parsed parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        Set<Integer> boards = new TreeSet<>();
        int eq = s.indexOf('=');
        if (eq >= 0) {
            for (String n : s.substring(0, eq).split(",")) {
                try {
                    boards.add(Integer.parseInt(n.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--sim-fault " + spec + ": '" + n + "' is not a board number");
                }
            }
            s = s.substring(eq + 1);
        }
        int colon = s.indexOf(':');
        return colon < 0 ? new Parsed(boards, s, null) : new Parsed(boards, s.substring(0, colon), s.substring(colon + 1));
    }

    private static long number(Parsed p, String form) {
        try {
            return Long.decode(p.arg());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("--sim-fault " + p.kind() + " takes " + form);
        }
    }

    private static double rate(Parsed p, String form) {
        try {
            return Double.parseDouble(p.arg());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("--sim-fault " + p.kind() + " takes " + form);
        }
    }
}
