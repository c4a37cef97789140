package dev.vmpools.certs.replica;

import static dev.vmpools.certs.pki.TestMaterial.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import dev.vmpools.certs.k8s.WebhookConfigurations.Configuration;
import dev.vmpools.certs.k8s.WebhookConfigurations.Kind;
import dev.vmpools.certs.k8s.WebhookConfigurations.Webhook;
import dev.vmpools.certs.pki.CertificateAuthority;
import dev.vmpools.certs.pki.Pem;
import dev.vmpools.certs.pki.TestMaterial;
import org.junit.jupiter.api.Test;

class BundleTrustTest {

    private static final CertificateAuthority OLD = TestMaterial.ca(T0);
    private static final CertificateAuthority NEW = TestMaterial.ca(T0.plus(Duration.ofDays(1)));
    private static final dev.vmpools.certs.pki.ServingMaterial SERVED = TestMaterial.leaf(OLD, T0.plus(Duration.ofDays(2)));
    private static final java.time.Instant NOW = T0.plus(Duration.ofDays(3));

    @Test
    void readyWhenEveryWebhookOfBothConfigurationsTrustsTheServedChain() {
        var both = List.of(OLD.certificate(), NEW.certificate());

        assertThat(BundleTrust.problem(SERVED, configurations(both, List.of(OLD.certificate())), NOW)).isEmpty();
    }

    @Test
    void notReadyWhileOneWebhookTrustsOnlyTheNewCa() {
        var problem = BundleTrust.problem(SERVED, configurations(List.of(OLD.certificate()), List.of(NEW.certificate())), NOW);

        assertThat(problem).hasValueSatisfying(text -> assertThat(text)
                .startsWith("ValidatingWebhookConfiguration vmpools, webhook b.vmpools.dev: serving certificate")
                .contains("does not verify against CA"));
    }

    @Test
    void notReadyWhenABundleWasWipedOrAConfigurationIsMissing() {
        var wiped = new Configuration(Kind.MUTATING, "uid-m", List.of(new Webhook("a.vmpools.dev", "")));

        assertThat(BundleTrust.problem(SERVED, List.of(wiped), NOW)).contains(
                "MutatingWebhookConfiguration vmpools, webhook a.vmpools.dev has no caBundle; "
                        + "ValidatingWebhookConfiguration vmpools does not exist");
    }

    @Test
    void notReadyOnceTheServedCertificateExpired() {
        var after = SERVED.leaf().getNotAfter().toInstant().plusSeconds(1);

        assertThat(BundleTrust.problem(SERVED, configurations(List.of(OLD.certificate()), List.of(OLD.certificate())), after))
                .isPresent();
    }

    private static List<Configuration> configurations(List<X509Certificate> mutating, List<X509Certificate> validating) {
        return List.of(
                new Configuration(Kind.MUTATING, "uid-m", List.of(new Webhook("a.vmpools.dev", Pem.encodeCertificates(mutating)))),
                new Configuration(Kind.VALIDATING, "uid-v", List.of(
                        new Webhook("a.vmpools.dev", Pem.encodeCertificates(mutating)),
                        new Webhook("b.vmpools.dev", Pem.encodeCertificates(validating)))));
    }
}
