package dev.reactivedfu.station.web;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds a system program a test needs: skips naming its Debian package when missing, or fails when {@code CI} is set. */
final class SystemTools {

    private SystemTools() {
    }

    /** The first executable of {@code candidates}; skips (or fails under CI) naming {@code debianPackage}. */
    static Path require(String debianPackage, String... candidates) {
        Optional<Path> found = List.of(candidates).stream().map(Path::of).filter(Files::isExecutable).findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        String message = "needs " + String.join(" or ", candidates) + ": install the Debian package "
                + debianPackage + " (apt-get install -y " + debianPackage + "; .ci/run does)";
        if (System.getenv("CI") != null) {
            Assertions.fail("CI is set, so this test must run: " + message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
