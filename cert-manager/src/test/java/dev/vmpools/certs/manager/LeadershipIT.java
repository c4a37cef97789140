package dev.vmpools.certs.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.vmpools.certs.CertsCluster;
import dev.vmpools.certs.TestConfigs;
import dev.vmpools.certs.k8s.ReplicaLeases;
import dev.vmpools.certs.k8s.SecretStore;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.renewal.Stored;
import dev.vmpools.certs.replica.ServingFollower;
import dev.vmpools.certs.rotation.ReplicaReport;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances of the component, each with a webhook replica following the serving Secret (as in the
 * webhook process), serving certificates that live 6 seconds: only the leader writes, the other instance's
 * replica serves whatever the leader put in the Secret, and when the leader goes the other takes over.
 */
@ExtendWith(ControlPlaneExtension.class)
class LeadershipIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static CertsCluster cluster;

    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void prepare(ControlPlane cp, TestNamespace ns) {
        cluster = new CertsCluster(cp, ns).prepare();
    }

    @AfterAll
    static void clean() {
        cluster.close();
    }

    @AfterEach
    void stop() throws Exception {
        for (var closeable : running.reversed()) {
            closeable.close();
        }
    }

    @Test
    void onlyTheLeaderRotatesTheOtherFollowsTheSecretAndTakesOverWhenTheLeaderGoes(ControlPlane cp) {
        var secrets = new SecretStore(cp.client(TestUser.ROOT), CertsCluster.NAMESPACE);
        var a = start(cp, "a");
        var b = start(cp, "b");
        var replicaA = follow(cp, "a");
        var replicaB = follow(cp, "b");

        await().atMost(PATIENCE).until(() -> a.leading() != b.leading());
        var leader = a.leading() ? a : b;
        var other = leader == a ? b : a;
        // The first serving certificate, then at least two renewals at 2/3 of 6 s.
        await().atMost(PATIENCE).until(() -> leader.metrics().rotations("serving") >= 3);

        assertThat(other.leading()).isFalse();
        assertThat(other.metrics().rotations("ca") + other.metrics().rotations("serving") + other.metrics().failures()).isZero();
        assertThat(other.lastPass()).isEmpty();
        await().atMost(PATIENCE).untilAsserted(() -> {
            var current = serial(secrets);
            assertThat(Stream.of(replicaA, replicaB).map(replica -> replica.served().map(m -> m.leaf().getSerialNumber())))
                    .containsOnly(Optional.of(current));
            assertThat(new ReplicaLeases(cp.client(TestUser.ROOT), CertsCluster.NAMESPACE).read())
                    .extracting(ReplicaReport::instance, ReplicaReport::servingSerial)
                    .contains(org.assertj.core.groups.Tuple.tuple("a", Optional.of(current)),
                            org.assertj.core.groups.Tuple.tuple("b", Optional.of(current)));
            assertThat(replicaA.notReady()).isEmpty();
            assertThat(replicaB.notReady()).isEmpty();
        });

        leader.close();

        await().atMost(PATIENCE).until(other::leading);
        await().atMost(PATIENCE).until(() -> other.metrics().rotations("serving") >= 1);
        assertThat(other.metrics().rotations("ca")).as("the CA Secret was taken over, not replaced").isZero();
    }

    private CertificateComponent start(ControlPlane cp, String instance) {
        var client = cp.newClient(TestUser.CERTS);
        running.add(client);
        var component = CertificateComponent.start(TestConfigs.quick(instance, Duration.ofDays(1), Duration.ofSeconds(6)),
                client, new SimpleMeterRegistry(), InstantSource.system());
        running.add(component);
        return component;
    }

    /** A webhook replica whose server takes whatever it is offered. */
    private ServingFollower follow(ControlPlane cp, String instance) {
        var client = cp.newClient(TestUser.WEBHOOK);
        running.add(client);
        var follower = new ServingFollower(client, CertsCluster.NAMESPACE, instance, Duration.ofSeconds(1),
                InstantSource.system(), material -> true).start();
        running.add(follower);
        return follower;
    }

    private static BigInteger serial(SecretStore secrets) {
        return secrets.readServing().stored() instanceof Stored.Present<ServingMaterial> present
                ? present.value().leaf().getSerialNumber()
                : BigInteger.ZERO;
    }
}
