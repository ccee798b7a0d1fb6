#!/usr/bin/env bash
# The build of the prepared node image: EC2 Image Builder runs it once, as root, on a fresh
# instance of Canonical's Ubuntu (the CI stack's component). It installs what every node's user
# data installs, from the same text (node-install.sh), and pulls into containerd the images the
# bootstrap and the platform pull (kubeadm's for the pinned version, the operator's from the pinned
# Calico manifest, and the list it is given), so that a node booted from the image pulls none of
# them. It leaves no mark of a prepared node: the user data still prepares each node.
set -euo pipefail

: "${KUBERNETES_MINOR:?Kubernetes minor version, e.g. 1.35}"
: "${KUBERNETES_PACKAGE_VERSION:?exact package version, e.g. 1.35.9-1.1}"
: "${KUBERNETES_VERSION:?exact Kubernetes version, e.g. 1.35.9}"
: "${OPERATOR_MANIFEST:?URL of the pinned tigera-operator.yaml, whose images are pulled}"
: "${IMAGES:?further images to pull, one a line}"

# shellcheck source-path=SCRIPTDIR source=node-install.sh
. "$(dirname "${BASH_SOURCE[0]}")/node-install.sh" # k8s-lab:include

CRI_SOCKET="unix:///run/containerd/containerd.sock"

# The images a manifest's containers name (its `image:` lines), one a line.
manifest_images() {
  sed -n 's/^[[:space:]]*image:[[:space:]]*["'\'']\{0,1\}\([^"'\''[:space:]]*\).*/\1/p' "$1" | sort -u
}

main() {
  export DEBIAN_FRONTEND=noninteractive
  install_node
  systemctl start containerd
  retry kubeadm config images pull --kubernetes-version "v${KUBERNETES_VERSION}" --cri-socket "$CRI_SOCKET"
  local manifest image
  manifest="$(mktemp)"
  retry curl -fsSL -o "$manifest" "$OPERATOR_MANIFEST"
  for image in $(manifest_images "$manifest") $IMAGES; do
    retry crictl --runtime-endpoint "$CRI_SOCKET" pull "$image"
  done
  rm -f "$manifest"
  echo "k8s-lab: node image prepared for Kubernetes ${KUBERNETES_VERSION}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
