package dev.reactivedfu.cli.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The station's live terminal view as a person sees it: {@code dfu station} runs in a tmux pane (a real terminal),
 * and the screen is read with {@code tmux capture-pane}.
 */
class StationTerminalViewTmuxTest {

    private static final Duration RUN = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final String server = "dfu-station-test-" + UUID.randomUUID();

    @BeforeAll
    static void tmuxIsInstalled() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/tmux")) || onPath("tmux");
        if (!present && System.getenv("CI") != null) {
            fail("tmux is not installed: .ci/run must apt-get install -y tmux");
        }
        assumeTrue(present, "tmux is not installed: apt-get install -y tmux");
    }

    @Test
    void rows_per_socket_and_the_summary_are_redrawn_in_place_on_a_wide_terminal() throws Exception {
        start(120, "");
        try {
            String during = await(s -> s.contains("updating") && s.contains("[#"), RUN);
            assertThat(during.lines().filter(l -> l.startsWith("socket"))).as(during).hasSize(1);
            assertThat(during).contains("port").contains("progress").contains("rate").contains("eta")
                    .contains("retries").contains("simulated:sim1");
            assertThat(capture(true)).as("states in colour").containsPattern("\u001b\\[[0-9;]*3[1-7]m");
            assertThat(during).containsPattern("passed \\d+  failed \\d+  running \\d+");
            String end = await(s -> s.contains("4 of 4 board(s) passed"), RUN);
            for (int i = 1; i <= 4; i++) {
                String row = "sim" + i + " ";
                assertThat(end.lines().filter(l -> l.startsWith(row))).as("redrawn in place, not scrolled: " + end)
                        .hasSize(1);
            }
            for (int i = 1; i <= 4; i++) {
                assertThat(end).containsPattern("sim" + i + " +simulated:sim" + i + " +passed .*passed \\d+\\.\\ds");
            }
            assertThat(end).contains("passed 4  failed 0  running 0");
        } finally {
            tmux("kill-server");
        }
    }

    @Test
    void a_narrow_terminal_drops_columns_and_no_color_drops_the_colours() throws Exception {
        start(56, "NO_COLOR=1 ");
        try {
            String during = await(s -> s.contains("updating"), RUN);
            assertThat(during).doesNotContain("progress").doesNotContain("simulated:sim1").doesNotContain("eta");
            assertThat(during.lines().toList()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(56));
            String escapes = capture(true);
            assertThat(escapes).as("no colour escapes with NO_COLOR").doesNotContainPattern("\u001b\\[[0-9;]*3[1-7]m");
            await(s -> s.contains("4 of 4 board(s) passed"), RUN);
        } finally {
            tmux("kill-server");
        }
    }

    @Test
    void the_single_board_progress_line_of_flash_and_demo_is_redrawn_in_place() throws Exception {
        startCommand(100, "", "demo --baud 115200");
        try {
            String during = await(s -> s.contains("ETA") && s.contains("[#"), RUN);
            assertThat(during.lines().filter(l -> l.contains("ETA"))).as("one progress line: " + during).hasSize(1);
            String end = await(s -> s.contains("verified:"), RUN);
            assertThat(end).contains("image 1 done");
            assertThat(end.lines().filter(l -> l.contains("ETA")).count()).as(end).isLessThanOrEqualTo(1);
        } finally {
            tmux("kill-server");
        }
    }

    private void start(int width, String env) throws IOException, InterruptedException {
        startCommand(width, env, "station --simulate 4 --once --sim-baud 115200 --db jdbc:sqlite:"
                + dir.resolve("station.db"));
    }

    private void startCommand(int width, String env, String command) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = dir.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\ncd " + dir + "\n" + env + "exec " + java + " -cp '"
                + System.getProperty("java.class.path") + "' -XX:TieredStopAtLevel=1 dev.reactivedfu.cli.DfuCli " + command + "\n",
                StandardCharsets.UTF_8);
        script.toFile().setExecutable(true);
        tmux("new-session", "-d", "-s", "view", "-x", Integer.toString(width), "-y", "30", "-e", "TERM=xterm-256color");
        tmux("set-option", "-t", "view", "remain-on-exit", "on");
        tmux("respawn-pane", "-k", "-t", "view", script.toString());
    }

    private String await(Predicate<String> screen, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = capture(false);
            if (screen.test(last)) {
                return last;
            }
            Thread.sleep(100); // polling a real terminal's screen
        }
        throw new AssertionError("the screen never showed what was expected; last screen:\n" + last);
    }

    private String capture(boolean escapes) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("capture-pane", "-p", "-t", "view"));
        if (escapes) {
            args.add("-e");
        }
        return tmux(args.toArray(String[]::new));
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", server));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
