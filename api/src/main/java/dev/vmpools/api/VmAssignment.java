package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A user's request for a VM from a pool (ours). The spec is immutable; the scheduler owns the status. */
@Group(VmAssignment.GROUP)
@Version(VmAssignment.VERSION)
@Kind(VmAssignment.KIND)
@Plural(VmAssignment.PLURAL)
@Singular(VmAssignment.SINGULAR)
@ShortNames(VmAssignment.SHORT_NAME)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VmAssignment extends CustomResource<VmAssignmentSpec, VmAssignmentStatus> implements Namespaced {
    public static final String GROUP = "vmpools.dev";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "VmAssignment";
    public static final String PLURAL = "vmassignments";
    public static final String SINGULAR = "vmassignment";
    public static final String SHORT_NAME = "vma";
}
