package dev.reactivedfu.archive;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * Checks ECDSA P-256 / SHA-256 signatures of init packets as nrfutil makes them and the bootloader checks them: the
 * signature covers the serialized {@code InitCommand} bytes and is stored as r then s, each 32 bytes little-endian.
 * Signing is {@link dev.reactivedfu.archive.keys.SigningKey#sign}.
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
}
