package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.InitPacket;
import dev.reactivedfu.archive.Sha256;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.ImageCrc;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The request handler of Nordic's SDK 17.1 secure bootloader (nrf_dfu_req_handler, nrf_dfu_validation and the
 * serial transport's response encoding) as a pure state machine: one decoded request packet in, the response
 * messages (unframed) and the flash work it caused out. No time, no threads: {@link SimulatedDevice} adds those.
 *
 * <p>Behaviour, as DESIGN.md ("Protocol facts", "Device behaviour a master must live with") states it:
 * <ul>
 *   <li>Every opcode of the table; unknown ones answer {@code 60 op 02}.</li>
 *   <li>CREATE and SELECT set the current object type; an unknown type answers {@code 05} and leaves it invalid, so
 *       CRC GET, WRITE and EXECUTE answer {@code 05} until the next valid SELECT or CREATE.</li>
 *   <li>A command CREATE drops all progress (command and data) at once; a data CREATE needs a valid init packet
 *       ({@code 08}), a size neither 0 nor a partial page except for the image's last object ({@code 03}), at most a
 *       page ({@code 04}) and within the image ({@code 08}); it discards the unexecuted partial object and erases its
 *       page before answering.</li>
 *   <li>WRITE never answers, except every n-th write since the last CREATE when PRN n &gt; 0: {@code 60 03 01 offset
 *       crc} (or {@code 60 03 result} when that write failed).</li>
 *   <li>EXECUTE of an incomplete object answers {@code 08}; a second EXECUTE of a complete object succeeds. The init
 *       packet is validated at its EXECUTE ({@link InitValidation}) and always saved with the settings; executing an
 *       already valid init packet again succeeds and saves the current progress too. Data progress is saved on every
 *       executed object only with {@link SimulatorConfig#progressInFlash()}.</li>
 *   <li>The final data EXECUTE checks the image's SHA-256 ({@code 0B 0C} on a mismatch), answers, saves the settings
 *       and asks for a reset, also when validation failed. ABORT saves the settings and resets without answering.</li>
 *   <li>{@link #boot} activates a received image (bank 1 to bank 0, SoftDevice and bootloader to their places) and
 *       says whether the board stays in DFU mode: it does without a valid application, when DFU was requested, or
 *       with {@link SimulatorConfig#stayInDfu()}.</li>
 * </ul>
 * Not thread-safe: {@link SimulatedDevice} serialises calls.
 */
public final class SimulatedBootloader {

    /** What the board runs after a boot. */
    public enum Mode {
        /** The bootloader, in DFU mode: it answers on the serial port. */
        DFU,
        /** A valid application: the serial port is not listened to. */
        APPLICATION
    }

    /**
     * What one request did.
     *
     * @param responses      response messages to send, unframed (none for most WRITEs and for ABORT)
     * @param beforeResponse flash work done before the answer (the page erase of a data CREATE)
     * @param afterResponse  flash work done after the answer (writes, settings saves); the CPU is held meanwhile
     * @param reset          whether the board resets after answering (final EXECUTE, ABORT)
     * @param progressed     whether the inactivity timer restarts (a command CREATE or a data EXECUTE succeeded)
     */
    public record Reaction(List<byte[]> responses, FlashWork beforeResponse, FlashWork afterResponse, boolean reset,
                           boolean progressed) {
        public Reaction {
            responses = List.copyOf(responses);
        }
    }

    /**
     * What a boot did.
     *
     * @param mode      DFU mode or the application
     * @param work      flash work of the boot (activating an image copies it)
     * @param activated whether a received image was activated
     */
    public record Boot(Mode mode, FlashWork work, boolean activated) {
    }

    private static final int OBJECT_INVALID = 0;

    private final SimulatorConfig config;
    private final Flash flash;
    private Settings settings;
    /** Nordic-format settings the board booted from, until it saves its own (issue 13). */
    private Optional<FactorySettings> factorySettings = Optional.empty();

    private int currentObject = OBJECT_INVALID;
    private int prnTarget;
    private int prnCount;
    private boolean validInit;
    private InitPacket init;
    private long firmwareStart;
    private long firmwareSize;
    private ExtendedError lastExtended = ExtendedError.NO_ERROR;
    private Settings.Progress lastSaved;
    private Settings.Progress previousSaved;

    private long commandCreates;
    private long dataCreates;
    private long executes;

    // per request
    private List<byte[]> responses;
    private FlashWork responseMark;
    private long erases0;
    private long words0;
    private boolean resetRequested;
    private boolean progressed;

    /**
     * A bootloader over {@code flash}; call {@link #boot} before the first request. A flash without valid settings
     * (fresh, or from an empty file) gets {@link Settings#fresh} from the configuration, saved at the first boot.
     */
    public SimulatedBootloader(SimulatorConfig config, Flash flash) {
        this.config = config;
        this.flash = flash;
        this.settings = load().orElse(null);
    }

    // ---------------------------------------------------------------- boot

    /**
     * Boots: loads the settings from flash (RAM progress is lost), activates a received image, and decides the mode.
     *
     * @param dfuRequested  whether DFU mode was asked for (power-on with the DFU button, {@code enterDfu})
     * @param staleProgress whether the progress comes back from the older copy ({@link Fault.StaleProgress})
     */
    public Boot boot(boolean dfuRequested, boolean staleProgress) {
        long e = flash.pagesErased();
        long w = flash.wordsWritten();
        Optional<Settings> stored = load();
        if (stored.isEmpty()) {
            settings = Settings.fresh(config);
            save();
        } else {
            settings = stored.get();
        }
        if (staleProgress && previousSaved != null) {
            Settings.Progress p = settings.progress();
            if (previousSaved.commandCrc() == p.commandCrc() && previousSaved.commandSize() == p.commandSize()
                    && previousSaved.firmwareOffset() < p.firmwareOffset()) {
                settings = settings.withProgress(p.withDataOf(previousSaved));
            }
        }
        currentObject = OBJECT_INVALID;
        prnTarget = 0;
        prnCount = 0;
        lastExtended = ExtendedError.NO_ERROR;
        boolean activated = false;
        if (settings.bank1().code() != Settings.BankCode.INVALID) {
            activate();
            activated = true;
        }
        restoreInit();
        Mode mode = dfuRequested || config.stayInDfu() || !applicationValid() ? Mode.DFU : Mode.APPLICATION;
        return new Boot(mode, new FlashWork(flash.pagesErased() - e, flash.wordsWritten() - w), activated);
    }

    private Optional<Settings> load() {
        Optional<Settings> main = Settings.decode(flash.read(MemoryLayout.SETTINGS_PAGE, MemoryLayout.PAGE_SIZE));
        Optional<Settings> own = main.isPresent() ? main
                : Settings.decode(flash.read(MemoryLayout.SETTINGS_BACKUP_PAGE, MemoryLayout.PAGE_SIZE));
        // a page in Nordic's layout (dfu/nrfutil settings generate, programmed by a factory) when there is none of ours
        factorySettings = own.isPresent() ? Optional.empty() : FactorySettings.read(flash);
        return own.isPresent() ? own : factorySettings.map(f -> f.toSettings(config));
    }

    private void restoreInit() {
        validInit = false;
        init = null;
        Settings.Progress p = settings.progress();
        if (p.commandSize() > 0 && p.commandOffset() == p.commandSize()) {
            InitValidation.Outcome o = InitValidation.validate(settings.initCommand(), config, settings);
            if (o instanceof InitValidation.Plan plan) {
                accept(plan);
            }
        }
    }

    private void accept(InitValidation.Plan plan) {
        validInit = true;
        init = plan.init();
        firmwareStart = plan.firmwareStart();
        firmwareSize = plan.firmwareSize();
    }

    private boolean applicationValid() {
        if (factorySettings.isPresent()) {
            return factorySettings.get().applicationBoots(flash, config);
        }
        Settings.Bank b0 = settings.bank0();
        if (b0.code() != Settings.BankCode.VALID_APP || b0.imageSize() <= 0
                || settings.applicationStart() + b0.imageSize() > MemoryLayout.APP_REGION_END) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(flash.read(settings.applicationStart(), (int) b0.imageSize()));
        return crc.getValue() == b0.imageCrc();
    }

    /** Start of the receiving bank: the page after the current application, or the application start. */
    long receivingBankStart() {
        if (validInit) {
            return firmwareStart;
        }
        Settings.Bank b0 = settings.bank0();
        long end = settings.applicationStart() + (b0.code() == Settings.BankCode.VALID_APP ? b0.imageSize() : 0);
        return MemoryLayout.pageAlignUp(end);
    }

    private void activate() {
        Settings.Bank b1 = settings.bank1();
        Optional<InitPacket> p = InitValidation.parse(settings.initCommand());
        long src = receivingBankStart();
        if (p.isPresent() && src + b1.imageSize() <= MemoryLayout.FLASH_SIZE) {
            DfuCc.InitCommand cmd = p.get().command();
            byte[] image = flash.read(src, (int) b1.imageSize());
            long fw = Integer.toUnsignedLong(cmd.getFwVersion());
            switch (b1.code()) {
                case VALID_APP -> {
                    program(settings.applicationStart(), image, 0, image.length);
                    settings = settings.withBanks(new Settings.Bank(image.length, b1.imageCrc(),
                            Settings.BankCode.VALID_APP), Settings.Bank.INVALID)
                            .withVersions(fw, settings.bootloaderVersion());
                }
                case VALID_SD -> {
                    program(MemoryLayout.SOFTDEVICE_START, image, 0, image.length);
                    installSoftDevice(image, image.length);
                    settings = settings.withBanks(Settings.Bank.INVALID, Settings.Bank.INVALID);
                }
                case VALID_BL -> {
                    program(MemoryLayout.BOOTLOADER_START, image, 0, image.length);
                    settings = settings.withBanks(settings.bank0(), Settings.Bank.INVALID)
                            .withVersions(settings.appVersion(), fw);
                }
                case VALID_SD_BL -> {
                    int sd = (int) Integer.toUnsignedLong(cmd.getSdSize());
                    program(MemoryLayout.SOFTDEVICE_START, image, 0, sd);
                    program(MemoryLayout.BOOTLOADER_START, image, sd, image.length - sd);
                    installSoftDevice(image, sd);
                    settings = settings.withBanks(Settings.Bank.INVALID, Settings.Bank.INVALID)
                            .withVersions(settings.appVersion(), fw);
                }
                case INVALID -> throw new AssertionError("activating an invalid bank");
            }
        } else {
            settings = settings.withBanks(settings.bank0(), Settings.Bank.INVALID);
        }
        settings = settings.withProgress(afterUpdate(src));
        save();
    }

    /**
     * The progress SDK 17.1 leaves after an image's final EXECUTE (valid or not) and the reset that follows: all zero,
     * except that the data object's CRC field holds the address the image was received at (a SELECT of the data
     * object then answers offset 0 and that "CRC": {@code 60 06 01 00100000 00000000 00700200} for 0x27000; issue 9,
     * item 3). Masters must not read meaning into it.
     */
    private static Settings.Progress afterUpdate(long receivedAt) {
        return new Settings.Progress(0, 0, 0, 0, 0, receivedAt, 0, 0);
    }

    private void program(long address, byte[] image, int offset, int length) {
        int pages = (int) ((MemoryLayout.pageAlignUp(address + length) - address) / MemoryLayout.PAGE_SIZE);
        flash.erasePages(address, pages);
        flash.write(address, image, offset, length);
    }

    /**
     * Takes the new SoftDevice's id, version and end from its information structure; an image without one (as the
     * test fixtures, whose firmware is random) keeps the installed id and version, and ends where the image ends.
     */
    private void installSoftDevice(byte[] image, int length) {
        int info = MemoryLayout.SOFTDEVICE_INFO_OFFSET;
        if (length >= info + 0x18 && DfuCodec.u32(image, info + 4) == MemoryLayout.SOFTDEVICE_MAGIC) {
            settings = settings.withSoftDevice(DfuCodec.u16(image, info + 0x0C), DfuCodec.u32(image, info + 0x14),
                    DfuCodec.u32(image, info + 0x08));
        } else {
            settings = settings.withSoftDevice(settings.softDeviceId(), settings.softDeviceVersion(),
                    MemoryLayout.SOFTDEVICE_START + MemoryLayout.pageAlignUp(length));
        }
    }

    private void save() {
        byte[] page = settings.encode();
        // as Nordic's code, only the settings structure is written, not the whole page
        int used = page.length;
        while (used > 0 && page[used - 1] == (byte) 0xFF) {
            used--;
        }
        int length = Math.min(page.length, Math.max(MemoryLayout.SETTINGS_STRUCT_SIZE, (used + 3) & ~3));
        flash.erasePages(MemoryLayout.SETTINGS_PAGE, 1);
        flash.write(MemoryLayout.SETTINGS_PAGE, page, 0, length);
        flash.erasePages(MemoryLayout.SETTINGS_BACKUP_PAGE, 1);
        flash.write(MemoryLayout.SETTINGS_BACKUP_PAGE, page, 0, length);
        if (!settings.progress().equals(lastSaved)) {
            previousSaved = lastSaved;
            lastSaved = settings.progress();
        }
    }

    // ---------------------------------------------------------------- requests

    /**
     * Handles the packet an empty frame (a lone END) makes the device process again: the previous packet, still in
     * {@code buffer[0, length)}. Any request is executed again (a repeated CREATE erases again), except a WRITE, whose
     * data Nordic's code does not append a second time (issue 9, item 5): it does nothing.
     */
    public Reaction replay(byte[] buffer, int length) {
        if (length > 0 && (buffer[0] & 0xFF) == OpCode.WRITE.code()) {
            return new Reaction(List.of(), FlashWork.NONE, FlashWork.NONE, false, false);
        }
        return handle(buffer, length);
    }

    /** Handles one packet; see {@link #handle(byte[], int)}. Parameters past its end read as zero. */
    public Reaction handle(byte[] packet) {
        return handle(Arrays.copyOf(packet, Math.max(packet.length, 16)), packet.length);
    }

    /**
     * Handles the packet {@code buffer[0, length)}. As on the device, parameters are read from the buffer without
     * checking the length: a short packet reads stale bytes past its end, an overlong one's extra bytes are ignored.
     *
     * @param buffer the RX buffer, at least 16 bytes
     * @param length the packet's length; 0 does nothing (the device replays the previous packet instead)
     */
    public Reaction handle(byte[] buffer, int length) {
        if (settings == null) {
            throw new IllegalStateException("boot() first");
        }
        responses = new ArrayList<>(1);
        responseMark = null;
        erases0 = flash.pagesErased();
        words0 = flash.wordsWritten();
        resetRequested = false;
        progressed = false;
        if (length > 0) {
            dispatch(buffer, length);
        }
        FlashWork total = new FlashWork(flash.pagesErased() - erases0, flash.wordsWritten() - words0);
        FlashWork before = responseMark == null ? total : responseMark;
        FlashWork after = new FlashWork(total.pagesErased() - before.pagesErased(),
                total.wordsWritten() - before.wordsWritten());
        return new Reaction(responses, before, after, resetRequested, progressed);
    }

    private void dispatch(byte[] b, int length) {
        int code = b[0] & 0xFF;
        OpCode op = OpCode.fromCode(code);
        if (op == null) {
            responses.add(new byte[] {(byte) OpCode.RESPONSE, (byte) code, (byte) ResultCode.OP_CODE_NOT_SUPPORTED.code()});
            return;
        }
        switch (op) {
            case PROTOCOL_VERSION -> respond(new DfuResponse.ProtocolVersion(1));
            case CREATE -> create(b[1] & 0xFF, DfuCodec.u32(b, 2));
            case SET_PRN -> {
                prnTarget = DfuCodec.u16(b, 1);
                prnCount = prnTarget;
                respond(new DfuResponse.Ack(OpCode.SET_PRN));
            }
            case CRC_GET -> crcGet();
            case EXECUTE -> execute();
            case SELECT -> select(b[1] & 0xFF);
            case MTU_GET -> respond(new DfuResponse.Mtu(config.mtu()));
            case WRITE -> write(b, 1, length - 1);
            case PING -> respond(new DfuResponse.Ping(b[1] & 0xFF));
            case HARDWARE_VERSION -> respond(new DfuResponse.HardwareVersion(MemoryLayout.PART, MemoryLayout.VARIANT,
                    MemoryLayout.FLASH_SIZE, MemoryLayout.RAM_SIZE, MemoryLayout.PAGE_SIZE));
            case FIRMWARE_VERSION -> respond(firmwareVersion(b[1] & 0xFF));
            case ABORT -> {
                // SDK 17.1: the data progress is dropped before the settings are saved (issue 9, item 2)
                Settings.Progress p = settings.progress();
                settings = settings.withProgress(new Settings.Progress(p.commandSize(), p.commandOffset(),
                        p.commandCrc(), 0, 0, 0, 0, 0));
                save();
                resetRequested = true;
            }
        }
    }

    private void create(int type, long size) {
        prnCount = prnTarget;
        currentObject = type;
        if (type == ObjectType.COMMAND.code()) {
            if (size > MemoryLayout.INIT_COMMAND_MAX_SIZE) {
                error(OpCode.CREATE, ResultCode.INSUFFICIENT_RESOURCES);
                return;
            }
            commandCreates++;
            validInit = false;
            init = null;
            settings = settings.withProgress(new Settings.Progress(size, 0, 0, 0, 0, 0, 0, 0));
            progressed = true;
            respond(new DfuResponse.Ack(OpCode.CREATE));
        } else if (type == ObjectType.DATA.code()) {
            Settings.Progress p = settings.progress();
            if (!validInit) {
                error(OpCode.CREATE, ResultCode.OPERATION_NOT_PERMITTED);
            } else if (size == 0
                    || (size % MemoryLayout.PAGE_SIZE != 0 && p.firmwareOffsetLast() + size != firmwareSize)) {
                error(OpCode.CREATE, ResultCode.INVALID_PARAMETER);
            } else if (size > MemoryLayout.DATA_OBJECT_MAX_SIZE) {
                error(OpCode.CREATE, ResultCode.INSUFFICIENT_RESOURCES);
            } else if (p.firmwareOffsetLast() + size > firmwareSize) {
                error(OpCode.CREATE, ResultCode.OPERATION_NOT_PERMITTED);
            } else {
                dataCreates++;
                settings = settings.withProgress(new Settings.Progress(p.commandSize(), p.commandOffset(),
                        p.commandCrc(), size, p.firmwareOffsetLast(), p.firmwareCrcLast(), p.firmwareOffsetLast(),
                        p.firmwareCrcLast()));
                flash.erasePages(firmwareStart + p.firmwareOffsetLast(),
                        (int) ((size + MemoryLayout.PAGE_SIZE - 1) / MemoryLayout.PAGE_SIZE));
                respond(new DfuResponse.Ack(OpCode.CREATE));
            }
        } else {
            currentObject = OBJECT_INVALID;
            error(OpCode.CREATE, ResultCode.INVALID_OBJECT);
        }
    }

    private void select(int type) {
        currentObject = type;
        Settings.Progress p = settings.progress();
        if (type == ObjectType.COMMAND.code()) {
            respond(new DfuResponse.Select(MemoryLayout.INIT_COMMAND_MAX_SIZE, p.commandOffset(), p.commandCrc()));
        } else if (type == ObjectType.DATA.code()) {
            respond(new DfuResponse.Select(MemoryLayout.DATA_OBJECT_MAX_SIZE, p.firmwareOffset(), p.firmwareCrc()));
        } else {
            currentObject = OBJECT_INVALID;
            error(OpCode.SELECT, ResultCode.INVALID_OBJECT);
        }
    }

    private void crcGet() {
        Settings.Progress p = settings.progress();
        if (currentObject == ObjectType.COMMAND.code()) {
            respond(new DfuResponse.Crc(p.commandOffset(), p.commandCrc()));
        } else if (currentObject == ObjectType.DATA.code()) {
            respond(new DfuResponse.Crc(p.firmwareOffset(), p.firmwareCrc()));
        } else {
            error(OpCode.CRC_GET, ResultCode.INVALID_OBJECT);
        }
    }

    private void write(byte[] b, int offset, int length) {
        ResultCode result;
        if (currentObject == ObjectType.COMMAND.code()) {
            result = writeCommand(b, offset, length);
        } else if (currentObject == ObjectType.DATA.code()) {
            result = writeData(b, offset, length);
        } else {
            result = ResultCode.INVALID_OBJECT;
        }
        // nrf_dfu_serial: every write response decrements the PRN counter; only the n-th goes out, as a CRC response
        prnCount--;
        if (prnTarget != 0 && prnCount == 0) {
            prnCount = prnTarget;
            Settings.Progress p = settings.progress();
            if (result == ResultCode.SUCCESS) {
                boolean command = currentObject == ObjectType.COMMAND.code();
                respond(new DfuResponse.Crc(command ? p.commandOffset() : p.firmwareOffset(),
                        command ? p.commandCrc() : p.firmwareCrc()));
            } else {
                error(OpCode.CRC_GET, result);
            }
        }
        markResponse();
        flushPendingWrite();
    }

    private ResultCode writeCommand(byte[] b, int offset, int length) {
        Settings.Progress p = settings.progress();
        if (length < 0 || p.commandOffset() + length > p.commandSize()) {
            return ResultCode.INVALID_PARAMETER;
        }
        validInit = false;
        init = null;
        byte[] stored = Arrays.copyOf(settings.initCommand(), (int) p.commandOffset() + length);
        System.arraycopy(b, offset, stored, (int) p.commandOffset(), length);
        settings = settings.withInitCommand(stored).withProgress(new Settings.Progress(p.commandSize(),
                p.commandOffset() + length, crc(p.commandCrc(), b, offset, length), p.dataObjectSize(),
                p.firmwareOffset(), p.firmwareCrc(), p.firmwareOffsetLast(), p.firmwareCrcLast()));
        return ResultCode.SUCCESS;
    }

    private byte[] pendingData;
    private int pendingOffset;
    private int pendingLength;
    private long pendingAddress;

    private ResultCode writeData(byte[] b, int offset, int length) {
        Settings.Progress p = settings.progress();
        if (!validInit) {
            return ResultCode.OPERATION_NOT_PERMITTED;
        }
        if (length < 0 || length + (p.firmwareOffset() - p.firmwareOffsetLast()) > p.dataObjectSize()) {
            return ResultCode.INVALID_PARAMETER;
        }
        // the CRC is computed before the data goes to flash; the flash write completes after the answer
        pendingData = b;
        pendingOffset = offset;
        pendingLength = length;
        pendingAddress = firmwareStart + p.firmwareOffset();
        settings = settings.withProgress(new Settings.Progress(p.commandSize(), p.commandOffset(), p.commandCrc(),
                p.dataObjectSize(), p.firmwareOffset() + length, crc(p.firmwareCrc(), b, offset, length),
                p.firmwareOffsetLast(), p.firmwareCrcLast()));
        return ResultCode.SUCCESS;
    }

    private void flushPendingWrite() {
        if (pendingData != null) {
            flash.write(pendingAddress, pendingData, pendingOffset, pendingLength);
            pendingData = null;
        }
    }

    private void execute() {
        if (currentObject == ObjectType.COMMAND.code()) {
            executeCommand();
        } else if (currentObject == ObjectType.DATA.code()) {
            executeData();
        } else {
            error(OpCode.EXECUTE, ResultCode.INVALID_OBJECT);
        }
    }

    private void executeCommand() {
        Settings.Progress p = settings.progress();
        if (p.commandOffset() != p.commandSize()) {
            error(OpCode.EXECUTE, ResultCode.OPERATION_NOT_PERMITTED);
            return;
        }
        executes++;
        if (validInit) {
            // executing a valid init packet again saves the current (RAM) progress, then answers success
            save();
            respond(new DfuResponse.Ack(OpCode.EXECUTE));
            markResponse();
            return;
        }
        InitValidation.Outcome outcome = InitValidation.validate(settings.initCommand(), config, settings);
        if (outcome instanceof InitValidation.Failure f) {
            // the refused packet's progress is dropped: a following SELECT reports offset 0, CRC 0 (issue 9, item 1)
            settings = settings.withProgress(new Settings.Progress(p.commandSize(), 0, 0, 0, 0, 0, 0, 0));
            failure(OpCode.EXECUTE, f);
            return;
        }
        InitValidation.Plan plan = (InitValidation.Plan) outcome;
        accept(plan);
        if (plan.singleBank() && settings.bank0().code() != Settings.BankCode.INVALID) {
            settings = settings.withBanks(Settings.Bank.INVALID, settings.bank1());
        }
        // SDK 17.1 answers after writing the settings (≈190 ms with nRF52840 flash; issue 9, item 7)
        save();
        respond(new DfuResponse.Ack(OpCode.EXECUTE));
        markResponse();
    }

    private void executeData() {
        Settings.Progress p = settings.progress();
        if (!validInit) {
            // without an init packet the object is taken for a complete empty image whose hash fails; the device
            // answers and resets (issue 9, item 4)
            lastExtended = ExtendedError.VERIFICATION_FAILED;
            responses.add(DfuCodec.encodeResponse(new DfuResponse.Error(OpCode.EXECUTE,
                    ExtendedError.VERIFICATION_FAILED)));
            markResponse();
            settings = settings.withProgress(afterUpdate(receivingBankStart()));
            save();
            resetRequested = true;
            return;
        }
        if (p.dataObjectSize() != p.firmwareOffset() - p.firmwareOffsetLast()) {
            error(OpCode.EXECUTE, ResultCode.OPERATION_NOT_PERMITTED);
            return;
        }
        executes++;
        progressed = true;
        settings = settings.withProgress(new Settings.Progress(p.commandSize(), p.commandOffset(), p.commandCrc(), 0,
                p.firmwareOffset(), p.firmwareCrc(), p.firmwareOffset(), p.firmwareCrc()));
        if (p.firmwareOffset() == firmwareSize) {
            Optional<ExtendedError> failure = postValidate();
            if (failure.isPresent()) {
                lastExtended = failure.get();
                responses.add(DfuCodec.encodeResponse(new DfuResponse.Error(OpCode.EXECUTE, failure.get())));
            } else {
                respond(new DfuResponse.Ack(OpCode.EXECUTE));
            }
            markResponse();
            save();
            resetRequested = true;
        } else {
            respond(new DfuResponse.Ack(OpCode.EXECUTE));
            if (config.progressInFlash()) {
                markResponse();
                save();
            }
        }
    }

    /** Checks the received image's hash; on success marks it for activation (or activates a single-bank app). */
    private Optional<ExtendedError> postValidate() {
        byte[] image = flash.read(firmwareStart, (int) firmwareSize);
        byte[] expected = init.hash();
        byte[] actual = Sha256.digest(image);
        for (int i = 0; i < actual.length / 2; i++) {
            byte t = actual[i];
            actual[i] = actual[actual.length - 1 - i];
            actual[actual.length - 1 - i] = t;
        }
        if (!Arrays.equals(expected, actual)) {
            validInit = false;
            init = null;
            settings = settings.withBanks(settings.bank0(), Settings.Bank.INVALID)
                    .withProgress(afterUpdate(firmwareStart));
            return Optional.of(ExtendedError.VERIFICATION_FAILED);
        }
        CRC32 crc = new CRC32();
        crc.update(image);
        DfuCc.InitCommand cmd = init.command();
        Settings.BankCode code = switch (cmd.getType()) {
            case APPLICATION, EXTERNAL_APPLICATION -> Settings.BankCode.VALID_APP;
            case SOFTDEVICE -> Settings.BankCode.VALID_SD;
            case BOOTLOADER -> Settings.BankCode.VALID_BL;
            case SOFTDEVICE_BOOTLOADER -> Settings.BankCode.VALID_SD_BL;
        };
        if (code == Settings.BankCode.VALID_APP && firmwareStart == settings.applicationStart()) {
            // single bank: the image was received in place
            settings = settings.withBanks(new Settings.Bank(firmwareSize, crc.getValue(), code), Settings.Bank.INVALID)
                    .withVersions(Integer.toUnsignedLong(cmd.getFwVersion()), settings.bootloaderVersion())
                    .withProgress(afterUpdate(firmwareStart));
            validInit = false;
            init = null;
        } else {
            settings = settings.withBanks(settings.bank0(), new Settings.Bank(firmwareSize, crc.getValue(), code));
        }
        return Optional.empty();
    }

    private DfuResponse firmwareVersion(int image) {
        switch (image) {
            case 0:
                return new DfuResponse.FirmwareVersion(2, settings.bootloaderVersion(), MemoryLayout.BOOTLOADER_START,
                        MemoryLayout.BOOTLOADER_SIZE);
            case 1:
                return new DfuResponse.FirmwareVersion(0, settings.softDeviceVersion(), MemoryLayout.SOFTDEVICE_START,
                        settings.softDeviceEnd() - MemoryLayout.SOFTDEVICE_START);
            case 2:
                if (settings.bank0().code() == Settings.BankCode.VALID_APP) {
                    return new DfuResponse.FirmwareVersion(1, settings.appVersion(), settings.applicationStart(),
                            settings.bank0().imageSize());
                }
                return new DfuResponse.FirmwareVersion(DfuResponse.FirmwareVersion.TYPE_NONE, 0, 0, 0);
            default:
                return new DfuResponse.FirmwareVersion(DfuResponse.FirmwareVersion.TYPE_NONE, 0, 0, 0);
        }
    }

    private void respond(DfuResponse response) {
        responses.add(DfuCodec.encodeResponse(response));
    }

    private void error(OpCode op, ResultCode result) {
        responses.add(DfuCodec.encodeResponse(new DfuResponse.Error(op, result)));
    }

    private void failure(OpCode op, InitValidation.Failure f) {
        f.extended().ifPresent(e -> lastExtended = e);
        responses.add(DfuCodec.encodeResponse(new DfuResponse.Error(op, f.result(), f.extended())));
    }

    private void markResponse() {
        responseMark = new FlashWork(flash.pagesErased() - erases0, flash.wordsWritten() - words0);
    }

    private static long crc(long start, byte[] b, int offset, int length) {
        return ImageCrc.extend(start, b, offset, length);
    }

    // ---------------------------------------------------------------- state for the device and tests

    /** The settings as held in RAM now. */
    public Settings settings() {
        return settings;
    }

    /** The flash. */
    public Flash flash() {
        return flash;
    }

    /** Whether a valid init packet is present (data objects may be created). */
    public boolean initPacketValid() {
        return validInit;
    }

    /** The current PRN interval. */
    public int prn() {
        return prnTarget;
    }

    /** The last extended error set. */
    public ExtendedError lastExtendedError() {
        return lastExtended;
    }

    /** Command objects created. */
    public long commandCreates() {
        return commandCreates;
    }

    /** Data objects created. */
    public long dataCreates() {
        return dataCreates;
    }

    /** EXECUTEs that passed the size check (command and data). */
    public long executes() {
        return executes;
    }

    /** Bytes of the application in bank 0 ({@code bank0.imageSize} of them), or empty when it is not valid. */
    public Optional<byte[]> application() {
        Settings.Bank b0 = settings.bank0();
        if (b0.code() != Settings.BankCode.VALID_APP) {
            return Optional.empty();
        }
        return Optional.of(flash.read(settings.applicationStart(), (int) b0.imageSize()));
    }

    /**
     * Bytes of the receiving bank: from its start, the firmware received so far (the data offset) while an update is
     * in progress, else the size of a validated image waiting there.
     */
    public byte[] bank1() {
        long start = receivingBankStart();
        long length = validInit ? settings.progress().firmwareOffset() : settings.bank1().imageSize();
        return flash.read(start, (int) Math.min(length, MemoryLayout.FLASH_SIZE - start));
    }
}
