package dev.vmpools.webhook.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM as Kubernetes TLS Secrets hold it: a private key ({@code PRIVATE KEY}, PKCS#8, EC or RSA; or
 * {@code EC PRIVATE KEY}, SEC 1, as openssl and many tools write it) and a chain of {@code CERTIFICATE}
 * blocks, leaf first.
 */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** id-ecPublicKey, 1.2.840.10045.2.1. */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Pem() {
    }

    public static PrivateKey privateKey(String pem) throws TlsMaterialException {
        List<Block> blocks = blocks(pem);
        List<Block> keys = blocks.stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
        if (keys.size() != 1) {
            throw new TlsMaterialException("expected exactly one PEM private key block, found " + keys.size());
        }
        Block key = keys.getFirst();
        return switch (key.type()) {
            case "PRIVATE KEY" -> pkcs8(key.der());
            case "EC PRIVATE KEY" -> pkcs8(sec1ToPkcs8(key.der()));
            default -> throw new TlsMaterialException("PEM " + key.type() + " is not supported; convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt' to a PRIVATE KEY block");
        };
    }

    public static List<X509Certificate> certificates(String pem) throws TlsMaterialException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(pem)) {
                if (block.type().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new TlsMaterialException("a PEM CERTIFICATE block is not an X.509 certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new TlsMaterialException("no PEM CERTIFICATE block found");
        }
        return List.copyOf(chain);
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String pem) throws TlsMaterialException {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(pem);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new TlsMaterialException("PEM " + matcher.group(1) + " block is not valid base64", e);
            }
        }
        return blocks;
    }

    private static PrivateKey pkcs8(byte[] der) throws TlsMaterialException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // the key is of another algorithm
            }
        }
        throw new TlsMaterialException("PEM PRIVATE KEY is not a PKCS#8 EC, RSA or Ed25519 key");
    }

    /**
     * Wraps a SEC 1 {@code ECPrivateKey} (RFC 5915) in a PKCS#8 {@code PrivateKeyInfo}: the curve moves from
     * the key's {@code [0] parameters} into the algorithm identifier.
     */
    private static byte[] sec1ToPkcs8(byte[] sec1) throws TlsMaterialException {
        Der key = Der.read(sec1, 0, "EC PRIVATE KEY");
        if (key.tag() != 0x30) {
            throw new TlsMaterialException("PEM EC PRIVATE KEY is not a DER SEQUENCE");
        }
        byte[] curve = null;
        int offset = key.contentStart();
        while (offset < key.end()) {
            Der element = Der.read(sec1, offset, "EC PRIVATE KEY");
            if (element.tag() == 0xa0) {
                Der oid = Der.read(sec1, element.contentStart(), "EC PRIVATE KEY parameters");
                if (oid.tag() == 0x06) {
                    curve = Arrays.copyOfRange(sec1, oid.start(), oid.end());
                }
            }
            offset = element.end();
        }
        if (curve == null) {
            throw new TlsMaterialException("PEM EC PRIVATE KEY names no curve; write it with its parameters"
                    + " or as a PKCS#8 PRIVATE KEY");
        }
        byte[] algorithm = Der.encode(0x30, concat(EC_PUBLIC_KEY_OID, curve));
        return Der.encode(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, Der.encode(0x04, sec1)));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One DER element: tag, where it starts, where its content starts and where it ends. */
    private record Der(int tag, int start, int contentStart, int end) {

        static Der read(byte[] der, int start, String what) throws TlsMaterialException {
            if (start + 2 > der.length) {
                throw new TlsMaterialException("PEM " + what + " is truncated");
            }
            int tag = der[start] & 0xff;
            int length = der[start + 1] & 0xff;
            int contentStart = start + 2;
            if (length > 0x80) {
                int octets = length & 0x7f;
                if (octets > 3 || contentStart + octets > der.length) {
                    throw new TlsMaterialException("PEM " + what + " has an invalid DER length");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (der[contentStart + i] & 0xff);
                }
                contentStart += octets;
            } else if (length == 0x80) {
                throw new TlsMaterialException("PEM " + what + " uses an indefinite DER length");
            }
            if (contentStart + length > der.length) {
                throw new TlsMaterialException("PEM " + what + " is truncated");
            }
            return new Der(tag, start, contentStart, contentStart + length);
        }

        static byte[] encode(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int length = content.length;
            if (length < 0x80) {
                out.write(length);
            } else if (length < 0x100) {
                out.write(0x81);
                out.write(length);
            } else if (length < 0x10000) {
                out.write(0x82);
                out.write(length >> 8);
                out.write(length & 0xff);
            } else {
                out.write(0x83);
                out.write(length >> 16);
                out.write((length >> 8) & 0xff);
                out.write(length & 0xff);
            }
            out.writeBytes(content);
            return out.toByteArray();
        }
    }
}
