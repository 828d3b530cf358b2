package dev.reactivedfu.archive.keys;

import dev.reactivedfu.error.PackageException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.BigIntegers;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;

/**
 * A P-256 private (signing) key, as {@code nrfutil keys generate} writes it and {@code --key-file} takes it: PEM,
 * {@code EC PRIVATE KEY} (SEC 1, with the curve's OID and the public point), or PKCS#8 {@code PRIVATE KEY} on reading.
 *
 * <p>Signatures are ECDSA P-256 over SHA-256 of the data, in the form nrfutil stores and the SDK's bootloader
 * checks: r then s, each 32 bytes little-endian.
 */
public final class SigningKey {

    private static final X9ECParameters CURVE = ECNamedCurveTable.getByName("secp256r1");
    private static final ECParameterSpec SPEC = jcaSpec();

    private final BigInteger d;
    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;
    private final byte[] publicPoint;

    private SigningKey(BigInteger d) {
        this.d = d;
        ECPoint q = CURVE.getG().multiply(d).normalize();
        this.publicPoint = q.getEncoded(false);
        try {
            KeyFactory kf = KeyFactory.getInstance("EC");
            this.privateKey = (ECPrivateKey) kf.generatePrivate(new ECPrivateKeySpec(d, SPEC));
            this.publicKey = (ECPublicKey) kf.generatePublic(new ECPublicKeySpec(new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), SPEC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has EC keys on P-256", e);
        }
    }

    /** A new random key. */
    public static SigningKey generate(SecureRandom random) {
        BigInteger n = CURVE.getN();
        BigInteger d;
        do {
            d = new BigInteger(n.bitLength(), random);
        } while (d.signum() == 0 || d.compareTo(n) >= 0);
        return new SigningKey(d);
    }

    /**
     * Reads a PEM private key file.
     *
     * @throws PackageException with fault {@code IO} when the file is missing or unreadable, {@code KEY} when it holds
     *                          no P-256 private key (a public key, another curve, RSA, not PEM)
     */
    public static SigningKey read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new PackageException(file.toString(), PackageException.Fault.IO, "no such key file", e);
        } catch (IOException e) {
            throw new PackageException(file.toString(), PackageException.Fault.IO,
                    "cannot read key file: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /**
     * Parses PEM text; {@code source} names it in errors.
     *
     * @throws PackageException with fault {@code KEY} when it holds no P-256 private key
     */
    public static SigningKey parse(String source, String pem) {
        Object o;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            o = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw refused(source, "not a PEM key file (" + e.getMessage() + ")");
        }
        PrivateKeyInfo info;
        if (o instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else if (o instanceof PrivateKeyInfo p) {
            info = p;
        } else if (o instanceof SubjectPublicKeyInfo) {
            throw refused(source, "holds a public key only: a private (signing) key is needed "
                    + "(dfu keys generate makes one)");
        } else if (o instanceof org.bouncycastle.openssl.PEMEncryptedKeyPair
                || o instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo) {
            throw refused(source, "the key is encrypted; nrfutil's key files are not (decrypt it: "
                    + "openssl ec -in KEY -out PLAIN)");
        } else if (o == null) {
            throw refused(source, "no PEM key in the file (dfu keys generate makes one)");
        } else {
            throw refused(source, "holds " + o.getClass().getSimpleName() + ", not a P-256 private key");
        }
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            throw refused(source, "not an EC key (algorithm " + algorithm + "): nRF5 bootloaders take P-256 only");
        }
        ASN1Encodable params = info.getPrivateKeyAlgorithm().getParameters();
        X962Parameters x962 = X962Parameters.getInstance(params);
        if (!x962.isNamedCurve() || !SECObjectIdentifiers.secp256r1.equals(x962.getParameters())) {
            String curve = x962.isNamedCurve() ? curveName((ASN1ObjectIdentifier) x962.getParameters())
                    : "explicit parameters";
            throw refused(source, "the key is on " + curve + ", not P-256 (prime256v1)");
        }
        BigInteger d;
        try {
            d = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                    ASN1Sequence.getInstance(info.parsePrivateKey())).getKey();
        } catch (IOException | RuntimeException e) {
            throw refused(source, "the private key is malformed (" + e.getMessage() + ")");
        }
        if (d.signum() <= 0 || d.compareTo(CURVE.getN()) >= 0) {
            throw refused(source, "the private key is out of range for P-256");
        }
        return new SigningKey(d);
    }

    /** The public (verification) half. */
    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** The private half, for the JDK's signature API. */
    public ECPrivateKey privateKey() {
        return privateKey;
    }

    /** The private scalar, 32 bytes big-endian. */
    public byte[] scalar() {
        return BigIntegers.asUnsignedByteArray(32, d);
    }

    /**
     * Signs {@code data}: ECDSA P-256 over its SHA-256, returned as r then s, each 32 bytes little-endian (randomised:
     * each call gives different bytes, each verifying).
     */
    public byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(data);
            ASN1Sequence der = ASN1Sequence.getInstance(signer.sign());
            byte[] out = new byte[64];
            putLittleEndian(org.bouncycastle.asn1.ASN1Integer.getInstance(der.getObjectAt(0)).getValue(), out, 0);
            putLittleEndian(org.bouncycastle.asn1.ASN1Integer.getInstance(der.getObjectAt(1)).getValue(), out, 32);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform signs with ECDSA P-256", e);
        }
    }

    /**
     * The key as PEM, {@code -----BEGIN EC PRIVATE KEY-----} (SEC 1: version 1, the scalar, the curve's OID, the
     * public point), 64 characters a line, each line ending in {@code \n}: byte for byte what nrfutil writes.
     */
    public String toPem() {
        try {
            byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, new DERBitString(publicPoint),
                    new X962Parameters(SECObjectIdentifiers.secp256r1)).getEncoded("DER");
            return pem("EC PRIVATE KEY", der);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding of a private key failed", e);
        }
    }

    /** PEM armour as nrfutil (python-ecdsa) writes it. */
    static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** Whether the two keys are the same key. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey k && k.d.equals(d);
    }

    @Override
    public int hashCode() {
        return d.hashCode();
    }

    @Override
    public String toString() {
        return "SigningKey[P-256, private part not shown]";
    }

    private static void putLittleEndian(BigInteger v, byte[] out, int offset) {
        byte[] be = BigIntegers.asUnsignedByteArray(32, v);
        for (int i = 0; i < 32; i++) {
            out[offset + i] = be[31 - i];
        }
    }

    private static String curveName(ASN1ObjectIdentifier oid) {
        String name = ECNamedCurveTable.getName(oid);
        return name == null ? "curve " + oid : name;
    }

    private static PackageException refused(String source, String detail) {
        return new PackageException(source, PackageException.Fault.KEY, detail);
    }

    private static ECParameterSpec jcaSpec() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has P-256", e);
        }
    }
}
