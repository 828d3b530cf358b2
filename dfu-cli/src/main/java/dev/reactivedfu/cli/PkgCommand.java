package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.PackageValidation;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.cli.pkg.PackageJson;
import dev.reactivedfu.cli.pkg.PackageText;
import dev.reactivedfu.error.PackageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.concurrent.Callable;

/** {@code dfu pkg}: work with nrfutil DFU packages. Subcommands: {@code display}. */
@Command(name = "pkg",
        mixinStandardHelpOptions = true,
        description = "Work with nrfutil DFU packages (.zip).",
        subcommands = {PkgCommand.Display.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class PkgCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code dfu pkg display FILE [--key PUBLIC_KEY] [--json]}: reads a package, checks it as the flasher would before
     * touching a device, and shows every image in send order. Exit 0 when the package is valid, 3 otherwise.
     */
    @Command(name = "display",
            mixinStandardHelpOptions = true,
            description = {
                    "Show a DFU package's images in send order: files, sizes, init packet fields, hash and signature.",
                    "The package is checked as before flashing: SHA-256 of each image against its init packet, "
                            + "sizes, hash type; with --key, the ECDSA P-256 signatures. Nothing is extracted."},
            footerHeading = "%nExit codes:%n",
            footer = {ExitCodes.HELP})
    static final class Display implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The package (.zip made by nrfutil pkg generate).")
        Path file;

        @Option(names = "--key", paramLabel = "PUBLIC_KEY",
                description = "Public key to verify signatures with: PEM, or the hex form nrfutil prints.")
        Path key;

        @Option(names = "--json", description = "Print one JSON object instead of the report.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String name = file.toString();
            PackageValidation validation;
            try {
                DfuPackageReader reader = new DfuPackageReader();
                if (key != null) {
                    ECPublicKey publicKey = PublicKeys.read(key);
                    validation = reader.inspect(file, publicKey);
                } else {
                    validation = reader.inspect(file);
                }
            } catch (PackageException e) {
                if (json) {
                    out.println(PackageJson.write(PackageJson.error(name, e)));
                }
                err.println("error: " + ExitCodes.describe(e));
                out.flush();
                err.flush();
                return ExitCodes.INVALID_PACKAGE;
            }
            if (json) {
                out.println(PackageJson.write(PackageJson.report(name, validation)));
            } else {
                out.print(PackageText.report(validation));
            }
            out.flush();
            if (validation.failure().isPresent()) {
                err.println("error: " + ExitCodes.describe(validation.failure().get()));
                err.flush();
                return ExitCodes.INVALID_PACKAGE;
            }
            return ExitCodes.OK;
        }
    }
}
