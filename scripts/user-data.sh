#!/usr/bin/env bash
# Boot-time user data of every lab node. Changing it replaces the instance.
set -euo pipefail

: "${NODE_ROLE:?control-plane or worker}"
: "${LAB_NAME:?project-stack name of the lab}"

install -d -m 0755 /etc/k8s-lab
cat > /etc/k8s-lab/node.env <<ENV
LAB_NAME=${LAB_NAME}
NODE_ROLE=${NODE_ROLE}
ENV
echo "k8s-lab: ${LAB_NAME} ${NODE_ROLE} node prepared"
