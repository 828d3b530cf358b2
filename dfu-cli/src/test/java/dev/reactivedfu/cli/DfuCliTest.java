package dev.reactivedfu.cli;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class DfuCliTest {

    @Test
    void a_named_subcommand_gets_a_command_line_holding_only_it_under_dfu() {
        CommandLine cl = DfuCli.commandLine("flash", "--port", "/dev/ttyACM0", "app.zip");

        assertThat(cl.getCommandName()).isEqualTo("dfu");
        assertThat(cl.getSubcommands()).containsOnlyKeys("flash");
    }

    @Test
    void every_subcommand_is_found_by_its_name_alone() {
        for (String name : DfuCli.commandLine().getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine alone = DfuCli.commandLine(name);

            assertThat(alone.getSubcommands()).as(name).containsOnlyKeys(name);
            assertThat(alone.getSubcommands().get(name).getCommand().getClass())
                    .isSameAs(DfuCli.commandLine().getSubcommands().get(name).getCommand().getClass());
        }
    }

    @Test
    void no_subcommand_or_help_gets_every_subcommand() {
        assertThat(DfuCli.commandLine().getSubcommands().keySet())
                .contains("flash", "simulate", "station", "demo", "pkg", "help");
        assertThat(DfuCli.commandLine("--help").getSubcommands()).hasSameSizeAs(DfuCli.commandLine().getSubcommands());
        assertThat(DfuCli.commandLine("help", "flash").getSubcommands())
                .hasSameSizeAs(DfuCli.commandLine().getSubcommands());
    }

    @Test
    void the_subcommand_alone_shows_the_same_usage_as_under_the_full_command_line() {
        CliRun alone = CliRun.run(DfuCli.commandLine("flash", "--help"), "flash", "--help");
        CliRun full = CliRun.run(DfuCli.commandLine(), "flash", "--help");

        assertThat(alone.exit()).isZero();
        assertThat(alone.out()).startsWith("Usage: dfu flash").isEqualTo(full.out());
    }

    @Test
    void an_option_error_of_the_subcommand_alone_is_reported_as_under_the_full_command_line() {
        CliRun alone = CliRun.run(DfuCli.commandLine("flash", "--bogus"), "flash", "--bogus");
        CliRun full = CliRun.run(DfuCli.commandLine(), "flash", "--bogus");

        assertThat(alone.exit()).isEqualTo(full.exit()).isNotZero();
        assertThat(alone.err()).isNotEmpty().isEqualTo(full.err());
    }

    @Test
    void a_misspelt_subcommand_is_refused_by_the_full_command_line() {
        CliRun run = CliRun.run(DfuCli.commandLine("flsh"), "flsh");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("flsh");
    }

    @Test
    void logs_are_off_unless_dfu_log_level_names_a_level() {
        assertThat(LogSetup.level(null)).isEqualTo(Level.OFF);
        assertThat(LogSetup.level(" ")).isEqualTo(Level.OFF);
        assertThat(LogSetup.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(LogSetup.level("WARN")).isEqualTo(Level.WARN);
        assertThat(LogSetup.level("chatty")).isEqualTo(Level.DEBUG);
    }
}
