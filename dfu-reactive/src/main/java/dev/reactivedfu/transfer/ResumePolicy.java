package dev.reactivedfu.transfer;

/** What the engine does with progress a device already holds (DESIGN.md, "Resume or restart"). */
public enum ResumePolicy {
    /**
     * Believe the device's offsets only after their CRC matches the local image, then send only what is missing.
     * The default.
     */
    RESUME,
    /** Always start every image from zero: create a new command object, which drops the device's data progress. */
    RESTART
}
