package dev.reactivedfu.cli;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.archive.Sha256;
import dev.reactivedfu.cli.render.EventRenderer;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.simulator.SimulatorTransport;
import dev.reactivedfu.transfer.DfuClient;
import dev.reactivedfu.transfer.DfuOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code dfu demo}: the main job on an embedded default. Starts a simulated nRF52840 secure serial bootloader in this
 * process, flashes a package onto it through the same engine {@code dfu flash} uses, and checks that the board now
 * holds the image.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "Flash a package onto a simulated nRF52840 bootloader in this process (no hardware, no setup) and",
                "verify that the board holds it. Without PACKAGE a built-in signed 24 KiB application is used."},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class DemoCommand implements Callable<Integer> {

    static final String BUILT_IN_PACKAGE = "/demo/app_24k.zip";
    static final String BUILT_IN_KEY = "/demo/public.pem";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PACKAGE", arity = "0..1", description = "DFU package (.zip); default: the built-in one.")
    Path packageFile;

    @Option(names = "--key", paramLabel = "PUBLIC_KEY",
            description = "Public key the simulated bootloader checks signatures with (PEM or nrfutil hex). "
                    + "Default: the built-in package's key for the built-in package, none (unsigned packages accepted) otherwise.")
    Path key;

    @Option(names = "--baud", paramLabel = "N", defaultValue = "115200",
            description = "Simulated UART speed (default: ${DEFAULT-VALUE}); 0 for no line or flash timing at all.")
    long baud;

    @Option(names = "--prn", paramLabel = "N", description = "PRN interval (default: " + DfuOptions.DEFAULT_PRN + ").")
    Integer prn;

    @Option(names = "--json", description = "One JSON object per line per event; the last one is the summary.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ECPublicKey[] boardKey = new ECPublicKey[1];
        Optional<DfuPackage> loaded = PackageLoading.load(() -> {
            DfuPackageReader reader = new DfuPackageReader();
            if (packageFile == null) {
                boardKey[0] = key != null ? PublicKeys.read(key) : PublicKeys.parse("built-in key",
                        new String(resource(BUILT_IN_KEY), StandardCharsets.US_ASCII));
                return reader.read("built-in app_24k.zip", resource(BUILT_IN_PACKAGE), boardKey[0]);
            }
            boardKey[0] = key == null ? null : PublicKeys.read(key);
            return boardKey[0] == null ? reader.read(packageFile) : reader.read(packageFile, boardKey[0]);
        }, json, out, err);
        if (loaded.isEmpty()) {
            return ExitCodes.INVALID_PACKAGE;
        }
        DfuPackage pkg = loaded.get();
        ECPublicKey publicKey = boardKey[0];

        SimulatorConfig.Builder config = SimulatorConfig.builder();
        if (publicKey != null) {
            config.publicKey(publicKey);
        }
        if (baud > 0) {
            config.baud(baud).flashTiming(SimulatorConfig.FlashTiming.NRF52840);
        }
        SimulatorTransport transport = new SimulatorTransport("simulated-nrf52840",
                SimulatedDevice.create(config.build(), Schedulers.parallel()));
        if (!json) {
            out.printf("simulated nRF52840 bootloader (UART, %s, nRF52840 flash timing%s)%n",
                    baud > 0 ? baud + " baud" : "no line timing", baud > 0 ? "" : " off");
            out.printf("package: %s (%d image(s), %d bytes of firmware)%n", pkg.source(), pkg.images().size(),
                    pkg.totalFirmwareBytes());
            out.flush();
        }
        DfuOptions.Builder options = DfuOptions.builder();
        if (prn != null) {
            options.prn(prn);
        }
        EventRenderer renderer = EventRenderer.choose(json, System.console() != null, out);
        try {
            int exit = new UpdateRunner(DfuClient.create())
                    .run(transport, pkg, options.build(), renderer, err, "dfu demo");
            if (exit != ExitCodes.OK) {
                return exit;
            }
            return verify(pkg, transport.device(), out, err);
        } finally {
            transport.device().dispose();
        }
    }

    /** Compares the board's activated application with the package's, when the package holds one. */
    private int verify(DfuPackage pkg, SimulatedDevice device, PrintWriter out, PrintWriter err) {
        Optional<FirmwareImage> app = pkg.images().stream().filter(i -> i.kind() == ImageKind.APPLICATION).findFirst();
        if (app.isEmpty()) {
            if (!json) {
                out.println("the board accepted every image (the package holds no application to compare)");
            }
            return ExitCodes.OK;
        }
        byte[] expected = app.get().firmware();
        byte[] actual = device.application().orElse(new byte[0]);
        if (!Arrays.equals(expected, actual)) {
            err.printf("error: the board's application (%d bytes, sha256 %s) differs from %s (%d bytes, sha256 %s)%n",
                    actual.length, sha256(actual), app.get().binFile(), expected.length, sha256(expected));
            err.flush();
            return ExitCodes.DEVICE_ERROR;
        }
        if (!json) {
            out.printf("verified: the board's application equals %s (%d bytes, sha256 %s)%n", app.get().binFile(),
                    actual.length, sha256(actual));
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.digest(bytes));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("built-in resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
