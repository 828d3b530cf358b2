package dev.reactivedfu.archive;

import com.google.protobuf.ByteString;
import dev.reactivedfu.archive.keys.SigningKey;
import dev.reactivedfu.archive.proto.DfuCc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the init packet ({@code .dat}) of one image as nrfutil's {@code pkg generate} writes it: the inverse of
 * {@link InitPacket#parse}. Every field nrfutil sets is set explicitly (proto2 keeps them on the wire even when zero,
 * e.g. {@code type} APPLICATION, {@code sd_size} 0, {@code is_debug} false), in field-number order; {@code sd_req} is
 * ordered as nrfutil's {@code list(set(sd_req))} orders it ({@link PythonSetOrder}); a signed packet signs the
 * serialized InitCommand and holds it inside {@code signed_command} exactly as signed.
 *
 * @param type            the image type
 * @param fwVersion       {@code fw_version} (uint32)
 * @param hwVersion       {@code hw_version} (uint32)
 * @param sdReq           the required SoftDevice ids, as given (duplicates collapse, order as nrfutil's)
 * @param sdSize          {@code sd_size}
 * @param blSize          {@code bl_size}
 * @param appSize         {@code app_size}
 * @param hash            the firmware's SHA-256, byte-reversed as stored ({@link Sha256#initPacketHash})
 * @param debug           {@code is_debug}
 * @param bootValidations one per part, in order: its type and bytes (empty except for an ECDSA signature)
 */
public record InitPacketBuilder(DfuCc.FwType type, long fwVersion, long hwVersion, List<Integer> sdReq, long sdSize,
                                long blSize, long appSize, byte[] hash, boolean debug,
                                List<BootValidation> bootValidations) {

    /**
     * One boot validation entry.
     *
     * @param type  how the bootloader validates this part at boot
     * @param bytes the signature for {@code VALIDATE_ECDSA_P256_SHA256}, else empty
     */
    public record BootValidation(DfuCc.ValidationType type, byte[] bytes) {
        public BootValidation {
            Objects.requireNonNull(type, "type");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    public InitPacketBuilder {
        Objects.requireNonNull(type, "type");
        for (long v : new long[]{fwVersion, hwVersion, sdSize, blSize, appSize}) {
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("init packet integers are uint32: " + v);
            }
        }
        sdReq = List.copyOf(sdReq);
        hash = hash.clone();
        bootValidations = List.copyOf(bootValidations);
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The InitCommand. */
    public DfuCc.InitCommand initCommand() {
        DfuCc.InitCommand.Builder b = DfuCc.InitCommand.newBuilder()
                .setFwVersion((int) fwVersion)
                .setHwVersion((int) hwVersion);
        List<Integer> ordered = PythonSetOrder.of(sdReq);
        ordered.forEach(b::addSdReq);
        b.setType(type)
                .setSdSize((int) sdSize)
                .setBlSize((int) blSize)
                .setAppSize((int) appSize)
                .setHash(DfuCc.Hash.newBuilder().setHashType(DfuCc.HashType.SHA256).setHash(ByteString.copyFrom(hash)))
                .setIsDebug(debug);
        for (BootValidation v : bootValidations) {
            b.addBootValidation(DfuCc.BootValidation.newBuilder().setType(v.type())
                    .setBytes(ByteString.copyFrom(v.bytes)));
        }
        return b.build();
    }

    /**
     * The {@code .dat}: a plain {@code command}, or, with a key, a {@code signed_command} whose ECDSA P-256 signature
     * covers the serialized InitCommand.
     */
    public byte[] dat(Optional<SigningKey> key) {
        DfuCc.InitCommand init = initCommand();
        DfuCc.Command command = DfuCc.Command.newBuilder().setOpCode(DfuCc.OpCode.INIT).setInit(init).build();
        if (key.isEmpty()) {
            return DfuCc.Packet.newBuilder().setCommand(command).build().toByteArray();
        }
        byte[] signature = key.get().sign(init.toByteArray());
        return DfuCc.Packet.newBuilder().setSignedCommand(DfuCc.SignedCommand.newBuilder()
                        .setCommand(command)
                        .setSignatureType(DfuCc.SignatureType.ECDSA_P256_SHA256)
                        .setSignature(ByteString.copyFrom(signature)))
                .build().toByteArray();
    }

    /** A copy with other boot validations. */
    public InitPacketBuilder withBootValidations(List<BootValidation> validations) {
        return new InitPacketBuilder(type, fwVersion, hwVersion, sdReq, sdSize, blSize, appSize, hash, debug,
                new ArrayList<>(validations));
    }
}
