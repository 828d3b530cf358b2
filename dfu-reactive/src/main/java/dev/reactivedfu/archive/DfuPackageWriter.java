package dev.reactivedfu.archive;

import dev.reactivedfu.archive.hex.FirmwareFiles;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.archive.proto.DfuCc;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes nrfutil DFU packages: the inverse of {@link DfuPackageReader}, making what nrfutil 6.1.7's
 * {@code pkg generate} makes for nRF52 from the same inputs.
 *
 * <p>Images, as nrfutil forms them: an application, a bootloader, a SoftDevice, or a SoftDevice with a bootloader
 * (then joined into one {@code sd_bl.bin} image, SoftDevice first, with {@code info_read_only_metadata}), with or
 * without an application; a bootloader with an application and no SoftDevice is refused. Per image: {@code fw_version}
 * is the application's or the bootloader's version (a SoftDevice alone gets 0xFFFFFFFF; SoftDevice+bootloader the
 * bootloader's); every image gets {@code hw_version}, {@code is_debug} and {@code sd_req} (the union of
 * {@code --sd-req} and {@code --sd-id}); boot validation: the application's type, CRC for a bootloader, the
 * SoftDevice's type, both in order for SoftDevice+bootloader; a {@code VALIDATE_ECDSA_P256_SHA256} entry carries the
 * image's signature (of the SoftDevice part alone for SoftDevice+bootloader).
 *
 * <p>Archive, as nrfutil's {@code zipfile} writes it ({@link SafeZip#write}): per image in send order its
 * {@code .bin} then its {@code .dat}, with {@code manifest.json} just before the last {@code .dat}, as the reference
 * packages hold them; the {@code .dat} is named after the {@code .bin}.
 */
public final class DfuPackageWriter {

    /** nrfutil's name for the joined SoftDevice and bootloader image. */
    public static final String SD_BL_BIN = "sd_bl.bin";
    /** The version nrfutil gives a SoftDevice image, and the debug-mode default of every version. */
    public static final long NO_VERSION = 0xFFFF_FFFFL;

    /**
     * One firmware input.
     *
     * @param binName the {@code .bin} entry name (nrfutil: the input's file name, {@code .hex} replaced by
     *                {@code .bin})
     * @param bin     the image, padded with 0xFF to a multiple of 4 bytes as nrfutil pads it
     */
    public record Firmware(String binName, byte[] bin) {
        public Firmware {
            Objects.requireNonNull(binName, "binName");
            if (bin.length == 0) {
                throw new IllegalArgumentException(binName + " holds no data");
            }
            bin = bin.clone();
        }

        @Override
        public byte[] bin() {
            return bin.clone();
        }

        /**
         * Reads a {@code pkg generate} input, the one place inputs are read: an Intel HEX file ({@code .hex}) through
         * {@link FirmwareFiles} (a SoftDevice's without the MBR), any other file as the raw image; padded with 0xFF
         * to a multiple of 4 bytes as nrfutil pads every image; named after the file, ".hex" replaced by ".bin".
         *
         * @throws dev.reactivedfu.error.PackageException {@code IO} when missing or unreadable, {@code HEX} when a
         *                                                hex file is malformed (the line named) or holds no data
         */
        public static Firmware read(Path file, boolean softDevice) {
            return read(file, softDevice ? FirmwareFiles.Kind.SOFTDEVICE : FirmwareFiles.Kind.APPLICATION);
        }

        /**
         * Reads a {@code pkg generate} input given as {@code kind} through {@link FirmwareFiles#read(Path,
         * FirmwareFiles.Kind)}: a hex file's data outside the kind's image region is refused, a SoftDevice's MBR
         * left out; padded with 0xFF to a multiple of 4 bytes; named after the file, ".hex" replaced by ".bin".
         *
         * @throws dev.reactivedfu.error.PackageException {@code IO} when missing or unreadable, {@code HEX} when a
         *                                                hex file is malformed (the line named) or holds no data,
         *                                                {@code OPTION} when it holds data outside the image region
         */
        public static Firmware read(Path file, FirmwareFiles.Kind kind) {
            byte[] image = FirmwareFiles.read(file, kind);
            int length = (image.length + 3) / 4 * 4;
            byte[] padded = java.util.Arrays.copyOf(image, length);
            java.util.Arrays.fill(padded, image.length, length, (byte) 0xFF);
            String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            return new Firmware(name.replace(".hex", ".bin"), padded);
        }
    }

