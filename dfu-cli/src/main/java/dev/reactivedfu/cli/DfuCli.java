package dev.reactivedfu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.List;

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
        return commandLine(args).execute(args);
    }

    /** The configured command line, with the exception-to-exit-code mapping. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new DfuCli()));
    }

    /**
     * The command line for {@code args}: when they name a subcommand, {@code dfu} with only that one (picocli
     * inspects, and instantiates, every subcommand it is given; some pull in Jackson or java.time on their own, a
     * good part of {@code dfu flash}'s start-up before its first frame); otherwise {@link #commandLine()}.
     */
    static CommandLine commandLine(String... args) {
        Class<?> conventional = args.length == 0 ? null : conventionalClass(args[0]);
        if (conventional == FlashCommand.class) {
            // before picocli reads its first annotation, so that all of picocli's work runs beside the warm-up
            FlashWarmup.start(givesKey(args));
        }
        Class<?> only = args.length == 0 ? null : subcommandNamed(args[0], conventional);
        if (only == null) {
            return commandLine();
        }
        Command top = DfuCli.class.getAnnotation(Command.class);
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(new DfuCli())
                .name(top.name())
                .mixinStandardHelpOptions(top.mixinStandardHelpOptions());
        spec.versionProvider(new Version());
        spec.usageMessage().description(top.description()).footerHeading(top.footerHeading()).footer(top.footer());
        CommandLine cl = new CommandLine(spec);
        cl.addSubcommand(new CommandLine(only));
        return configure(cl);
    }

    /**
     * The subcommand class listed on {@link DfuCli} under this name or alias, except {@code help}; else null. Tried
     * first by the naming convention ({@code conventional}, the {@link #conventionalClass} of {@code name}: {@code dfu
     * flash} is {@link FlashCommand}), which reads one subcommand's annotations instead of all of them.
     */
    private static Class<?> subcommandNamed(String name, Class<?> conventional) {
        List<Class<?>> listed = Arrays.asList(DfuCli.class.getAnnotation(Command.class).subcommands());
        if (conventional != null && listed.contains(conventional) && names(conventional, name)) {
            return conventional;
        }
        for (Class<?> c : listed) {
            if (c != CommandLine.HelpCommand.class && names(c, name)) {
                return c;
            }
        }
        return null;
    }

    /** Whether {@code dfu flash ARGS} checks a signature ({@code --key FILE} or {@code --key=FILE}). */
    private static boolean givesKey(String... args) {
        for (String a : args) {
            if (a.equals("--key") || a.startsWith("--key=")) {
                return true;
            }
        }
        return false;
    }

    /** {@code dev.reactivedfu.cli.NameCommand} for {@code name}, when there is such a class; else null. */
    private static Class<?> conventionalClass(String name) {
        if (name.isEmpty()) {
            return null;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < 'a' || name.charAt(i) > 'z') {
                return null;
            }
        }
        try {
            return Class.forName(DfuCli.class.getPackageName() + "." + Character.toUpperCase(name.charAt(0))
                    + name.substring(1) + "Command", false, DfuCli.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Whether {@code c} is a command named {@code name} (or with that alias). */
    private static boolean names(Class<?> c, String name) {
        Command command = c.getAnnotation(Command.class);
        return command != null
                && (command.name().equals(name) || Arrays.asList(command.aliases()).contains(name));
    }

    private static CommandLine configure(CommandLine cl) {
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
