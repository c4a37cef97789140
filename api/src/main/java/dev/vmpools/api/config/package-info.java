/**
 * Typed options of the components: each declares its {@link dev.vmpools.api.config.Option}s with their
 * defaults; {@link dev.vmpools.api.config.Options} reads values from a map, failing with a message that
 * names the option. Where the map comes from (flags, environment, a YAML file) is the launcher's business.
 */
package dev.vmpools.api.config;
