package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One entry of {@code spec.permissions} as written: exactly one of {@code user} and {@code role} is
 * meant to be set, and {@code may} holds permission names (the CRD defaults it to {@code [accessConsole]}).
 * {@link dev.vmpools.api.permission.PoolPermissions#read} turns these into checked grants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PoolGrantSpec(String user, String role, List<String> may) {
}
