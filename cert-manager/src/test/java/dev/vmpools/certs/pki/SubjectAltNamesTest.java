package dev.vmpools.certs.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectAltNamesTest {

    @Test
    void webhookServiceHasTheFourNamesTheApiServerMayDial() {
        assertThat(SubjectAltNames.webhookService().dnsNames()).containsExactly(
                "vmpools-webhook",
                "vmpools-webhook.vmpools-system",
                "vmpools-webhook.vmpools-system.svc",
                "vmpools-webhook.vmpools-system.svc.cluster.local");
        assertThat(SubjectAltNames.webhookService().ipAddresses()).isEmpty();
    }

    @Test
    void sortsExtraNamesIntoDnsNamesAndIpAddresses() {
        var names = SubjectAltNames.webhookService().plus("127.0.0.1", "::1", "localhost");

        assertThat(names.ipAddresses()).containsExactly("0:0:0:0:0:0:0:1", "127.0.0.1");
        assertThat(names.dnsNames()).contains("localhost").hasSize(5);
    }

    @Test
    void comparesDnsNamesWithoutCaseAndIpAddressesInAnySpelling() {
        var upper = new SubjectAltNames(new TreeSet<>(java.util.List.of("Webhook.Example.ORG")),
                new TreeSet<>(java.util.List.of("0:0:0:0:0:0:0:1")));
        var lower = new SubjectAltNames(new TreeSet<>(java.util.List.of("webhook.example.org")),
                new TreeSet<>(java.util.List.of("::1")));

        assertThat(upper).isEqualTo(lower);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "under_score", "-leading", "trailing-", "a..b", "space name"})
    void refusesWhatIsNotADnsName(String name) {
        assertThatThrownBy(() -> SubjectAltNames.webhookService().plus(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dnsNames: ");
    }

    @Test
    void refusesAnEmptySet() {
        assertThatThrownBy(() -> new SubjectAltNames(new TreeSet<>(), new TreeSet<>()))
                .hasMessage("dnsNames and ipAddresses: at least one name is required");
    }

    @Test
    void refusesAnIpAddressAmongDnsNames() {
        assertThatThrownBy(() -> new SubjectAltNames(new TreeSet<>(java.util.List.of("10.0.0.1")), new TreeSet<>()))
                .hasMessage("dnsNames: 10.0.0.1 is an IP address");
    }
}
