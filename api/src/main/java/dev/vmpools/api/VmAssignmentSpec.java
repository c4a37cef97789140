package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What is requested: a VM from {@code pool} (same namespace) for {@code user}, which the mutating
 * webhook defaults to the requester.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VmAssignmentSpec(String pool, String user) {
}