    /**
     * What to package: nrfutil's {@code pkg generate} options, resolved.
     *
     * @param application        {@code --application}
     * @param bootloader         {@code --bootloader}
     * @param softdevice         {@code --softdevice}
     * @param applicationVersion {@code --application-version} (required with an application)
     * @param bootloaderVersion  {@code --bootloader-version} (required with a bootloader)
     * @param hwVersion          {@code --hw-version}
     * @param sdReq              {@code --sd-req}
     * @param sdId               {@code --sd-id} (required with a SoftDevice and an application)
     * @param sdBootValidation   {@code --sd-boot-validation}
     * @param appBootValidation  {@code --app-boot-validation}
     * @param debug              {@code --debug-mode}
     * @param key                {@code --key-file}: signs the init packets (and ECDSA boot validations)
     */
    public record Spec(Optional<Firmware> application, Optional<Firmware> bootloader, Optional<Firmware> softdevice,
                       Optional<Long> applicationVersion, Optional<Long> bootloaderVersion, long hwVersion,
                       List<Integer> sdReq, List<Integer> sdId, DfuCc.ValidationType sdBootValidation,
                       DfuCc.ValidationType appBootValidation, boolean debug, Optional<SigningKey> key) {
        public Spec {
            sdReq = List.copyOf(sdReq);
            sdId = List.copyOf(sdId);
            if (application.isEmpty() && bootloader.isEmpty() && softdevice.isEmpty()) {
                throw new IllegalArgumentException("no image: give --application, --bootloader or --softdevice");
            }
            if (bootloader.isPresent() && application.isPresent() && softdevice.isEmpty()) {
                throw new IllegalArgumentException("--bootloader with --application and no --softdevice is an "
                        + "invalid combination: use two packages instead");
            }
            if (application.isPresent() && applicationVersion.isEmpty()) {
                throw new IllegalArgumentException(
                        "--application-version or --application-version-string required with --application");
            }
            if (bootloader.isPresent() && bootloaderVersion.isEmpty()) {
                throw new IllegalArgumentException("--bootloader-version required with --bootloader");
            }
            if (application.isPresent() && softdevice.isPresent() && sdId.isEmpty()) {
                throw new IllegalArgumentException("--sd-id required with --softdevice and --application");
            }
            if (key.isEmpty() && (sdBootValidation == DfuCc.ValidationType.VALIDATE_ECDSA_P256_SHA256
                    && softdevice.isPresent() || appBootValidation == DfuCc.ValidationType.VALIDATE_ECDSA_P256_SHA256
                    && application.isPresent())) {
                throw new IllegalArgumentException("VALIDATE_ECDSA_P256_SHA256 boot validation needs --key-file");
            }
            List<String> names = new ArrayList<>();
            application.ifPresent(f -> names.add(f.binName()));
            if (softdevice.isPresent() && bootloader.isPresent()) {
                names.add(SD_BL_BIN);
            } else {
                bootloader.ifPresent(f -> names.add(f.binName()));
                softdevice.ifPresent(f -> names.add(f.binName()));
            }
            if (names.stream().distinct().count() != names.size()) {
                throw new IllegalArgumentException("two images would both be named " + names
                        + " in the package: rename one input file");
            }
        }
    }

    /**
     * A generated package: its entries in archive order and its manifest.
     *
     * @param entries  the entries, in the order they are zipped
     * @param manifest the manifest (also among the entries)
     */
    public record Generated(List<SafeZip.Entry> entries, Manifest manifest) {
        public Generated {
            entries = List.copyOf(entries);
        }

        /** The zip, every entry stamped {@code time}. */
        public byte[] zip(LocalDateTime time) {
            return SafeZip.write(entries, time);
        }

        /**
         * Writes the zip to {@code out} atomically (beside, then moved): an existing file is replaced only by a
         * complete package, and nothing is left on an error.
         *
         * @throws dev.reactivedfu.error.PackageException with fault {@code IO} when it cannot be written
         */
        public void write(Path out, LocalDateTime time) {
            AtomicFiles.write(out, zip(time));
        }
    }

    private DfuPackageWriter() {
    }

