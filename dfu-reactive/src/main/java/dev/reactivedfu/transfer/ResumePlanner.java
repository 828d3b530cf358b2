package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectLayout;

/**
 * The resume-or-restart decision (DESIGN.md, "Resume or restart"), as pure functions from what SELECT reported and
 * the local image to a plan. No offset is believed before its CRC matches the local image.
 *
 * <p>Command object (the init packet), in order:
 * <ol>
 *   <li>policy {@link ResumePolicy#RESTART}, or an image restart forced after stale data progress: create.</li>
 *   <li>offset 0: create (nothing there).</li>
 *   <li>offset beyond the init packet: create (a different, longer init packet).</li>
 *   <li>CRC mismatch: create (a different or broken init packet). Creating also drops the device's data progress.</li>
 *   <li>match with offset &lt; length: send the rest, check the CRC, execute.</li>
 *   <li>match at full length, data object with progress: it was executed before; do not execute it again (that
 *       would save the current, possibly mid-object, data progress to flash).</li>
 *   <li>match at full length, no data progress: execute it.</li>
 * </ol>
 *
 * <p>Data objects, in order:
 * <ol>
 *   <li>offset 0: start with object 0.</li>
 *   <li>offset beyond the image: restart the image.</li>
 *   <li>CRC mismatch: re-create the object holding the last reported byte at its start, SELECT again and verify the
 *       device agrees at that boundary ({@link #afterRecreate}); if not, restart the image.</li>
 *   <li>match on an object boundary: execute the object that ends there (0x08 means it was already executed:
 *       verify with SELECT, {@link #afterNotPermitted}), then go on.</li>
 *   <li>match inside an object: send the rest of it.</li>
 * </ol>
 */
final class ResumePlanner {

    private ResumePlanner() {
    }

    /** What to do with the command object. */
    sealed interface CommandPlan {
        /** Create the command object and send the whole init packet; {@code reason} says why. */
        record Create(String reason) implements CommandPlan {
        }

        /** The device holds a verified prefix of {@code offset} bytes: send the rest, check, execute. */
        record Resume(long offset) implements CommandPlan {
        }

        /** The whole init packet is there and no data yet: execute it. */
        record Execute() implements CommandPlan {
        }

        /** The whole init packet is there and was executed (the data object has progress): go on with data. */
        record Skip() implements CommandPlan {
        }
    }

    /** What to do with the data objects. */
    sealed interface DataPlan {
        /** Create object {@code index} and send it whole. */
        record Start(int index) implements DataPlan {
        }

        /** Object {@code index} holds a verified prefix up to {@code offset}: send the rest. */
        record Resume(int index, long offset) implements DataPlan {
        }

        /** Object {@code index} is complete and verified on the device: execute it. */
        record Execute(int index) implements DataPlan {
        }

        /** The device's progress does not verify: re-create object {@code index} at its start and SELECT again. */
        record Recreate(int index) implements DataPlan {
        }

        /** Object {@code index} was re-created and the device agrees at its start: send it whole, no CREATE. */
        record SendCreated(int index) implements DataPlan {
        }

        /**
         * Start the image over from the command object; {@code reason} says why, {@code offset} and {@code crc} are
         * what the device reported.
         */
        record RestartImage(String reason, long offset, long crc) implements DataPlan {
        }

        /** Every object was executed: the image is done. */
        record Done() implements DataPlan {
        }
    }

    /**
     * Plans the command object.
     *
     * @param command      SELECT(command) answer
     * @param data         SELECT(data) answer (only its offset is used: "does the data object have progress")
     * @param init         the init packet
     * @param forceRestart restart policy or an image restart after stale data progress; the command object's
     *                     maximum was checked against the init packet before ({@link DeviceClaims})
     */
    static CommandPlan planCommand(DfuResponse.Select command, DfuResponse.Select data, LocalImage init,
                                   boolean forceRestart) {
        if (forceRestart) {
            return new CommandPlan.Create("restart");
        }
        if (command.offset() == 0) {
            return new CommandPlan.Create("no init packet on the device");
        }
        if (command.offset() > init.size()) {
            return new CommandPlan.Create("the device holds " + command.offset() + " init packet bytes, this one has "
                    + init.size());
        }
        if (!init.matches(command.offset(), command.crc())) {
            return new CommandPlan.Create(String.format("the init packet on the device differs (CRC 0x%08X at %d)",
                    command.crc(), command.offset()));
        }
        if (command.offset() < init.size()) {
            return new CommandPlan.Resume(command.offset());
        }
        return data.offset() > 0 ? new CommandPlan.Skip() : new CommandPlan.Execute();
    }

    /** Plans the data objects from SELECT(data), whose maximum size was checked before ({@link DeviceClaims}). */
    static DataPlan planData(DfuResponse.Select data, LocalImage firmware) {
        ObjectLayout layout = layout(data, firmware);
        long offset = data.offset();
        if (offset == 0) {
            return new DataPlan.Start(0);
        }
        if (offset > firmware.size()) {
            return new DataPlan.RestartImage("the device reports offset " + offset + " beyond the image of "
                    + firmware.size() + " bytes", offset, data.crc());
        }
        if (!firmware.matches(offset, data.crc())) {
            return new DataPlan.Recreate(layout.objectIndexAt(offset - 1));
        }
        if (layout.isBoundary(offset)) {
            return new DataPlan.Execute(layout.objectIndexAt(offset - 1));
        }
        return new DataPlan.Resume(layout.objectIndexAt(offset), offset);
    }

    /**
     * After re-creating object {@code index}: the device must now agree at the object's start, else the image
     * starts over.
     */
    static DataPlan afterRecreate(DfuResponse.Select data, LocalImage firmware, int index) {
        ObjectLayout layout = layout(data, firmware);
        long start = layout.objectStart(index);
        if (data.offset() == start && firmware.matches(start, data.crc())) {
            return new DataPlan.SendCreated(index);
        }
        return new DataPlan.RestartImage(String.format(
                "after re-creating object %d the device reports offset %d CRC 0x%08X, not its start %d",
                index, data.offset(), data.crc(), start), data.offset(), data.crc());
    }

    /**
     * After EXECUTE of object {@code index} answered 0x08 at a boundary: if SELECT shows the object complete and
     * verified, it was already executed and the next object follows (for the last object, whose EXECUTE would have
     * activated the image, it is re-created); otherwise plan afresh from what SELECT shows.
     */
    static DataPlan afterNotPermitted(DfuResponse.Select data, LocalImage firmware, int index) {
        ObjectLayout layout = layout(data, firmware);
        long end = layout.objectStart(index) + layout.objectLength(index);
        if (data.offset() == end && firmware.matches(end, data.crc())) {
            return index + 1 < layout.objectCount() ? new DataPlan.Start(index + 1) : new DataPlan.Recreate(index);
        }
        return planData(data, firmware);
    }

    /** The plan after object {@code index} was executed. */
    static DataPlan next(ObjectLayout layout, int index) {
        return index + 1 < layout.objectCount() ? new DataPlan.Start(index + 1) : new DataPlan.Done();
    }

    static ObjectLayout layout(DfuResponse.Select data, LocalImage firmware) {
        if (data.maxSize() <= 0) {
            throw new IllegalArgumentException("a data object maximum of " + data.maxSize()
                    + " must have been refused by DeviceClaims");
        }
        return firmware.layout(data.maxSize());
    }
}
