/**
 * Who is asking: the pool user behind a Kubernetes requester, and whether they are an admin, a trusted
 * component or a delegate for the namespace of the request.
 */
package dev.vmpools.webhook.identity;
