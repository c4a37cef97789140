/**
 * A real Kubernetes control plane for tests and the demo: etcd, kube-apiserver and
 * kube-controller-manager built from the Go module proxy ({@code testenv/}), started on free
 * 127.0.0.1 ports under a supervisor that ends them when the JVM dies.
 */
package dev.vmpools.controlplane;
