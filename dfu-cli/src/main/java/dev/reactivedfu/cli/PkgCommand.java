package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.DfuPackageWriter;
import dev.reactivedfu.archive.PackageValidation;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.archive.hex.FirmwareFiles;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.cli.pkg.GenerateOptions;
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
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code dfu pkg}: work with nrfutil DFU packages. Subcommands: {@code display}, {@code generate}. */
@Command(name = "pkg",
        mixinStandardHelpOptions = true,
        description = "Work with nrfutil DFU packages (.zip).",
        subcommands = {PkgCommand.Display.class, PkgCommand.Generate.class, CommandLine.HelpCommand.class},
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

    /**
     * {@code dfu pkg generate OUT.zip ...}: makes the package nrfutil 6.1.7's {@code pkg generate} makes, with its
     * option names and meanings (rules in {@link GenerateOptions}, packaging in {@link DfuPackageWriter}). The output
     * is written beside and moved atomically: on any error no output file is left (an existing one is untouched).
     * Exit 0 when written, 2 for a refused option combination, 3 for an unreadable input or key, or an output that
     * cannot be written.
     */
    @Command(name = "generate",
            mixinStandardHelpOptions = true,
            description = {
                    "Make a DFU package as nrfutil pkg generate does (same options, same manifest, .bin and init "
                            + "packets; unsigned packages byte for byte).",
                    "Combinations: --application; --bootloader; --softdevice; --softdevice with --bootloader "
                            + "(one sd_bl image), with or without --application; --softdevice with --application. "
                            + "Inputs are Intel HEX (.hex) or raw binary (any other name).",
                    "Entries are stamped with the current local time, or with SOURCE_DATE_EPOCH (UTC) when it is "
                            + "set, for reproducible builds."},
            footerHeading = "%nExit codes:%n",
            footer = {ExitCodes.HELP})
    static final class Generate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "OUT.zip", description = "The package to write.")
        Path output;

        @Option(names = "--application", paramLabel = "FILE", description = "The application (.hex or .bin).")
        Path application;

        @Option(names = "--application-version", paramLabel = "N",
                description = "The application version (fw_version), decimal or 0x hex.")
        String applicationVersion;

        @Option(names = "--application-version-string", paramLabel = "MAJOR.MINOR.PATCH",
                description = "The application version as a string, e.g. 2.7.31 (stored as 20731).")
        String applicationVersionString;

        @Option(names = "--bootloader", paramLabel = "FILE", description = "The bootloader (.hex or .bin).")
        Path bootloader;

        @Option(names = "--bootloader-version", paramLabel = "N", description = "The bootloader version.")
        String bootloaderVersion;

        @Option(names = "--softdevice", paramLabel = "FILE", description = "The SoftDevice (.hex or .bin).")
        Path softdevice;

        @Option(names = "--hw-version", paramLabel = "N", description = "The hardware version, e.g. 52.")
        String hwVersion;

        @Option(names = "--sd-req", paramLabel = "IDS",
                description = "SoftDevice ids one of which the device must hold: a comma list, hex with 0x "
                        + "(e.g. 0xCA,0x0100; 0x00 for none).")
        String sdReq;

        @Option(names = "--sd-id", paramLabel = "IDS",
                description = "The new SoftDevice's ids, required with --softdevice and --application.")
        String sdId;

        @Option(names = "--app-boot-validation", paramLabel = "TYPE",
                description = "NO_VALIDATION, VALIDATE_GENERATED_CRC (default), VALIDATE_GENERATED_SHA256 or "
                        + "VALIDATE_ECDSA_P256_SHA256 (needs --key-file).")
        String appBootValidation;

        @Option(names = "--sd-boot-validation", paramLabel = "TYPE",
                description = "As --app-boot-validation, for the SoftDevice.")
        String sdBootValidation;

        @Option(names = "--key-file", paramLabel = "PRIVATE_KEY",
                description = "P-256 private key (PEM) to sign the init packets with; unsigned without it.")
        Path keyFile;

        @Option(names = "--debug-mode", description = "Make a debug package (versions default to 0xFFFFFFFF, "
                + "--sd-req to 0xFFFE); only a debug bootloader accepts it.")
        boolean debugMode;

        /** The time stamped on the entries: for tests; {@code null} means now (or SOURCE_DATE_EPOCH). */
        static volatile LocalDateTime fixedTime;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            GenerateOptions.Resolved options;
            try {
                options = GenerateOptions.resolve(application != null, bootloader != null, softdevice != null,
                        debugMode, applicationVersion, applicationVersionString, bootloaderVersion, hwVersion, sdReq,
                        sdId, sdBootValidation, appBootValidation);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return ExitCodes.USAGE;
            }
            options.warnings().forEach(w -> err.println("warning: " + w));
            try {
                DfuPackageWriter.Spec packageSpec = new DfuPackageWriter.Spec(
                        Optional.ofNullable(application).map(f ->
                                DfuPackageWriter.Firmware.read(f, FirmwareFiles.Kind.APPLICATION)),
                        Optional.ofNullable(bootloader).map(f ->
                                DfuPackageWriter.Firmware.read(f, FirmwareFiles.Kind.BOOTLOADER)),
                        Optional.ofNullable(softdevice).map(f ->
                                DfuPackageWriter.Firmware.read(f, FirmwareFiles.Kind.SOFTDEVICE)),
                        options.applicationVersion(), options.bootloaderVersion(), options.hwVersion(),
                        options.sdReq(), options.sdId(), options.sdBootValidation(), options.appBootValidation(),
                        debugMode, Optional.ofNullable(keyFile).map(SigningKey::read));
                DfuPackageWriter.Generated generated = DfuPackageWriter.generate(packageSpec);
                generated.write(output, time());
                out.println("Zip created at " + output);
                generated.manifest().images().forEach(i -> out.println("  " + i.kind().manifestKey() + ": "
                        + i.binFile() + ", " + i.datFile()));
                if (keyFile == null) {
                    err.println("warning: no --key-file: the init packets are unsigned, and a bootloader that "
                            + "checks signatures refuses them");
                }
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return ExitCodes.USAGE;
            } catch (PackageException e) {
                err.println("error: " + ExitCodes.describe(e));
                err.flush();
                return ExitCodes.INVALID_PACKAGE;
            }
            out.flush();
            err.flush();
            return ExitCodes.OK;
        }

        private static LocalDateTime time() {
            LocalDateTime fixed = fixedTime;
            if (fixed != null) {
                return fixed;
            }
            String epoch = System.getenv("SOURCE_DATE_EPOCH");
            if (epoch != null && epoch.matches("\\d{1,12}")) {
                return LocalDateTime.ofEpochSecond(Long.parseLong(epoch), 0, ZoneOffset.UTC);
            }
            return LocalDateTime.now();
        }
    }
}
