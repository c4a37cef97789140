package dev.vmpools.webhook.http;

import dev.vmpools.webhook.admission.AdmissionHandler;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stand-ins for the per-kind handlers, doing the kind of thing the real ones do: the mutator fills in
 * what DESIGN §3 says (user, labels, finalizer, granted-by); the validator denies pool "forbidden-pool";
 * any handler throws on an object named "boom".
 */
final class TestHandlers {

    private TestHandlers() {
    }

    static AdmissionHandlers handlers() {
        return new AdmissionHandlers(allowing(), defaulting(), validating(), allowing());
    }

    static AdmissionHandler allowing() {
        return request -> {
            failOnBoom(request);
            return AdmissionOutcome.allowed();
        };
    }

    static AdmissionHandler defaulting() {
        return request -> {
            failOnBoom(request);
            ObjectNode object = request.object().orElseThrow();
            ObjectNode spec = object.withObjectProperty("spec");
            String pool = spec.path("pool").asString("");
            if (!spec.has("user")) {
                spec.put("user", request.userInfo().username());
            }
            String user = spec.path("user").asString();
            ObjectNode metadata = object.withObjectProperty("metadata");
            metadata.withObjectProperty("labels").put("vmpools.dev/pool", pool).put("vmpools.dev/user", user);
            ObjectNode annotations = metadata.withObjectProperty("annotations");
            if (!annotations.has("vmpools.dev/granted-by")) {
                annotations.put("vmpools.dev/granted-by", "role:user");
            }
            ArrayNode finalizers = metadata.withArrayProperty("finalizers");
            if (finalizers.valueStream().noneMatch(f -> f.asString().equals("vmpools.dev/release"))) {
                finalizers.add("vmpools.dev/release");
            }
            return AdmissionOutcome.patched(object).withPool(pool);
        };
    }

    static AdmissionHandler validating() {
        return request -> {
            failOnBoom(request);
            ObjectNode object = request.object().or(request::oldObject).orElseThrow();
            String pool = object.at("/spec/pool").asString("");
            if (pool.equals("forbidden-pool")) {
                return AdmissionOutcome.forbidden("NoGrant", "pool " + pool + " grants nothing to "
                                + request.userInfo().username() + "; ask an admin of namespace " + request.namespace(),
                        AdmissionOutcome.Cause.forbidden("spec.pool", "no grant")).withPool(pool);
            }
            return AdmissionOutcome.allowed().withPool(pool);
        };
    }

    private static void failOnBoom(AdmissionRequest request) {
        if (request.name().equals("boom")) {
            throw new IllegalStateException("handler bug on purpose");
        }
    }
}