    /** Builds the package's entries from {@code spec} (signing with its key, when it has one). */
    public static Generated generate(Spec spec) {
        List<Image> images = new ArrayList<>();
        List<Integer> sdReq = new ArrayList<>(spec.sdReq());
        spec.sdId().stream().filter(id -> !spec.sdReq().contains(id)).distinct().forEach(sdReq::add);
        if (sdReq.isEmpty()) {
            sdReq.add(0xFFFE);
        }
        if (spec.softdevice().isPresent() && spec.bootloader().isPresent()) {
            byte[] sd = spec.softdevice().get().bin();
            byte[] bl = spec.bootloader().get().bin();
            byte[] joined = new byte[sd.length + bl.length];
            System.arraycopy(sd, 0, joined, 0, sd.length);
            System.arraycopy(bl, 0, joined, sd.length, bl.length);
            List<InitPacketBuilder.BootValidation> validations = List.of(
                    validation(spec.sdBootValidation(), sd, spec.key()),
                    validation(DfuCc.ValidationType.VALIDATE_GENERATED_CRC, bl, spec.key()));
            images.add(new Image(ImageKind.SOFTDEVICE_BOOTLOADER, SD_BL_BIN, joined,
                    Optional.of(new ReadOnlyMetadata(sd.length, bl.length)),
                    new InitPacketBuilder(DfuCc.FwType.SOFTDEVICE_BOOTLOADER, spec.bootloaderVersion().orElseThrow(),
                            spec.hwVersion(), sdReq, sd.length, bl.length, 0, Sha256.initPacketHash(joined),
                            spec.debug(), validations)));
        } else {
            spec.softdevice().ifPresent(f -> images.add(image(ImageKind.SOFTDEVICE, f, NO_VERSION, spec, sdReq,
                    spec.sdBootValidation())));
            spec.bootloader().ifPresent(f -> images.add(image(ImageKind.BOOTLOADER, f,
                    spec.bootloaderVersion().orElseThrow(), spec, sdReq, DfuCc.ValidationType.VALIDATE_GENERATED_CRC)));
        }
        spec.application().ifPresent(f -> images.add(image(ImageKind.APPLICATION, f,
                spec.applicationVersion().orElseThrow(), spec, sdReq, spec.appBootValidation())));

        List<Manifest.Image> listed = new ArrayList<>();
        List<SafeZip.Entry> entries = new ArrayList<>();
        for (Image image : images) {
            String dat = datName(image.binName);
            listed.add(new Manifest.Image(image.kind, image.binName, dat, image.metadata));
            entries.add(new SafeZip.Entry(image.binName, image.bin));
            entries.add(new SafeZip.Entry(dat, image.init.dat(spec.key())));
        }
        Manifest manifest = new Manifest(listed);
        entries.add(entries.size() - 1, new SafeZip.Entry(Manifest.ENTRY, manifest.toJson()));
        return new Generated(entries, manifest);
    }

    /** nrfutil's {@code .dat} name: the {@code .bin} name with every ".bin" replaced by ".dat". */
    static String datName(String binName) {
        return binName.contains(".bin") ? binName.replace(".bin", ".dat") : binName + ".dat";
    }

    private record Image(ImageKind kind, String binName, byte[] bin, Optional<ReadOnlyMetadata> metadata,
                         InitPacketBuilder init) {
    }

    private static Image image(ImageKind kind, Firmware f, long version, Spec spec, List<Integer> sdReq,
                               DfuCc.ValidationType validation) {
        byte[] bin = f.bin();
        DfuCc.FwType type = switch (kind) {
            case APPLICATION -> DfuCc.FwType.APPLICATION;
            case BOOTLOADER -> DfuCc.FwType.BOOTLOADER;
            case SOFTDEVICE -> DfuCc.FwType.SOFTDEVICE;
            case SOFTDEVICE_BOOTLOADER -> DfuCc.FwType.SOFTDEVICE_BOOTLOADER;
        };
        return new Image(kind, f.binName(), bin, Optional.empty(), new InitPacketBuilder(type, version,
                spec.hwVersion(), sdReq,
                kind == ImageKind.SOFTDEVICE ? bin.length : 0,
                kind == ImageKind.BOOTLOADER ? bin.length : 0,
                kind == ImageKind.APPLICATION ? bin.length : 0,
                Sha256.initPacketHash(bin), spec.debug(), List.of(validation(validation, bin, spec.key()))));
    }

    private static InitPacketBuilder.BootValidation validation(DfuCc.ValidationType type, byte[] part,
                                                               Optional<SigningKey> key) {
        byte[] bytes = type == DfuCc.ValidationType.VALIDATE_ECDSA_P256_SHA256
                ? key.orElseThrow().sign(part) : new byte[0];
        return new InitPacketBuilder.BootValidation(type, bytes);
    }
}
