package dev.reactivedfu.cli;

import dev.reactivedfu.archive.AtomicFiles;
import dev.reactivedfu.archive.keys.KeyText;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.error.PackageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;

/**
 * {@code dfu keys}: P-256 signing keys as nrfutil makes and shows them. Subcommands: {@code generate},
 * {@code display}; same arguments and, for {@code display}, the same text as {@code nrfutil keys}.
 */
@Command(name = "keys",
        mixinStandardHelpOptions = true,
        description = "Generate a P-256 signing key, or show a key as PEM, hex or the C file a bootloader build takes.",
        subcommands = {KeysCommand.Generate.class, KeysCommand.Display.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class KeysCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code dfu keys generate FILE}: a new private key, PEM, readable by its owner only; never overwrites. */
    @Command(name = "generate",
            mixinStandardHelpOptions = true,
            description = {"Generate a P-256 private (signing) key and store it in FILE as PEM (mode rw-------).",
                    "An existing FILE is never overwritten: a signing key that is lost cannot be made again."},
            footerHeading = "%nExit codes:%n",
            footer = {ExitCodes.HELP})
    static final class Generate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "Where to store the private key (PEM).")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return fail(spec, ExitCodes.USAGE, file + ": file exists; refusing to overwrite a key "
                        + "(move it away first, or choose another name)");
            }
            SigningKey key = SigningKey.generate(new SecureRandom());
            try {
                byte[] pem = key.toPem().getBytes(StandardCharsets.US_ASCII);
                AtomicFiles.writePrivate(file, stream -> stream.write(pem));
            } catch (PackageException e) {
                return fail(spec, ExitCodes.INVALID_PACKAGE, ExitCodes.describe(e));
            }
            out.println("Generated private key and stored it in: " + file);
            out.flush();
            return ExitCodes.OK;
        }
    }

    /**
     * {@code dfu keys display --key pk|sk --format pem|hex|code|dbgcode FILE [--out_file OUT]}: prints (or stores) a
     * key in nrfutil's text.
     */
    @Command(name = "display",
            mixinStandardHelpOptions = true,
            description = {"Show the private key in FILE (PEM) or the public key derived from it, exactly as "
                    + "nrfutil keys display does.",
                    "--format code gives the dfu_public_key.c a bootloader build takes; dbgcode the same for a "
                            + "debug bootloader only."},
            footerHeading = "%nExit codes:%n",
            footer = {ExitCodes.HELP})
    static final class Display implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The clock for the C file's comment; tests fix it. */
        Clock clock = Clock.systemDefaultZone();

        @Parameters(index = "0", paramLabel = "FILE", description = "The private key (PEM), as keys generate writes.")
        Path file;

        @Option(names = "--key", paramLabel = "pk|sk",
                description = "pk: the public (verification) key; sk: the private (signing) key.")
        String key;

        @Option(names = "--format", paramLabel = "hex|code|dbgcode|pem",
                description = "hex, C code (code; dbgcode for a debug bootloader) or PEM. The private key has no code form.")
        String format;

        @Option(names = {"--out_file", "--out-file"}, paramLabel = "OUT",
                description = "Store the text in OUT (written whole or not at all) instead of printing it.")
        Path outFile;

        @Override
        public Integer call() {
            if (key == null) {
                return fail(spec, ExitCodes.USAGE, "--key: give pk (public key) or sk (private key)");
            }
            if (!key.equals("pk") && !key.equals("sk")) {
                return fail(spec, ExitCodes.USAGE, "--key " + key + ": not pk or sk");
            }
            if (format == null) {
                return fail(spec, ExitCodes.USAGE, "--format: give hex, code, dbgcode or pem");
            }
            if (!format.equals("hex") && !format.equals("code") && !format.equals("dbgcode")
                    && !format.equals("pem")) {
                return fail(spec, ExitCodes.USAGE, "--format " + format + ": not hex, code, dbgcode or pem");
            }
            if (key.equals("sk") && (format.equals("code") || format.equals("dbgcode"))) {
                return fail(spec, ExitCodes.USAGE, "--format " + format
                        + ": the private key has no code form (use hex or pem)");
            }
            String text;
            try {
                SigningKey signingKey = SigningKey.read(file);
                text = text(signingKey);
                if (outFile != null) {
                    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
                    if (key.equals("sk")) {
                        AtomicFiles.writePrivate(outFile, stream -> stream.write(bytes));
                    } else {
                        AtomicFiles.write(outFile, bytes);
                    }
                }
            } catch (PackageException e) {
                return fail(spec, ExitCodes.INVALID_PACKAGE, ExitCodes.describe(e));
            }
            if (outFile == null) {
                PrintWriter out = spec.commandLine().getOut();
                out.print(text + "\n");
                out.flush();
            }
            return ExitCodes.OK;
        }

        private String text(SigningKey signingKey) {
            if (key.equals("sk")) {
                return format.equals("hex") ? KeyText.privateHex(signingKey) : KeyText.privatePem(signingKey);
            }
            return switch (format) {
                case "hex" -> KeyText.publicHex(signingKey.publicKey());
                case "pem" -> KeyText.publicPem(signingKey.publicKey());
                default -> KeyText.publicCode(signingKey.publicKey(), format.equals("dbgcode"),
                        LocalDateTime.now(clock));
            };
        }
    }

    /** Prints {@code error: MESSAGE} (one line) and returns {@code code}. */
    static int fail(CommandLine.Model.CommandSpec spec, int code, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + message);
        err.flush();
        return code;
    }
}
