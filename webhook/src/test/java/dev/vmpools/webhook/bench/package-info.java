/**
 * The webhook's benchmarks ({@code ./vmpools bench}, not part of CI), which write their sections of BENCHMARKS.md:
 * admission reviews against an echo on the same server from an open-loop generator in its own JVM
 * ({@link dev.vmpools.webhook.bench.AdmissionThroughputBench}); the latency our webhooks add to creates through
 * the real API server, and the resident memory of the webhook run with the Deployment's JVM flags
 * ({@link dev.vmpools.webhook.bench.DeployedWebhookBench}).
 */
package dev.vmpools.webhook.bench;
