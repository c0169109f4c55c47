package io.storageprobe.agent.kube;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys as kubeconfigs and ServiceAccount directories hold them:
 * certificates, and RSA or EC keys in PKCS#8 ("PRIVATE KEY") or RSA in PKCS#1 ("RSA PRIVATE KEY",
 * as kubeadm writes them). Anything else is refused with a message naming what was found.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private Pem() {}

    static List<Certificate> certificates(byte[] pem, String what) {
        List<Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem)) {
                if (b.type().equals("CERTIFICATE")) {
                    certs.add(factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": not a valid certificate (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(what + ": no PEM certificate in it");
        }
        return certs;
    }

    static PrivateKey privateKey(byte[] pem, String what) {
        for (Block b : blocks(pem)) {
            switch (b.type()) {
                case "PRIVATE KEY":
                    return pkcs8(b.der(), what);
                case "RSA PRIVATE KEY":
                    return pkcs8(rsaPkcs1ToPkcs8(b.der()), what);
                default:
                    if (b.type().endsWith("PRIVATE KEY")) {
                        throw new IllegalArgumentException(what + ": a \"" + b.type() + "\" is not supported; "
                                + "convert it with openssl pkcs8 -topk8 -nocrypt");
                    }
            }
        }
        throw new IllegalArgumentException(what + ": no PEM private key in it");
    }

    private static PrivateKey pkcs8(byte[] der, String what) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(what + ": not an RSA or EC private key");
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, OCTET STRING pkcs1 } (RFC 5208). */
    private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        return n < 0x100 ? new byte[] {(byte) 0x81, (byte) n} : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(byte[] pem) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(2).contains(":")) {
                throw new IllegalArgumentException("an encrypted PEM \"" + m.group(1) + "\" is not supported");
            }
            blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return blocks;
    }
}
