#!/bin/sh
# Creates the namespace the workers use, once. Runs in temporalio/admin-tools.
set -eu
. "$(dirname "$0")/lib.sh"

NAMESPACE=${TEMPORAL_NAMESPACE:-default}
# Closed order workflows stay visible (and their history inspectable) this long.
RETENTION=${TEMPORAL_NAMESPACE_RETENTION:-336h}

address=$(temporal_address)
wait_for_temporal "$address"
if temporal operator namespace describe --address "$address" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create --address "$address" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace $NAMESPACE created (retention $RETENTION)"
fi
