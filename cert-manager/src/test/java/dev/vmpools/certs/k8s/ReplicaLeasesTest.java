package dev.vmpools.certs.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import dev.vmpools.certs.rotation.ReplicaReport;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReplicaLeasesTest {

    private static final Instant RENEWED = Instant.parse("2030-01-01T00:00:00.123456Z");

    @Test
    void aReplicaLeaseReportsItsInstanceSerialAndRenewTime() {
        var serial = new BigInteger("c758aa090e61142a3125ce5d49b9d173", 16);

        var report = ReplicaLeases.report(lease("vmpools-webhook-web-0", Map.of(ReplicaLeases.SERVING_SERIAL,
                ReplicaLeases.formatSerial(serial))));

        assertThat(report).contains(new ReplicaReport("web-0", Optional.of(serial), RENEWED));
        assertThat(ReplicaLeases.formatSerial(serial)).isEqualTo("C758AA090E61142A3125CE5D49B9D173");
    }

    @ParameterizedTest
    @CsvSource({"''", "not-hex", "' '"})
    void anUnreadableSerialReportsNoneSoTheReplicaLags(String annotation) {
        assertThat(ReplicaLeases.report(lease("vmpools-webhook-web-1", Map.of(ReplicaLeases.SERVING_SERIAL, annotation))))
                .contains(new ReplicaReport("web-1", Optional.empty(), RENEWED));
    }

    @ParameterizedTest
    @CsvSource({"vmpools-certs", "vmpools-scheduler", "vmpools-webhook-"})
    void otherLeasesAreNoReplicas(String name) {
        assertThat(ReplicaLeases.report(lease(name, Map.of()))).isEmpty();
    }

    private static Lease lease(String name, Map<String, String> annotations) {
        return new LeaseBuilder()
                .withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withHolderIdentity(name).withRenewTime(RENEWED.atZone(ZoneOffset.UTC)).endSpec()
                .build();
    }
}
