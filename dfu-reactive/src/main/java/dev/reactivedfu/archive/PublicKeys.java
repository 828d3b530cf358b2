package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the P-256 public key that DFU packages are checked against, in either form nrfutil gives it: a PEM file
 * ({@code nrfutil keys display --format pem}), or the hex form it prints for the bootloader: x then y, each
 * 32 bytes little-endian (64 bytes as one run of 128 hex digits, labels around it allowed, or as 64 C-style {@code 0xNN} values).
 */
public final class PublicKeys {

    private static final Pattern HEX_RUN = Pattern.compile("(?<![0-9A-Fa-f])[0-9A-Fa-f]{128}(?![0-9A-Fa-f])");
    private static final Pattern C_BYTE = Pattern.compile("0[xX]([0-9A-Fa-f]{2})(?![0-9A-Fa-f])");

    private PublicKeys() {
    }

    /**
     * Reads a key file (PEM or nrfutil hex).
     *
     * @throws PackageException with fault {@code KEY} when the file is unreadable or holds no P-256 public key
     */
    public static ECPublicKey read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new PackageException(file.toString(), PackageException.Fault.KEY, "cannot read key file: " + e, e);
        }
        return parse(file.toString(), text);
    }

    /**
     * Parses a key from text (PEM or nrfutil hex); {@code source} names it in errors.
     *
     * @throws PackageException with fault {@code KEY} when the text holds no P-256 public key
     */
    public static ECPublicKey parse(String source, String text) {
        try {
            if (text.contains("-----BEGIN")) {
                return fromPem(text);
            }
            return fromNrfutilHex(text);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException | ClassCastException e) {
            throw new PackageException(source, PackageException.Fault.KEY,
                    "not a P-256 public key (PEM or nrfutil hex): " + e.getMessage(), e);
        }
    }

    /** nrfutil's hex form of a key: x then y, each 32 bytes little-endian. */
    public static String toNrfutilHex(ECPublicKey key) {
        byte[] out = new byte[64];
        putLittleEndian(key.getW().getAffineX(), out, 0);
        putLittleEndian(key.getW().getAffineY(), out, 32);
        return HexFormat.of().formatHex(out);
    }

    private static ECPublicKey fromPem(String text) throws IOException, GeneralSecurityException {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o = parser.readObject();
            SubjectPublicKeyInfo info;
            if (o instanceof SubjectPublicKeyInfo spki) {
                info = spki;
            } else if (o instanceof PEMKeyPair pair) {
                info = pair.getPublicKeyInfo();
            } else {
                throw new IllegalArgumentException("PEM holds " + (o == null ? "nothing" : o.getClass().getSimpleName())
                        + ", not a public key");
            }
            PublicKey key = new JcaPEMKeyConverter().getPublicKey(info);
            return checkP256((ECPublicKey) key);
        }
    }

    private static ECPublicKey fromNrfutilHex(String text) throws GeneralSecurityException {
        String hex = hexDigits(text);
        byte[] raw = HexFormat.of().parseHex(hex);
        BigInteger x = littleEndian(raw, 0);
        BigInteger y = littleEndian(raw, 32);
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        return checkP256((ECPublicKey) KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec)));
    }

    /** The 128 hex digits of a key: one run of them (nrfutil's output, labels around it allowed) or 64 {@code 0xNN}. */
    private static String hexDigits(String text) {
        Matcher run = HEX_RUN.matcher(text);
        if (run.find()) {
            return run.group().toLowerCase(Locale.ROOT);
        }
        Matcher bytes = C_BYTE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (bytes.find()) {
            sb.append(bytes.group(1));
        }
        if (sb.length() != 128) {
            throw new IllegalArgumentException("expected 64 bytes: one run of 128 hex digits or 64 0xNN values");
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** Requires a P-256 key whose point lies on the curve (the JDK's key factory does not check that). */
    private static ECPublicKey checkP256(ECPublicKey key) {
        EllipticCurve curve = key.getParams().getCurve();
        if (curve.getField().getFieldSize() != 256 || !(curve.getField() instanceof ECFieldFp field)) {
            throw new IllegalArgumentException("the key is not on P-256");
        }
        BigInteger p = field.getP();
        ECPoint w = key.getW();
        if (w.equals(ECPoint.POINT_INFINITY)) {
            throw new IllegalArgumentException("the key is the point at infinity");
        }
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0
                || !y.pow(2).mod(p).equals(x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p))) {
            throw new IllegalArgumentException("the point is not on P-256");
        }
        return key;
    }

    /** The unsigned 32-byte little-endian number at {@code offset} (nrfutil's order for keys and signatures). */
    static BigInteger littleEndian(byte[] b, int offset) {
        return new BigInteger(1, Sha256.reversed(java.util.Arrays.copyOfRange(b, offset, offset + 32)));
    }

    /** Writes {@code v} as 32 bytes little-endian at {@code offset}. */
    static void putLittleEndian(BigInteger v, byte[] out, int offset) {
        byte[] be = v.toByteArray();
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[offset + i] = be[be.length - 1 - i];
        }
    }
}
