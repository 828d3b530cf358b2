package dev.reactivedfu.archive;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * ECDSA P-256 / SHA-256 signatures of init packets as nrfutil makes them and the bootloader checks them, both ways:
 * the signature covers the serialized {@code InitCommand} bytes and is stored as r then s, each 32 bytes
 * little-endian (the same form signs an image for {@code VALIDATE_ECDSA_P256_SHA256} boot validation).
 */
public final class InitPacketSignature {

    private InitPacketSignature() {
    }

    /**
     * Checks {@code signature} (r‖s, little-endian, 64 bytes) over {@code signedBytes} with {@code key}.
     *
     * @return whether it verifies; a signature of the wrong length does not
     */
    public static boolean verify(ECPublicKey key, byte[] signedBytes, byte[] signature) {
        if (signature.length != 64) {
            return false;
        }
        try {
            BigInteger r = PublicKeys.littleEndian(signature, 0);
            BigInteger s = PublicKeys.littleEndian(signature, 32);
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new ASN1Integer(r));
            v.add(new ASN1Integer(s));
            byte[] der = new DERSequence(v).getEncoded();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(signedBytes);
            return verifier.verify(der);
        } catch (GeneralSecurityException | java.io.IOException e) {
            return false;
        }
    }

    /**
     * Signs {@code data} as nrfutil does (ECDSA P-256 over SHA-256, JCA): r then s, each 32 bytes little-endian. The
     * signature is randomised, so two runs give different bytes that both verify.
     *
     * @throws IllegalArgumentException when the key is not a P-256 key
     */
    public static byte[] sign(ECPrivateKey key, byte[] data) {
        if (key.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("the signing key is not a P-256 key");
        }
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(data);
            ASN1Sequence der = ASN1Sequence.getInstance(signer.sign());
            byte[] out = new byte[64];
            PublicKeys.putLittleEndian(ASN1Integer.getInstance(der.getObjectAt(0)).getPositiveValue(), out, 0);
            PublicKeys.putLittleEndian(ASN1Integer.getInstance(der.getObjectAt(1)).getPositiveValue(), out, 32);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform signs with SHA256withECDSA", e);
        }
    }
}
