package dev.reactivedfu.archive;

/**
 * Kinds of image in an nrfutil package, in the order they must be sent: a new SoftDevice and bootloader first, the
 * application last (the application's sd_req may name the SoftDevice that comes before it).
 */
public enum ImageKind {
    /** A SoftDevice and a bootloader in one image; sent first. */
    SOFTDEVICE_BOOTLOADER("softdevice_bootloader"),
    /** A SoftDevice alone. */
    SOFTDEVICE("softdevice"),
    /** A bootloader alone. */
    BOOTLOADER("bootloader"),
    /** The application; sent last. */
    APPLICATION("application");

    private final String manifestKey;

    ImageKind(String manifestKey) {
        this.manifestKey = manifestKey;
    }

    /** The key naming this kind in {@code manifest.json}. */
    public String manifestKey() {
        return manifestKey;
    }

    /** @return the kind for a manifest key, or {@code null} when it names none */
    public static ImageKind fromManifestKey(String key) {
        for (ImageKind k : values()) {
            if (k.manifestKey.equals(key)) {
                return k;
            }
        }
        return null;
    }
}
