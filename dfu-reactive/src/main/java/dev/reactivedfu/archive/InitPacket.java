package dev.reactivedfu.archive;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.reactivedfu.archive.proto.DfuCc;
import dev.reactivedfu.error.PackageException;

import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * A parsed init packet ({@code .dat}): the protobuf {@code Packet} of Nordic's dfu-cc.proto, signed or not.
 *
 * <p>What is signed is what is read (issue 8): the signature covers the serialized {@code InitCommand} exactly as it
 * stands inside the packet ({@link #signedBytes()}, never re-serialized), and every field this class reports is
 * parsed from those same bytes. The packet is first read strictly ({@link InitPacketStructure}): a packet nrfutil
 * could not have written (a duplicated singular field, which protobuf would merge, last one winning; a second command
 * or signed command; a command beside the signed one; an unknown field or enum value) is refused with
 * {@link PackageException.Fault#NONSTANDARD_INIT_PACKET}, as Nordic's bootloader refuses it ({@code 60 04 05}).
 */
public final class InitPacket {

    private final DfuCc.InitCommand init;
    private final byte[] initCommandBytes;
    private final Optional<DfuCc.SignatureType> signatureType;
    private final byte[] signature;

    private InitPacket(DfuCc.InitCommand init, byte[] initCommandBytes, Optional<DfuCc.SignatureType> signatureType,
                       byte[] signature) {
        this.init = init;
        this.initCommandBytes = initCommandBytes;
        this.signatureType = signatureType;
        this.signature = signature;
    }

    /**
     * Parses a {@code .dat}.
     *
     * @param source names the file in errors
     * @throws PackageException with fault {@code INIT_PACKET} when the bytes are not a well-formed Packet holding an
     *                          INIT command, {@code NONSTANDARD_INIT_PACKET} when they are one nrfutil could not have
     *                          written
     */
    public static InitPacket parse(String source, byte[] dat) {
        InitPacketStructure.Parts parts = InitPacketStructure.check(source, dat);
        DfuCc.InitCommand init;
        try {
            init = DfuCc.InitCommand.parseFrom(parts.initCommand());
        } catch (InvalidProtocolBufferException e) {
            throw new PackageException(source, PackageException.Fault.INIT_PACKET,
                    "init command is malformed: " + e.getMessage(), e);
        }
        return new InitPacket(init, parts.initCommand(), parts.signatureType(), parts.signature());
    }

    /** The init command. */
    public DfuCc.InitCommand command() {
        return init;
    }

    /** Whether the packet is a {@code signed_command}. */
    public boolean isSigned() {
        return signatureType.isPresent();
    }

    /** The signature type, when signed. */
    public Optional<DfuCc.SignatureType> signatureType() {
        return signatureType;
    }

    /** The signature bytes (r then s, little-endian), empty when unsigned. */
    public byte[] signature() {
        return signature.clone();
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
        return signatureType.filter(t -> t == DfuCc.SignatureType.ECDSA_P256_SHA256).isPresent()
                && InitPacketSignature.verify(key, initCommandBytes, signature);
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
}
