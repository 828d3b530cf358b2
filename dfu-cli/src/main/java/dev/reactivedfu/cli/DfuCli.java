package dev.reactivedfu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dfu} command. Subcommands: {@code pkg}, {@code simulate}, {@code flash}, {@code ports}, {@code demo}, {@code station}, {@code keys}, {@code settings}.
 * This module is the only one that blocks.
 */
@Command(name = "dfu",
        mixinStandardHelpOptions = true,
        versionProvider = DfuCli.Version.class,
        description = "Nordic nRF5 secure DFU over serial: flash boards, simulate a bootloader, inspect packages.",
        subcommands = {
                CommandLine.HelpCommand.class,
                PkgCommand.class,
                FlashCommand.class,
                PortsCommand.class,
                DemoCommand.class,
                SimulateCommand.class,
                StationCommand.class,
                KeysCommand.class,
                SettingsCommand.class,
        },
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class DfuCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests: nothing calls {@code System.exit}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, with the exception-to-exit-code mapping. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DfuCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + ExitCodes.describe(ex));
            return ExitCodes.of(ex);
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest, or "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DfuCli.class.getPackage().getImplementationVersion();
            return new String[] {"dfu " + (v == null ? "development build" : v)};
        }
    }
}
