package dev.reactivedfu.station.web;

import dev.reactivedfu.archive.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;

/**
 * What {@code dfu_station_info} says about this process: the reactive-dfu version and the SHA-256 of the DFU package
 * it sends, so a dashboard shows which firmware each station is putting on boards.
 *
 * @param version     the reactive-dfu version (see {@link #currentVersion()})
 * @param packageHash lower-case hex SHA-256 of the package file, or {@code "none"} when no package is loaded
 */
public record StationInfo(String version, String packageHash) {

    public StationInfo {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(packageHash, "packageHash");
    }

    /** This build's version and the hash of {@code packageBytes} (the .zip as read from disk). */
    public static StationInfo of(byte[] packageBytes) {
        return new StationInfo(currentVersion(), sha256(packageBytes));
    }

    /** This build's version, no package. */
    public static StationInfo noPackage() {
        return new StationInfo(currentVersion(), "none");
    }

    /** The version Maven wrote into this module's resources, or {@code "unknown"} when run from an IDE's classes. */
    public static String currentVersion() {
        try (InputStream in = StationInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.digest(bytes));
    }
}
