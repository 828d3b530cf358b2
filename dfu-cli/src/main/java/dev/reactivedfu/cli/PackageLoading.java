package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.cli.render.JsonLinesRenderer;
import dev.reactivedfu.error.PackageException;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.Supplier;

/** Reads the package (and key) of an updating command before anything is sent, reporting a refusal once. */
final class PackageLoading {

    private PackageLoading() {
    }

    /**
     * Runs {@code read}; on a {@link PackageException} prints the one-line error (and, with {@code json}, a failed
     * summary line) and returns empty, so the command exits with {@link ExitCodes#INVALID_PACKAGE}.
     */
    static Optional<DfuPackage> load(Supplier<DfuPackage> read, boolean json, PrintWriter out, PrintWriter err) {
        try {
            return Optional.of(read.get());
        } catch (PackageException e) {
            if (json) {
                out.println(JsonLinesRenderer.failedBeforeStart(e));
                out.flush();
            }
            err.println("error: " + ExitCodes.describe(e));
            err.flush();
            return Optional.empty();
        }
    }
}
