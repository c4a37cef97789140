package dev.vmpools.certs.pki;

import static dev.vmpools.certs.pki.TestMaterial.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ServingMaterialTest {

    private static final CertificateAuthority CA = TestMaterial.ca(T0);
    private static final CertificateAuthority OTHER_CA = TestMaterial.ca(T0.plus(Duration.ofDays(1)));
    private static final ServingMaterial SERVING = TestMaterial.leaf(CA, T0);

    @Test
    void keyMatchesTheCertificateItWasIssuedWith() {
        assertThat(SERVING.keyMatchesCertificate()).isTrue();
    }

    @Test
    void keyOfAnotherCertificateDoesNotMatch() {
        var other = TestMaterial.leaf(CA, T0);

        assertThat(new ServingMaterial(other.key(), SERVING.chain(), SERVING.caCertificates()).keyMatchesCertificate())
                .isFalse();
        assertThat(new ServingMaterial(CA.key(), SERVING.chain(), SERVING.caCertificates()).keyMatchesCertificate())
                .isFalse();
    }

    @Test
    void verifiesAgainstItsOwnCa() {
        assertThat(SERVING.verify(T0)).isEqualTo(new ChainVerification.Verified(CA.certificate()));
    }

    @Test
    void verifiesAgainstABundleOfTwoCasInEitherOrder() {
        var next = TestMaterial.leaf(OTHER_CA, T0.plus(Duration.ofDays(1)));
        var at = T0.plus(Duration.ofDays(2));

        for (var bundle : List.of(List.of(CA.certificate(), OTHER_CA.certificate()),
                List.of(OTHER_CA.certificate(), CA.certificate()))) {
            assertThat(SERVING.verifyAgainst(bundle, at)).isEqualTo(new ChainVerification.Verified(CA.certificate()));
            assertThat(next.verifyAgainst(bundle, at)).isEqualTo(new ChainVerification.Verified(OTHER_CA.certificate()));
        }
    }

    @Test
    void verifiesAgainstTheRightOneOfTwoCasWithTheSameName() {
        var twin = TestMaterial.ca(T0);
        assertThat(twin.certificate().getSubjectX500Principal()).isEqualTo(CA.certificate().getSubjectX500Principal());

        assertThat(SERVING.verifyAgainst(List.of(twin.certificate(), CA.certificate()), T0))
                .isEqualTo(new ChainVerification.Verified(CA.certificate()));
        assertThat(SERVING.verifyAgainst(List.of(twin.certificate()), T0)).isInstanceOf(ChainVerification.Unverified.class);
    }

    @Test
    void doesNotVerifyAgainstAnotherCaAndSaysWhich() {
        var verification = SERVING.verifyAgainst(List.of(OTHER_CA.certificate()), T0.plus(Duration.ofDays(2)));

        assertThat(verification).isInstanceOfSatisfying(ChainVerification.Unverified.class, unverified -> assertThat(
                unverified.problem())
                .contains("serial " + SERVING.leaf().getSerialNumber().toString(16))
                .contains("does not verify against CA \"" + OTHER_CA.certificate().getSubjectX500Principal().getName()));
        assertThat(verification.verified()).isFalse();
    }

    @Test
    void doesNotVerifyOnceExpiredOrBeforeValid() {
        var notAfter = SERVING.leaf().getNotAfter().toInstant();
        var notBefore = SERVING.leaf().getNotBefore().toInstant();

        assertThat(SERVING.verify(notAfter).verified()).isTrue();
        assertThat(SERVING.verify(notAfter.plusSeconds(1)).verified()).isFalse();
        assertThat(SERVING.verify(notBefore).verified()).isTrue();
        assertThat(SERVING.verify(notBefore.minusSeconds(1)).verified()).isFalse();
    }

    @Test
    void doesNotVerifyAgainstACaOutsideItsValidityAsTheApiServerWouldNot() {
        var future = TestMaterial.ca(T0.plus(Duration.ofDays(1)));
        var early = future.issueServingCertificate(TestMaterial.NAMES, TestMaterial.LEAF_VALIDITY, T0, TestMaterial.RANDOM);

        assertThat(early.verify(T0)).isInstanceOfSatisfying(ChainVerification.Unverified.class,
                unverified -> assertThat(unverified.problem()).contains("which is not valid at " + T0));
        assertThat(early.verify(T0.plus(Duration.ofDays(1))).verified()).isTrue();
    }

    @Test
    void doesNotVerifyAgainstNoCa() {
        assertThat(SERVING.verifyAgainst(List.of(), T0))
                .isEqualTo(new ChainVerification.Unverified("no CA certificate to verify against"));
    }

    @Test
    void coversTheNamesItWasIssuedFor() {
        assertThat(SERVING.missingNames(TestMaterial.NAMES)).isEmpty();
        assertThat(SERVING.missingNames(SubjectAltNames.webhookService())).isEmpty();
    }

    @Test
    void namesWhatItDoesNotCover() {
        var required = TestMaterial.NAMES.plus("webhook.example.org", "::1");

        assertThat(SERVING.missingNames(required)).containsExactly("0:0:0:0:0:0:0:1", "webhook.example.org");
    }

    @Test
    void decodesWhatATlsSecretHolds() {
        var decoded = ServingMaterial.decode(Pem.encodePrivateKey(SERVING.key()), Pem.encodeCertificates(SERVING.chain()),
                Pem.encodeCertificates(List.of(CA.certificate(), OTHER_CA.certificate())));

        assertThat(decoded).isInstanceOfSatisfying(PemOutcome.Decoded.class, d -> {
            var material = (ServingMaterial) d.value();
            assertThat(material.chain()).isEqualTo(SERVING.chain());
            assertThat(material.caCertificates()).containsExactly(CA.certificate(), OTHER_CA.certificate());
            assertThat(material.keyMatchesCertificate()).isTrue();
        });
    }

    @Test
    void decodesATlsSecretWithoutCaCertificates() {
        var decoded = ServingMaterial.decode(Pem.encodePrivateKey(SERVING.key()), Pem.encodeCertificates(SERVING.chain()),
                null);

        assertThat(decoded).isInstanceOfSatisfying(PemOutcome.Decoded.class,
                d -> assertThat(((ServingMaterial) d.value()).caCertificates()).isEmpty());
    }

    @Test
    void namesTheDataKeyThatHoldsGarbage() {
        var key = Pem.encodePrivateKey(SERVING.key());
        var chain = Pem.encodeCertificates(SERVING.chain());

        assertThat(ServingMaterial.decode("garbage", chain, null)).isEqualTo(
                PemOutcome.invalid("tls.key: no PEM block found (expected one PRIVATE KEY)"));
        assertThat(ServingMaterial.decode(key, key, null)).isEqualTo(
                PemOutcome.invalid("tls.crt: block 1 is PRIVATE KEY, expected CERTIFICATE"));
        assertThat(ServingMaterial.decode(key, chain, "garbage")).isEqualTo(
                PemOutcome.invalid("ca.crt: no PEM block found (expected at least one CERTIFICATE)"));
    }
}
