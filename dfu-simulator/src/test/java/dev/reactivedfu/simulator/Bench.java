package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.Slip;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A byte-level test bench: a {@link SimulatedDevice} on a virtual clock, with the raw device output collected.
 * Requests are given as hex of the unframed message; responses come back as hex of the unframed message.
 */
final class Bench {

    final VirtualTimeScheduler vts;
    final SimulatedDevice device;
    /** Virtual time (ns) at which each frame reached the host, in order. */
    final List<Long> frameTimes = new ArrayList<>();
    private final List<byte[]> rawOut = new ArrayList<>();
    private final Slip.Decoder decoder = new Slip.Decoder(4096);
    private final List<String> frames = new ArrayList<>();

    Bench() {
        this(SimulatorConfig.defaults());
    }

    Bench(SimulatorConfig config) {
        this(config, VirtualTimeScheduler.create(), null);
    }

    /** A bench whose device runs on {@code deviceScheduler} (a jittery one, say) over the host's clock {@code vts}. */
    Bench(SimulatorConfig config, VirtualTimeScheduler vts, reactor.core.scheduler.Scheduler deviceScheduler) {
        this.vts = vts;
        device = SimulatedDevice.create(config, deviceScheduler == null ? vts : deviceScheduler);
        device.attachHost(bytes -> {
            rawOut.add(bytes);
            for (byte[] f : decoder.feed(bytes)) {
                frames.add(hex(f));
                frameTimes.add(vts.now(java.util.concurrent.TimeUnit.NANOSECONDS));
            }
        });
    }

    /** The virtual clock, in nanoseconds. */
    long now() {
        return vts.now(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    /** Sends {@code hex} as one SLIP frame; returns the frames the device answered by now. */
    List<String> send(String hex) {
        return sendFramed(bytes(hex));
    }

    List<String> sendFramed(byte[] message) {
        device.hostWrite(Slip.encode(message));
        return take();
    }

    /** Writes raw bytes, no framing; returns the frames the device answered by now. */
    List<String> raw(String hex) {
        device.hostWrite(bytes(hex));
        return take();
    }

    /** Sends one request and expects exactly one answer, returned as hex. */
    String one(String hex) {
        List<String> out = send(hex);
        if (out.size() != 1) {
            throw new AssertionError("expected one answer to " + hex + ", got " + out);
        }
        return out.get(0);
    }

    /** Advances the virtual clock; returns the frames that arrived meanwhile. */
    List<String> advance(Duration d) {
        vts.advanceTimeBy(d);
        return take();
    }

    /** Frames that arrived and were not taken yet (after running what is due now). */
    List<String> take() {
        vts.advanceTime();
        List<String> out = new ArrayList<>(frames);
        frames.clear();
        return out;
    }

    /** Every raw chunk the device sent so far. */
    List<byte[]> rawOut() {
        return rawOut;
    }

    /** Sends an init packet: CREATE command, WRITEs of at most 64 bytes, EXECUTE; returns the EXECUTE's answer. */
    String init(byte[] dat) {
        expect(List.of(answer("01 01" + u32(dat.length))), "600101");
        writeAll(dat);
        return answer("04");
    }

    /** Sends one request and waits (virtual time, at most 5 s) for exactly one answer, returned as hex. */
    String answer(String hex) {
        List<String> out = send(hex);
        for (int ms = 0; out.isEmpty() && ms < 5000; ms++) {
            out = advance(Duration.ofMillis(1));
        }
        if (out.size() != 1) {
            throw new AssertionError("expected one answer to " + hex + ", got " + out);
        }
        return out.get(0);
    }

    /** WRITEs {@code data} in chunks of 64 (no PRN assumed: answers are returned). */
    List<String> writeAll(byte[] data) {
        List<String> answers = new ArrayList<>();
        for (int o = 0; o < data.length; o += 64) {
            byte[] msg = new byte[1 + Math.min(64, data.length - o)];
            msg[0] = 0x08;
            System.arraycopy(data, o, msg, 1, msg.length - 1);
            answers.addAll(sendFramed(msg));
        }
        return answers;
    }

    /** CREATE data of {@code length} from {@code start} of {@code image}, WRITEs, EXECUTE; returns the answer. */
    String object(byte[] image, int start, int length) {
        expect(List.of(answer("01 02" + u32(length))), "600101");
        byte[] part = new byte[length];
        System.arraycopy(image, start, part, 0, length);
        writeAll(part);
        return answer("04");
    }

    /** Little-endian u32 as hex. */
    static String u32(long v) {
        byte[] b = new byte[4];
        dev.reactivedfu.protocol.DfuCodec.putU32(b, 0, v);
        return hex(b);
    }

    static void expect(List<String> actual, String... expected) {
        if (!actual.equals(List.of(expected))) {
            throw new AssertionError("expected " + List.of(expected) + ", got " + actual);
        }
    }
}
