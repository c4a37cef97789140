package dev.vmpools.scheduler.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.junit.jupiter.api.Test;

class LeanItemStoreTest {

    @Test
    void keepsAnObjectWithoutItsManagedFieldsAndEverythingElse() {
        Lease lease = new LeaseBuilder().withNewMetadata().withNamespace("pools").withName("vmpool.vm-0")
                .withResourceVersion("7").addToAnnotations("vmpools.dev/user", "alice")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update")
                        .build())
                .endMetadata().withNewSpec().withHolderIdentity("alice-1/uid").endSpec().build();
        LeanItemStore<Lease> store = new LeanItemStore<>();

        store.put(store.getKey(lease), lease);

        Lease kept = store.get("pools/vmpool.vm-0");
        assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(kept.getMetadata().getAnnotations()).containsEntry("vmpools.dev/user", "alice");
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(kept.getSpec().getHolderIdentity()).isEqualTo("alice-1/uid");
        assertThat(store.size()).isEqualTo(1);
    }
}
