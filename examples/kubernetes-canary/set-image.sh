#!/usr/bin/env bash
# k8s/set-image.sh <deployment> in the application's repository: points a Deployment at the image tag
# $DEPLOY_KIT_VERSION (and makes sure a scaled-down canary has pods), then waits for the rollout.
set -euo pipefail
deployment="$1"
ns="app-${DEPLOY_KIT_ENVIRONMENT:-production}"
kubectl --namespace "$ns" set image "deployment/$deployment" web="ghcr.io/acme/web:$DEPLOY_KIT_VERSION"
kubectl --namespace "$ns" label "deployment/$deployment" --overwrite version="$DEPLOY_KIT_VERSION"
if [[ "$deployment" == web-canary ]]; then
  kubectl --namespace "$ns" scale "deployment/$deployment" --replicas=2
fi
kubectl --namespace "$ns" rollout status "deployment/$deployment" --timeout 5m
