/** Leader election on a Lease, written the way the components' RBAC allows (get, create, update). */
package dev.vmpools.api.election;
