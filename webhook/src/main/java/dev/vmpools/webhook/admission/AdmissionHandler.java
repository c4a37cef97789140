package dev.vmpools.webhook.admission;

/**
 * Decides one admission request. Implementations are pure functions of the request and their caches:
 * no side effects. A handler that throws gets an {@link AdmissionOutcome.Errored} answer (code 500) from
 * the HTTP layer, which also does every check on the envelope, so handlers see only well-formed requests
 * of their endpoint's kind and operations.
 */
@FunctionalInterface
public interface AdmissionHandler {

    AdmissionOutcome handle(AdmissionRequest request);
}
