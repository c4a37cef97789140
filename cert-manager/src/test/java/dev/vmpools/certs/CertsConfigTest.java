package dev.vmpools.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import dev.vmpools.api.config.ConfigException;
import dev.vmpools.certs.pki.Validity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertsConfigTest {

    @Test
    void defaultsAreYearLongCertificatesRenewedAtTwoThirds() {
        var config = CertsConfig.defaults("webhook-7d9f-abcde");

        assertThat(config.issuer()).isEqualTo(CertsConfig.Issuer.BUILTIN);
        assertThat(config.namespace()).isEqualTo("vmpools-system");
        assertThat(config.instance()).isEqualTo("webhook-7d9f-abcde");
        assertThat(config.caValidity()).isEqualTo(new Validity(Duration.ofDays(1095), Duration.ofMinutes(5)));
        assertThat(config.servingValidity()).isEqualTo(new Validity(Duration.ofDays(90), Duration.ofMinutes(5)));
        assertThat(config.renewalPolicy().lifeFraction()).isEqualTo("2/3");
        assertThat(config.propagationDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.servingNames().all()).containsExactly("vmpools-webhook", "vmpools-webhook.vmpools-system",
                "vmpools-webhook.vmpools-system.svc", "vmpools-webhook.vmpools-system.svc.cluster.local");
        assertThat(config.election()).isEqualTo(new CertsConfig.Election(Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
        assertThat(CertsConfig.OPTIONS).extracting(option -> option.name()).doesNotHaveDuplicates();
    }

    @Test
    void secondsLongLifetimesGetATenthAsBackdateSoThatTestsCanRotateQuickly() {
        var config = CertsConfig.from(Map.of("ca-lifetime", "PT60S", "serving-lifetime", "PT10S",
                "extra-names", "127.0.0.1, localhost", "instance", "a"), "host");

        assertThat(config.caValidity()).isEqualTo(new Validity(Duration.ofSeconds(60), Duration.ofSeconds(6)));
        assertThat(config.servingValidity()).isEqualTo(new Validity(Duration.ofSeconds(10), Duration.ofSeconds(1)));
        assertThat(config.servingNames().ipAddresses()).containsExactly("127.0.0.1");
        assertThat(config.servingNames().dnsNames()).contains("localhost");
        assertThat(config.instance()).isEqualTo("a");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "certificates         | letsencrypt  | certificates",
        "ca-lifetime          | P1Y          | ca-lifetime",
        "serving-lifetime     | PT0S         | serving-lifetime",
        "renew-at             | 3/2          | renew-at",
        "renew-at             | two thirds   | renew-at",
        "certificate-backdate | P2D          | certificate-backdate",
        "ca-lifetime          | PT30M        | certificate-backdate",
        "propagation-delay    | -PT1S        | propagation-delay",
        "extra-names          | not_a_name!  | extra-names",
        "leader-renew-deadline| PT20S        | leader-renew-deadline",
        "namespace            | Vmpools      | namespace",
        "instance             | Web_1        | instance",
    })
    void aBadValueStopsStartUpNamingItsOption(String option, String value, String named) {
        assertThatThrownBy(() -> CertsConfig.from(Map.of(option, value), "host"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.option()).isEqualTo(named))
                .hasMessageStartingWith("--" + named + "=");
    }

    @Test
    void certManagerLeavesTheCertificatesToCertManagerIo() {
        assertThat(CertsConfig.from(Map.of("certificates", "cert-manager"), "host").issuer())
                .isEqualTo(CertsConfig.Issuer.CERT_MANAGER);
    }

    @Test
    void optionsOfOtherComponentsAreIgnored() {
        assertThat(CertsConfig.from(Map.of("port", "8443", "user-prefix", "oidc:"), "host"))
                .isEqualTo(CertsConfig.defaults("host"));
    }
}
