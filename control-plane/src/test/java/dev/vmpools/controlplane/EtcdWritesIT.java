package dev.vmpools.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.controlplane.ControlPlane.EtcdWrites;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared test control plane's etcd skips fsync; one started {@link EtcdWrites#DURABLE} syncs its WAL. */
@ExtendWith(ControlPlaneExtension.class)
class EtcdWritesIT {
    private static final Pattern WAL_FSYNCS = Pattern.compile("(?m)^etcd_disk_wal_fsync_duration_seconds_count (\\S+)$");

    @Test
    void sharedControlPlaneSkipsFsync(ControlPlane cp, TestNamespace ns) throws Exception {
        double before = walFsyncs(cp);

        write(cp, ns.name());

        assertThat(cp.etcdWrites()).isEqualTo(EtcdWrites.NO_FSYNC);
        assertThat(walFsyncs(cp)).isEqualTo(before);
    }

    @Test
    void durableControlPlaneSyncsItsWal() throws Exception {
        try (ControlPlane durable = ControlPlane.start(EtcdWrites.DURABLE)) {
            double before = walFsyncs(durable);

            write(durable, "default");

            assertThat(durable.etcdWrites()).isEqualTo(EtcdWrites.DURABLE);
            assertThat(walFsyncs(durable)).isGreaterThan(before);
        }
    }

    private static void write(ControlPlane cp, String namespace) {
        cp.client(TestUser.ROOT).configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("written").endMetadata().withData(Map.of("k", "v")).build()).create();
    }

    /** The WAL fsyncs etcd has counted: only those it makes (a few while it bootstraps its WAL, even without fsync). */
    private static double walFsyncs(ControlPlane cp) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(cp.etcdUrl() + "/metrics")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher count = WAL_FSYNCS.matcher(metrics);
            assertThat(count.find()).as("etcd's metrics hold the WAL fsync histogram").isTrue();
            return Double.parseDouble(count.group(1));
        }
    }
}
