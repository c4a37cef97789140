package dev.vmpools.certs.pki;

import static dev.vmpools.certs.pki.TestMaterial.RANDOM;
import static dev.vmpools.certs.pki.TestMaterial.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    private static final Instant NOW = Instant.parse("2030-06-15T12:00:00.123456789Z");

    @Test
    void createsSelfSignedP256CaWithPathLengthZero() throws Exception {
        var ca = CertificateAuthority.create(TestMaterial.CA_VALIDITY, NOW, RANDOM);
        var certificate = ca.certificate();

        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=vmpools-webhook-ca@" + NOW.getEpochSecond());
        assertThat(certificate.getBasicConstraints()).isZero();
        assertThat(certificate.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(certificate.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(subjectKeyIdentifier(certificate)).isNotEmpty();
        assertThat(ca.keyMatches()).isTrue();
        assertThat(ca.isCa()).isTrue();
    }

    @Test
    void startsValidityBackdatedBySkewAndEndsAfterLifetimeInWholeSeconds() {
        var validity = new Validity(Duration.ofDays(365), Duration.ofMinutes(5));

        var certificate = CertificateAuthority.create(validity, NOW, RANDOM).certificate();

        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(Instant.parse("2030-06-15T11:55:00Z"));
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(Instant.parse("2031-06-15T12:00:00Z"));
    }

    @Test
    void issuesServingCertificateForWebhookServiceNamesAndExtraIpAddress() throws Exception {
        var ca = CertificateAuthority.create(TestMaterial.CA_VALIDITY, NOW, RANDOM);

        var material = ca.issueServingCertificate(SubjectAltNames.webhookService().plus("127.0.0.1"),
                TestMaterial.LEAF_VALIDITY, NOW, RANDOM);
        var leaf = material.leaf();

        leaf.verify(ca.publicKey());
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=vmpools-webhook.vmpools-system.svc");
        assertThat(SubjectAltNames.namesOf(leaf)).containsExactlyInAnyOrder(
                "vmpools-webhook",
                "vmpools-webhook.vmpools-system",
                "vmpools-webhook.vmpools-system.svc",
                "vmpools-webhook.vmpools-system.svc.cluster.local",
                "127.0.0.1");
        assertThat(leaf.getSubjectAlternativeNames()).contains(List.of(7, "127.0.0.1"), List.of(2, "vmpools-webhook"));
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(leaf.getKeyUsage()).containsExactly(true, false, false, false, false, false, false, false, false);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(authorityKeyIdentifier(leaf).getKeyIdentifierOctets()).isEqualTo(subjectKeyIdentifier(ca.certificate()));
        assertThat(authorityKeyIdentifier(leaf).getAuthorityCertIssuer()).isNull();
        assertThat(subjectKeyIdentifier(leaf)).isNotEmpty().isNotEqualTo(subjectKeyIdentifier(ca.certificate()));
        assertThat(material.chain()).containsExactly(leaf);
        assertThat(material.caCertificates()).containsExactly(ca.certificate());
        assertThat(material.keyMatchesCertificate()).isTrue();
    }

    @Test
    void servingCertificateStartsInThePast() {
        var ca = TestMaterial.ca(T0);

        var leaf = ca.issueServingCertificate(TestMaterial.NAMES, new Validity(Duration.ofHours(1), Duration.ofSeconds(90)),
                NOW, RANDOM).leaf();

        assertThat(leaf.getNotBefore().toInstant()).isBefore(NOW).isEqualTo(Instant.parse("2030-06-15T11:58:30Z"));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(Instant.parse("2030-06-15T13:00:00Z"));
    }

    @Test
    void servingCertificateNeverOutlivesItsCa() {
        var ca = CertificateAuthority.create(new Validity(Duration.ofDays(10), Duration.ZERO), T0, RANDOM);

        var leaf = ca.issueServingCertificate(TestMaterial.NAMES, TestMaterial.LEAF_VALIDITY, T0.plus(Duration.ofDays(9)),
                RANDOM).leaf();

        assertThat(leaf.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    }

    @Test
    void serialsArePositiveRandom128BitNumbersThatDifferAcrossIssues() {
        var ca = TestMaterial.ca(T0);
        var serials = new HashSet<BigInteger>();
        serials.add(ca.certificate().getSerialNumber());
        for (int i = 0; i < 50; i++) {
            serials.add(TestMaterial.leaf(ca, T0).leaf().getSerialNumber());
            serials.add(TestMaterial.ca(T0).certificate().getSerialNumber());
        }

        assertThat(serials).hasSize(101).allSatisfy(serial -> {
            assertThat(serial.signum()).isOne();
            assertThat(serial.bitLength()).isEqualTo(128);
        });
    }

    @Test
    void eachServingCertificateHasItsOwnKey() {
        var ca = TestMaterial.ca(T0);

        var first = TestMaterial.leaf(ca, T0);
        var second = TestMaterial.leaf(ca, T0);

        assertThat(first.leaf().getPublicKey()).isNotEqualTo(second.leaf().getPublicKey());
        assertThat(new ServingMaterial(first.key(), second.chain(), List.of()).keyMatchesCertificate()).isFalse();
    }

    @Test
    void tellsWhichCertificatesItSigned() {
        var ca = TestMaterial.ca(T0);
        var other = TestMaterial.ca(T0);

        var leaf = TestMaterial.leaf(ca, T0).leaf();

        assertThat(ca.signed(leaf)).isTrue();
        assertThat(other.signed(leaf)).isFalse();
        assertThat(CertificateAuthority.signedBy(leaf, other.certificate())).isFalse();
    }

    static byte[] subjectKeyIdentifier(X509Certificate certificate) throws Exception {
        return SubjectKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(certificate.getExtensionValue("2.5.29.14"))).getKeyIdentifier();
    }

    static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate certificate) throws Exception {
        return AuthorityKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(certificate.getExtensionValue("2.5.29.35")));
    }
}
