#!/usr/bin/env bash
# Builds the test control plane (etcd, kube-apiserver, kube-controller-manager, kubectl and the
# process supervisor) from the Go module proxy, once, into a cache outside git keyed by the
# Kubernetes version and a hash of this module. Prints the binary folder as its last line.
# A second run with the same inputs does not rebuild.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

k8s_version=$(awk '$1=="k8s.io/kubernetes" {print $2; exit} $2=="k8s.io/kubernetes" {print $3; exit}' go.mod)
[ -n "$k8s_version" ] || { echo "testenv: cannot read the k8s.io/kubernetes version from $here/go.mod" >&2; exit 1; }
key=$(cat go.mod go.sum build.sh cmd/supervise/main.go | sha256sum | cut -c1-12)
cache=${VMPOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmpools}
bin="$cache/testenv/$k8s_version-$key"
binaries=(etcd kube-apiserver kube-controller-manager kubectl supervise)

complete() { for b in "${binaries[@]}"; do [ -x "$1/$b" ] || return 1; done; }
if complete "$bin"; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "testenv: Go is not installed; install Go >= 1.26 (https://go.dev/doc/install) and run again" >&2; exit 1; }
mkdir -p "$cache/testenv"
log="$cache/testenv/build-$k8s_version-$key.log"
tmp=$(mktemp -d "$cache/testenv/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

minor=${k8s_version#v1.}; minor=${minor%%.*}
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
 -X k8s.io/component-base/version.gitTreeState=clean"

step() {
  local name=$1; shift
  echo "testenv: $name (log: $log)" >&2
  if ! "$@" >>"$log" 2>&1; then
    echo "testenv: step '$name' failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}
: >"$log"
step "downloading Go modules (about 1 GB the first time)" go mod download
step "compiling etcd, kube-apiserver, kube-controller-manager, kubectl $k8s_version (several minutes on 2 cores the first time)" \
  go build -trimpath -ldflags="$ldflags" -o "$tmp/" \
    go.etcd.io/etcd/server/v3 \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl \
    ./cmd/supervise
# go build names the etcd main package after its path element before the major version.
mv "$tmp/server" "$tmp/etcd"
complete "$tmp" || { echo "testenv: the build finished but a binary is missing in $tmp" >&2; ls -l "$tmp" >&2; exit 1; }
rm -rf "$bin"
mv "$tmp" "$bin"
trap - EXIT
echo "testenv: built into $bin" >&2
echo "$bin"
