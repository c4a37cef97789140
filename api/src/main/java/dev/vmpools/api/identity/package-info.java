/**
 * From a Kubernetes requester (user name and groups) to a pool user and their roles, and the
 * configured admins and delegates who may request VMs for others (DESIGN §3 Identity).
 */
package dev.vmpools.api.identity;
