package dev.vmpools.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.webhook.identity.Caller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookConfigTest {

    @Test
    void defaultsAreTheDesignsDefaults() {
        WebhookConfig config = WebhookConfig.defaults();

        assertThat(config.port()).isEqualTo(8443);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.tls()).isEqualTo(new WebhookConfig.TlsSecret("vmpools-system", "localhost", Duration.ofSeconds(10),
                Duration.ofMinutes(2)));
        assertThat(config.recycleConnectionsEvery()).isEqualTo(1000);
        assertThat(config.retentionMode()).isEqualTo(RetentionMode.COMPATIBLE);
        assertThat(config.poolNamespaces()).isEmpty();
        assertThat(config.poolReadTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.callers().admins().groups()).containsExactly("vmpools:admins");
        assertThat(config.callers().trustedGroups())
                .containsExactlyInAnyOrder("system:serviceaccounts:vmpools-system", "system:serviceaccounts:vmop-system");
        assertThat(config.callers().delegates().delegates()).isEmpty();
        assertThat(config.callers().identity().userPrefix()).isEmpty();
        assertThat(WebhookConfig.OPTIONS).extracting(Option::name).doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).matches("[a-z][a-z-]*"));
    }

    @Test
    void readsEveryOption() {
        WebhookConfig config = WebhookConfig.from(Map.ofEntries(
                Map.entry("host", "127.0.0.1"), Map.entry("port", "0"),
                Map.entry("tls-key-file", "/tls/tls.key"), Map.entry("tls-cert-file", "/tls/tls.crt"),
                Map.entry("user-prefix", "oidc:"), Map.entry("group-prefix", "oidc:"),
                Map.entry("user-name-pattern", "^[a-z]+$"),
                Map.entry("admin-groups", "ops, vmpools:admins"), Map.entry("trusted-groups", ""),
                Map.entry("delegates", "gitops/deployer=team-a;team-b, system:serviceaccount:ci:bot=*"),
                Map.entry("vm-operator", "absent"), Map.entry("pool-namespaces", "team-a,team-b"),
                Map.entry("pool-read-timeout", "PT0.5S"), Map.entry("recycle-connections-every", "0"),
                Map.entry("scheduler-only-option", "ignored")), "webhook-7f9c");

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isZero();
        assertThat(config.tls()).isEqualTo(new WebhookConfig.TlsFiles(Path.of("/tls/tls.key"), Path.of("/tls/tls.crt")));
        assertThat(config.recycleConnectionsEvery()).isZero();
        assertThat(config.retentionMode()).isEqualTo(RetentionMode.VM_OPERATOR_ABSENT);
        assertThat(config.poolNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(config.poolReadTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.callers().admins().groups()).containsExactlyInAnyOrder("ops", "vmpools:admins");
        assertThat(config.callers().trustedGroups()).isEmpty();
        Caller deployer = config.callers().caller("system:serviceaccount:gitops:deployer", List.of(), "team-b");
        Caller bot = config.callers().caller("system:serviceaccount:ci:bot", List.of(), "anywhere");
        Caller deployerElsewhere = config.callers().caller("system:serviceaccount:gitops:deployer", List.of(), "team-c");
        assertThat(deployer.delegate()).isTrue();
        assertThat(bot.delegate()).isTrue();
        assertThat(deployerElsewhere.delegate()).isFalse();
        Caller alice = config.callers().caller("oidc:alice", List.of("oidc:user", "ops"), "team-a");
        assertThat(alice.poolUserName()).contains("alice");
        assertThat(alice.roles()).containsExactly("user");
        assertThat(alice.admin()).isTrue();
    }

    @ParameterizedTest(name = "--{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "port              | https        | --port=https: must be a whole number from 0 to 65535",
        "port              | 70000        | --port=70000: must be a whole number from 0 to 65535",
        "host              | ''           | --host=: must not be empty: give an address",
        "tls-key-file      | /tls/tls.key | --tls-cert-file=: give the certificate file too",
        "tls-cert-file     | /tls/tls.crt | --tls-key-file=: give the key file too",
        "instance          | Pod_1        | --instance=Pod_1: must be a lower-case DNS name",
        "tls-wait          | PT0S         | --tls-wait=PT0S: must be an ISO 8601 duration",
        "recycle-connections-every | -1   | --recycle-connections-every=-1: must be a whole number",
        "namespace         | ''           | --namespace=: must not be empty",
        "user-name-pattern | [a-z         | --user-name-pattern=[a-z: not a regular expression",
        "delegates         | gitops/deployer | entry 'gitops/deployer' needs namespaces",
        "delegates         | deployer=*   | entry 'deployer=*': username must be a service account's user name",
        "delegates         | gitops/deployer= | must name at least one namespace",
        "vm-operator       | maybe        | --vm-operator=maybe: must be one of present, absent",
        "pool-namespaces   | a;B          | --pool-namespaces=a;B: 'a;B': a lowercase RFC 1123 subdomain",
        "pool-read-timeout | 1s           | --pool-read-timeout=1s: must be an ISO 8601 duration",
        "pool-read-timeout | PT0S         | from PT0.001S to PT10S",
        "pool-read-timeout | PT11S        | from PT0.001S to PT10S",
    })
    void badValuesFailNamingTheirOption(String option, String value, String message) {
        assertThatThrownBy(() -> WebhookConfig.from(Map.of(option, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theSecretIsServedAsTheNamedInstanceOrTheHost() {
        WebhookConfig named = WebhookConfig.from(Map.of("instance", "vmpools-webhook-5d8f-x2", "namespace", "ops",
                "replica-lease-renewal", "PT5S", "tls-wait", "PT30S"), "host-a");
        WebhookConfig unnamed = WebhookConfig.from(Map.of(), "host-a");

        assertThat(named.tls()).isEqualTo(new WebhookConfig.TlsSecret("ops", "vmpools-webhook-5d8f-x2", Duration.ofSeconds(5),
                Duration.ofSeconds(30)));
        assertThat(((WebhookConfig.TlsSecret) unnamed.tls()).instance()).isEqualTo("host-a");
    }

    @Test
    void aTrustedGroupMemberIsTrusted() {
        WebhookConfig config = WebhookConfig.from(Map.of("trusted-groups", "ops:bots"));

        assertThat(config.callers().caller("robot", Set.of("ops:bots").stream().toList(), "x").trusted()).isTrue();
        assertThat(config.callers().caller("system:serviceaccount:vmop-system:vm-operator",
                List.of("system:serviceaccounts:vmop-system"), "x").trusted()).isFalse();
    }
}
