package dev.vmpools.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * VM-Operator's pool of VMs. The spec belongs to VM-Operator's CRD; the status is ours and kept
 * current by the scheduler through the status subresource.
 */
@Group(VmPool.GROUP)
@Version(VmPool.VERSION)
@Kind(VmPool.KIND)
@Plural(VmPool.PLURAL)
@Singular(VmPool.SINGULAR)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VmPool extends CustomResource<VmPoolSpec, VmPoolStatus> implements Namespaced {
    public static final String GROUP = "vmoperator.jdrupes.org";
    public static final String VERSION = "v1";
    public static final String KIND = "VmPool";
    public static final String PLURAL = "vmpools";
    public static final String SINGULAR = "vmpool";
}
