package dev.reactivedfu.simulator;

import dev.reactivedfu.protocol.ImageCrc;
import dev.reactivedfu.protocol.Slip;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.reactivedfu.simulator.Bench.u32;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, "The simulator must keep model time": the device's decisions follow from the host's bytes and their send
 * times alone, whatever its own timers' lateness; bytes on one line keep their order.
 */
class ModelTimeTest {

    private static final long MS = 1_000_000;
    private static final SimulatorConfig.FlashTiming NRF52840 = SimulatorConfig.FlashTiming.NRF52840;

    /** One host write: {@code bytes} written to the line at virtual time {@code at}. */
    private record Send(long at, byte[] bytes) {
    }

    /** What a run showed: every frame and event the device traced (model time, bytes, note), and the answers. */
    private record Run(List<String> trace, List<String> answers, SimulatedDevice.Counters counters) {
    }

    private static byte[] frames(byte[] image, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int o = from; o < to; o += 64) {
            int n = Math.min(64, to - o);
            byte[] write = new byte[1 + n];
            write[0] = 0x08;
            System.arraycopy(image, o, write, 1, n);
            out.writeBytes(Slip.encode(write));
        }
        return out.toByteArray();
    }

    private static byte[] frame(String hex) {
        return Slip.encode(Bench.bytes(hex));
    }

    /**
     * A host that never waits for answers: the init packet, then each 4 KiB object of the 24 KiB fixture as a
     * CREATE, its 64 writes in random bursts after a random pause, a CRC request and an EXECUTE, all at times drawn
     * from {@code seed}; bursts are paced at about the line rate ({@code byteNanos} per byte). With
     * {@code eager}, the pause after a CREATE may be shorter than its page erase (the first object's always is).
     */
    private static List<Send> script(long seed, long byteNanos, boolean eager) {
        Random r = new Random(seed);
        byte[] dat = InitPackets.signedApp();
        byte[] app = InitPackets.app24k();
        List<Send> sends = new ArrayList<>();
        long t = MS;
        sends.add(new Send(t, frame("01 01" + u32(dat.length))));
        t += 5 * MS;
        sends.add(new Send(t, frames(dat, 0, dat.length)));
        t += 20 * MS;
        sends.add(new Send(t, frame("04")));
        t += 300 * MS;
        for (int o = 0; o < app.length; o += 4096) {
            sends.add(new Send(t, frame("01 02" + u32(4096))));
            t += eager ? (o == 0 ? 2 * MS : r.nextInt(120) * MS) : (90 + r.nextInt(30)) * MS;
            int w = o;
            while (w < o + 4096) {
                int burst = 64 * (1 + r.nextInt(16));
                int end = Math.min(o + 4096, w + burst);
                sends.add(new Send(t, frames(app, w, end)));
                t += (end - w) / 64 * 66 * byteNanos + r.nextInt(3000) * 1000L;
                w = end;
            }
            t += 5 * MS;
            sends.add(new Send(t, frame("03")));
            t += 5 * MS;
            sends.add(new Send(t, frame("04")));
            t += 100 * MS;
        }
        return sends;
    }

    private static Run play(SimulatorConfig config, List<Send> sends, long jitterSeed, long maxLateNanos) {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Scheduler scheduler = maxLateNanos == 0 ? vts : new JitterScheduler(vts, jitterSeed, maxLateNanos);
        SimulatedDevice device = SimulatedDevice.create(config, scheduler);
        List<String> trace = new ArrayList<>();
        device.trace(new FrameTrace() {
            @Override
            public void frame(Direction direction, long nanos, byte[] message, String note) {
                trace.add(nanos + " " + direction + " " + HexFormat.of().formatHex(message) + " " + note);
            }

            @Override
            public void event(long nanos, String what) {
                trace.add(nanos + " # " + what);
            }
        });
        List<String> answers = new ArrayList<>();
        Slip.Decoder decoder = new Slip.Decoder(4096);
        device.attachHost(bytes -> decoder.feed(bytes).forEach(f -> answers.add(Bench.hex(f))));
        for (Send s : sends) {
            vts.advanceTimeBy(Duration.ofNanos(s.at() - vts.now(TimeUnit.NANOSECONDS)));
            device.hostWrite(s.bytes());
        }
        vts.advanceTimeBy(Duration.ofSeconds(1));
        Run run = new Run(trace, answers, device.counters());
        device.dispose();
        return run;
    }

    @Test
    void the_same_host_bytes_at_the_same_send_times_meet_the_same_fate_whatever_the_timer_jitter() {
        long seed = Long.getLong("sim.seed", System.nanoTime());
        System.out.println("ModelTimeTest seed " + seed + " (rerun with -Dsim.seed=" + seed + ")");
        SimulatorConfig config = SimulatorConfig.builder().baud(1_000_000).flashTiming(NRF52840).build();
        List<Send> sends = script(seed, 10_000, true);

        Run punctual = play(config, sends, 0, 0);
        Run again = play(config, sends, 0, 0);
        Run late = play(config, sends, seed, 10 * MS);          // timers up to 10 ms late
        Run later = play(config, sends, seed + 1, 10 * MS);

        assertThat(again.trace()).as("seed " + seed).isEqualTo(punctual.trace());
        assertThat(late.trace()).as("seed " + seed).isEqualTo(punctual.trace());
        assertThat(later.trace()).as("seed " + seed).isEqualTo(punctual.trace());
        assertThat(late.answers()).as("seed " + seed).isEqualTo(punctual.answers());
        assertThat(late.counters()).as("seed " + seed).isEqualTo(punctual.counters());
        // the first object's writes arrive during its page erase: the buffers fill and the rest is dropped; a drop
        // happens only while every buffer is held and the CPU is busy: halted by flash, or (seed 7258499469164)
        // still answering a request right after flash let go of it
        List<String> drops = punctual.trace().stream().filter(l -> l.contains("dropped")).toList();
        assertThat(drops).as("seed " + seed).isNotEmpty()
                .allMatch(l -> l.contains("all 3 RX buffers held, the CPU is halted by flash")
                        || l.contains("all 3 RX buffers held, the CPU is answering"))
                .anyMatch(l -> l.contains("all 3 RX buffers held, the CPU is halted by flash"));
        assertThat(punctual.counters().rxOverflows()).isEqualTo(drops.size());
    }

    @Test
    void without_flow_control_at_115200_writes_streamed_in_bursts_lose_nothing() {
        long seed = Long.getLong("sim.seed", System.nanoTime());
        System.out.println("ModelTimeTest seed " + seed + " (rerun with -Dsim.seed=" + seed + ")");
        SimulatorConfig config = SimulatorConfig.builder().baud(115_200).flashTiming(NRF52840).build();
        Run run = play(config, script(seed, 86_805, false), seed, 10 * MS);
        assertThat(run.counters().rxOverflows()).as("seed " + seed).isZero();
        assertThat(run.answers().stream().filter(a -> a.startsWith("6004")).toList()).as("seed " + seed)
                .containsOnly("600401");
    }

    @Test
    void a_short_frame_queued_behind_a_long_one_never_overtakes_it() {
        for (long late : new long[] {0, 10 * MS}) {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            Bench b = new Bench(SimulatorConfig.builder().baud(115_200).flashTiming(NRF52840).build(), vts,
                    late == 0 ? null : new JitterScheduler(vts, 7, late));
            assertThat(b.init(InitPackets.signedApp())).isEqualTo("600401");
            assertThat(b.answer("01 02" + u32(4096))).isEqualTo("600101");
            byte[] image = new byte[4096];
            for (int i = 0; i < image.length; i++) {
                image[i] = (byte) (i % 2 == 0 ? 0xC0 : 0xDB);                 // every byte escaped: long frames
            }
            List<String> expected = new ArrayList<>();
            int offset = 0;
            for (int size = 16; size <= 64; size++) {                          // all written at the same instant
                byte[] write = new byte[1 + size];
                write[0] = 0x08;
                System.arraycopy(image, offset, write, 1, size);
                b.device.hostWrite(Slip.encode(write));                        // 2 + 2 x size bytes
                b.device.hostWrite(frame("03"));                               // 2 bytes, right behind it
                offset += size;
                expected.add("600301" + u32(offset) + u32(ImageCrc.upTo(image, offset)));
            }
            assertThat(b.advance(Duration.ofSeconds(2))).as("timers late by up to %d ns", late)
                    .isEqualTo(expected);
        }
    }
}
