#!/usr/bin/env bash
# The build of the prepared node image: EC2 Image Builder runs it as root on a fresh instance of
# Canonical's Ubuntu (the CI stack's component), `build` in its build phase and `validate` in its
# validate phase; a failure of either fails the build, and no image is made. `build` upgrades the
# packages, installs what every node's user data installs, from the same text (node-install.sh),
# and pulls into containerd the images the bootstrap and the platform pull (kubeadm's for the
# pinned version, the operator's from the pinned Calico manifest, and the list it is given), so
# that a node booted from the image pulls none of them. `validate` checks that the installs are
# complete (node_installed) and that every one of those images is there. It leaves no mark of a
# prepared node: the user data still prepares each node.
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

# Every image the image holds, one a line: kubeadm's, the Calico operator's, the list.
node_images() {
  local manifest
  manifest="$(mktemp)"
  retry kubeadm config images list --kubernetes-version "v${KUBERNETES_VERSION}"
  retry curl -fsSL -o "$manifest" "$OPERATOR_MANIFEST"
  manifest_images "$manifest"
  rm -f "$manifest"
  printf '%s\n' "$IMAGES"
}

build() {
  export DEBIAN_FRONTEND=noninteractive
  # Canonical's image of the day may lag its security updates: take them first.
  retry apt-get update -q --error-on=any
  retry apt-get upgrade -y -q -o Dpkg::Options::=--force-confold
  install_node
  local images image
  images="$(node_images)"
  for image in $images; do
    retry crictl --runtime-endpoint "$CRI_SOCKET" pull "$image"
  done
  echo "k8s-lab: node image prepared for Kubernetes ${KUBERNETES_VERSION}"
}

validate() {
  if ! node_installed; then
    echo "k8s-lab: containerd or Kubernetes ${KUBERNETES_PACKAGE_VERSION} is not installed as node_installed expects" >&2
    return 1
  fi
  local images image missing=0
  images="$(node_images)"
  for image in $images; do
    if ! crictl --runtime-endpoint "$CRI_SOCKET" inspecti "$image" > /dev/null 2>&1; then
      echo "k8s-lab: image ${image} is missing" >&2
      missing=1
    fi
  done
  [ "$missing" = 0 ] || return 1
  echo "k8s-lab: node image valid for Kubernetes ${KUBERNETES_VERSION}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    build) build ;;
    validate) validate ;;
    *) echo "usage: $0 build|validate" >&2; exit 2 ;;
  esac
fi
