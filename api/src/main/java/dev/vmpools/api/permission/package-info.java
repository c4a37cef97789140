/**
 * Who may do what in a pool: permissions, the grants of {@code spec.permissions}, the union of the
 * grants that match a user and their roles (exact names), and the {@code granted-by} record of them.
 */
package dev.vmpools.api.permission;
