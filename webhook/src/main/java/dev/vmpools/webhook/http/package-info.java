/**
 * The webhook's HTTP edge on Helidon SE: the admission endpoints with all the hardening (body limit,
 * content type, malformed reviews, handler failures), health and Prometheus metrics.
 * {@link dev.vmpools.webhook.WebhookServer#routing} wires them for the server and the tests alike.
 */
package dev.vmpools.webhook.http;
