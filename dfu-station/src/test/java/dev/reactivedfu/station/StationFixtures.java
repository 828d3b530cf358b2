package dev.reactivedfu.station;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.transfer.DfuOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;

/** The package, key and engine options the station's tests share. */
final class StationFixtures {

    static final ECPublicKey KEY = PublicKeys.parse("public.pem",
            new String(bytes("/fixtures/public.pem"), StandardCharsets.US_ASCII));
    static final DfuPackage APP_24K = new DfuPackageReader().read("app_24k.zip", bytes("/fixtures/app_24k.zip"), KEY);
    static final String APP_24K_SHA256 = "test-sha256";
    /** A SoftDevice+bootloader image, then an application: the board resets (and re-enumerates) between them. */
    static final DfuPackage SD_BL_APP_24K = new DfuPackageReader().read("sd_bl_app_24k.zip",
            bytes("/fixtures/sd_bl_app_24k.zip"), KEY);

    private StationFixtures() {
    }

    /** Options that end a hopeless board within seconds: no inactivity wait, small budgets, short backoff. */
    static DfuOptions fastOptions() {
        return DfuOptions.builder()
                .inactivityWait(Duration.ZERO)
                .retriesPerImage(2)
                .retriesPerDevice(6)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .rebootTimeout(Duration.ofSeconds(3))
                .openTimeout(Duration.ofSeconds(1))
                .build();
    }

    static byte[] application() {
        return APP_24K.images().get(0).firmware();
    }

    static byte[] bytes(String resource) {
        try (InputStream in = StationFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
