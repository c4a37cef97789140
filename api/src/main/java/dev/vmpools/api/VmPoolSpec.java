package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vmpools.api.retention.Retention;
import java.util.List;

/**
 * A pool's spec as VM-Operator's CRD defines it. Fields are kept as written (null when absent), so
 * reading never fails on odd content; validation is the webhook's job.
 *
 * @param retention ISO 8601 duration or instant; the CRD defaults it to {@code PT1h}
 * @param loginOnAssignment whether VM-Operator logs the assignee in; the CRD defaults it to false
 * @param permissions the grants of the pool
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VmPoolSpec(String retention, Boolean loginOnAssignment, List<PoolGrantSpec> permissions) {

    /** The retention text, or the CRD's default where the object was not defaulted by an API server. */
    public String retentionOrDefault() {
        return retention == null ? Retention.DEFAULT_TEXT : retention;
    }

    /** The grants, empty when absent. */
    public List<PoolGrantSpec> grants() {
        return permissions == null ? List.of() : permissions;
    }
}
