/** Metrics (Micrometer, Prometheus format) and the small HTTP server of health and metrics. */
package dev.vmpools.scheduler.observability;
