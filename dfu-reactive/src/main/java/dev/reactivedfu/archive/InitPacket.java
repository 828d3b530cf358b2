package dev.reactivedfu.archive;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;

import java.io.IOException;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * A parsed init packet ({@code .dat}): the protobuf {@code Packet} of Nordic's dfu-cc.proto, signed or not.
 *
 * <p>The signature covers the serialized {@code InitCommand} exactly as it stands inside the packet, so those bytes
 * are kept as they were read ({@link #signedBytes()}), never re-serialized.
 */
public final class InitPacket {

    private final DfuCc.Packet packet;
    private final DfuCc.InitCommand init;
    private final byte[] initCommandBytes;

    private InitPacket(DfuCc.Packet packet, DfuCc.InitCommand init, byte[] initCommandBytes) {
        this.packet = packet;
        this.init = init;
        this.initCommandBytes = initCommandBytes;
    }

    /**
     * Parses a {@code .dat}.
     *
     * @param source names the file in errors
     * @throws PackageException with fault {@code INIT_PACKET} when the bytes are not a Packet holding an INIT command
     */
    public static InitPacket parse(String source, byte[] dat) {
        DfuCc.Packet packet;
        try {
            packet = DfuCc.Packet.parseFrom(dat);
        } catch (InvalidProtocolBufferException e) {
            throw new PackageException(source, PackageException.Fault.INIT_PACKET,
                    "init packet is not a valid protobuf Packet: " + e.getMessage(), e);
        }
        DfuCc.Command command;
        byte[] commandBytes;
        try {
            if (packet.hasSignedCommand()) {
                command = packet.getSignedCommand().getCommand();
                commandBytes = field(field(dat, 2), 1);
            } else if (packet.hasCommand()) {
                command = packet.getCommand();
                commandBytes = field(dat, 1);
            } else {
                throw new PackageException(source, PackageException.Fault.INIT_PACKET,
                        "init packet holds neither command nor signed_command");
            }
        } catch (IOException e) {
            throw new PackageException(source, PackageException.Fault.INIT_PACKET,
                    "init packet is not a valid protobuf Packet: " + e.getMessage(), e);
        }
        if (command.getOpCode() != DfuCc.OpCode.INIT || !command.hasInit()) {
            throw new PackageException(source, PackageException.Fault.INIT_PACKET,
                    "init packet's command is " + command.getOpCode() + ", not INIT with an init command");
        }
        byte[] initBytes;
        try {
            initBytes = field(commandBytes, 2);
        } catch (IOException e) {
            throw new PackageException(source, PackageException.Fault.INIT_PACKET,
                    "init command is malformed: " + e.getMessage(), e);
        }
        return new InitPacket(packet, command.getInit(), initBytes);
    }

    /** The whole parsed packet. */
    public DfuCc.Packet packet() {
        return packet;
    }

    /** The init command. */
    public DfuCc.InitCommand command() {
        return init;
    }

    /** Whether the packet is a {@code signed_command}. */
    public boolean isSigned() {
        return packet.hasSignedCommand();
    }

    /** The signature type, when signed. */
    public Optional<DfuCc.SignatureType> signatureType() {
        return isSigned() ? Optional.of(packet.getSignedCommand().getSignatureType()) : Optional.empty();
    }

    /** The signature bytes (r then s, little-endian), empty when unsigned. */
    public byte[] signature() {
        return isSigned() ? packet.getSignedCommand().getSignature().toByteArray() : new byte[0];
    }

    /** The serialized InitCommand as it stands in the packet: the bytes the signature covers. */
    public byte[] signedBytes() {
        return initCommandBytes.clone();
    }

    /**
     * Verifies the signature with {@code key}.
     *
     * @return {@code false} when unsigned, of a type other than ECDSA P-256/SHA-256, or not made by that key
     */
    public boolean verifySignature(ECPublicKey key) {
        return isSigned()
                && packet.getSignedCommand().getSignatureType() == DfuCc.SignatureType.ECDSA_P256_SHA256
                && InitPacketSignature.verify(key, initCommandBytes, signature());
    }

    /** {@code fw_version} (uint32: read with {@link Integer#toUnsignedLong(int)}); the bootloader refuses a lower one. */
    public int fwVersion() {
        return init.getFwVersion();
    }

    /** {@code hw_version} (uint32); must equal the board's, e.g. 52 for nRF52. */
    public int hwVersion() {
        return init.getHwVersion();
    }

    /** Required SoftDevice ids (sd_req), as listed. */
    public List<Integer> sdReq() {
        return init.getSdReqList();
    }

    /** The image type the init packet announces. */
    public DfuCc.FwType type() {
        return init.getType();
    }

    /** {@code sd_size} (uint32): SoftDevice bytes, 0 when the image holds none. */
    public int sdSize() {
        return init.getSdSize();
    }

    /** {@code bl_size} (uint32): bootloader bytes, 0 when the image holds none. */
    public int blSize() {
        return init.getBlSize();
    }

    /** {@code app_size} (uint32): application bytes, 0 when the image holds none. */
    public int appSize() {
        return init.getAppSize();
    }

    /** {@code is_debug}: a debug package skips version checks, and a release bootloader refuses it. */
    public boolean isDebug() {
        return init.getIsDebug();
    }

    /** The hash type; {@code NO_HASH} when the init packet has no hash. */
    public DfuCc.HashType hashType() {
        return init.getHash().getHashType();
    }

    /** The hash as stored in the packet (SHA-256 byte-reversed: little-endian). */
    public byte[] hash() {
        return init.getHash().getHash().toByteArray();
    }

    /** How the bootloader validates the image at boot, one entry per part (SoftDevice, bootloader) or image. */
    public List<DfuCc.BootValidation> bootValidations() {
        return init.getBootValidationList();
    }

    /** Raw bytes of the first length-delimited field {@code number} of a serialized message. */
    private static byte[] field(byte[] message, int number) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) == number
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                return in.readByteArray();
            }
            if (!in.skipField(tag)) {
                break;
            }
        }
        throw new InvalidProtocolBufferException("field " + number + " missing");
    }
}
