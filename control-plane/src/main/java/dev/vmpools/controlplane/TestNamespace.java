package dev.vmpools.controlplane;

/** The namespace a test class owns on the shared control plane; deleted after the class. */
public record TestNamespace(String name) {
}
