/**
 * What the rules know of the cluster: pools and VmAssignments from informer caches, with one live read
 * of a pool on a cache miss, behind two one-method interfaces that tests replace with lambdas.
 */
package dev.vmpools.webhook.cluster;
