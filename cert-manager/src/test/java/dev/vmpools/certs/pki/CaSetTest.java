package dev.vmpools.certs.pki;

import static dev.vmpools.certs.pki.TestMaterial.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class CaSetTest {

    private static final CertificateAuthority OLD = TestMaterial.ca(T0);
    private static final CertificateAuthority NEW = TestMaterial.ca(T0.plus(Duration.ofDays(700)));

    @Test
    void rotationKeepsTrustingEveryPreviousCaUntilItEnds() {
        var rotating = CaSet.of(OLD).rotateTo(NEW);

        assertThat(rotating.current()).isEqualTo(NEW);
        assertThat(rotating.trusted()).containsExactly(OLD.certificate(), NEW.certificate());
        assertThat(rotating.rotating()).isTrue();
        assertThat(rotating.withoutPrevious().trusted()).containsExactly(NEW.certificate());
        assertThat(rotating.withoutPrevious().rotating()).isFalse();
    }

    @Test
    void issuesFromTheCurrentCaWithEveryTrustedCaInTheMaterial() {
        var serving = CaSet.of(OLD).rotateTo(NEW)
                .issueServingCertificate(TestMaterial.NAMES, TestMaterial.LEAF_VALIDITY, T0.plus(Duration.ofDays(700)),
                        TestMaterial.RANDOM);

        assertThat(NEW.signed(serving.leaf())).isTrue();
        assertThat(serving.caCertificates()).containsExactly(OLD.certificate(), NEW.certificate());
    }

    @Test
    void decodesWhatTheCaSecretHolds() {
        var decoded = CaSet.decode(Pem.encodePrivateKey(NEW.key()), Pem.encodeCertificate(NEW.certificate()),
                Pem.encodeCertificates(List.of(OLD.certificate(), NEW.certificate())));

        assertThat(decoded).isInstanceOfSatisfying(PemOutcome.Decoded.class, d -> {
            var set = (CaSet) d.value();
            assertThat(set.current().certificate()).isEqualTo(NEW.certificate());
            assertThat(set.current().keyMatches()).isTrue();
            assertThat(set.previous()).containsExactly(OLD.certificate());
        });
    }

    @Test
    void decodesACaSecretWithoutCaCrtAsNotRotating() {
        var decoded = CaSet.decode(Pem.encodePrivateKey(OLD.key()), Pem.encodeCertificate(OLD.certificate()), "");

        assertThat(decoded).isInstanceOfSatisfying(PemOutcome.Decoded.class,
                d -> assertThat(((CaSet) d.value()).trusted()).containsExactly(OLD.certificate()));
    }

    @Test
    void refusesSeveralCertificatesInTlsCrt() {
        var decoded = CaSet.decode(Pem.encodePrivateKey(NEW.key()),
                Pem.encodeCertificates(List.of(OLD.certificate(), NEW.certificate())), null);

        assertThat(decoded).isEqualTo(PemOutcome.invalid("tls.crt: holds 2 certificates, expected the CA's one"));
    }

    @Test
    void refusesTheCurrentCaAmongThePreviousOnes() {
        assertThatThrownBy(() -> new CaSet(OLD, List.of(OLD.certificate())))
                .hasMessage("previous: must not contain the current CA certificate");
    }
}
