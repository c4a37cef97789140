/**
 * The vmpools admission webhook (DESIGN §3): {@link dev.vmpools.webhook.Webhook#start} builds it from a
 * {@link dev.vmpools.webhook.WebhookConfig} and a Kubernetes client. The rules live per kind in {@code pool},
 * {@code assignment} and {@code vm}; what they know of the cluster in {@code cluster}; the requester in
 * {@code identity}; the wire contract in {@code admission}; HTTP, TLS and the server in {@code http}, {@code tls}
 * and {@link dev.vmpools.webhook.WebhookServer}.
 */
package dev.vmpools.webhook;
