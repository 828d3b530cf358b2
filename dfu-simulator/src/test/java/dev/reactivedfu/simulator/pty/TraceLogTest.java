package dev.reactivedfu.simulator.pty;

import dev.reactivedfu.simulator.FrameTrace;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceLogTest {

    @Test
    void a_log_made_with_the_wall_clock_opens_with_it_at_model_time_0_so_each_line_has_a_wall_clock_time() {
        StringWriter text = new StringWriter();
        Instant wall = Instant.parse("2026-12-02T00:24:46.123456789Z");
        TraceLog log = new TraceLog(new PrintWriter(text), 5_000_000_000L, wall);
        log.frame(FrameTrace.Direction.IN, 5_250_000_000L, new byte[] {0x09, 0x01}, "");     // ping id 1

        List<String> lines = text.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(
                "    0.000000 #   clock: model time 0 is 2026-12-02T00:24:46.123456789Z (unix 1796171086.123456 s)");
        assertThat(lines.get(1)).startsWith("    0.250000 IN  09 01").endsWith("Ping[id=1]");
        // every line, the anchor included, still starts with its model time
        assertThat(lines).allSatisfy(l -> Double.parseDouble(l.trim().split("\\s+")[0]));
    }

    @Test
    void a_log_made_without_the_wall_clock_has_no_anchor_line() {
        StringWriter text = new StringWriter();
        TraceLog log = new TraceLog(new PrintWriter(text), 0);
        log.event(1_000_000, "boot: DFU mode");

        assertThat(text.toString().lines()).containsExactly("    0.001000 #   boot: DFU mode");
    }
}
