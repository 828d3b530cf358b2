package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;

/**
 * Loads the private key that {@code pkg generate --key-file} signs with: a PEM file as {@code nrfutil keys generate}
 * writes it ({@code EC PRIVATE KEY}) or PKCS#8 ({@code PRIVATE KEY}), on P-256.
 */
public final class SigningKeys {

    private SigningKeys() {
    }

    /**
     * Reads a P-256 private key.
     *
     * @throws PackageException with fault {@link Fault#IO} when the file is missing or unreadable, {@link Fault#KEY}
     *                          when it holds no P-256 private key
     */
    public static ECPrivateKey read(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new PackageException(name, Fault.IO, "no such key file", e);
        } catch (IOException | RuntimeException e) {
            throw new PackageException(name, Fault.IO, "cannot read the key file: " + e.getMessage(), e);
        }
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o = parser.readObject();
            PrivateKey key;
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                key = converter.getKeyPair(pair).getPrivate();
            } else if (o instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else {
                throw new PackageException(name, Fault.KEY, "holds "
                        + (o == null ? "no PEM object" : "a " + o.getClass().getSimpleName())
                        + ", not a P-256 private key (make one with dfu keys generate or nrfutil keys generate)");
            }
            if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
                    || !ec.getParams().getOrder().equals(P256_ORDER)) {
                throw new PackageException(name, Fault.KEY, "holds a " + key.getAlgorithm()
                        + " key that is not on P-256: the bootloader checks ECDSA P-256 signatures only");
            }
            return ec;
        } catch (IOException | RuntimeException e) {
            if (e instanceof PackageException p) {
                throw p;
            }
            throw new PackageException(name, Fault.KEY, "not a PEM private key: " + e.getMessage(), e);
        }
    }

    private static final java.math.BigInteger P256_ORDER = new java.math.BigInteger(
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
}
