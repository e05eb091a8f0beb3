#!/bin/sh
# Registers custom search attributes, given as Name=Type arguments (Type as the Temporal CLI names
# it: Keyword, Bool, Int, Double, Datetime, Text, KeywordList). Idempotent: an attribute that
# exists with the same type is left alone; one that exists with another type stops the job, since
# workflows would then fail to upsert it. Runs in temporalio/admin-tools.
set -eu
. "$(dirname "$0")/lib.sh"

NAMESPACE=${TEMPORAL_NAMESPACE:-default}
if [ "$#" -eq 0 ]; then
  echo "usage: $0 Name=Type [Name=Type ...]" >&2
  exit 64
fi

address=$(temporal_address)
wait_for_temporal "$address"
# Text output: one "Name Type" row per attribute (system and custom).
existing=$(temporal operator search-attribute list --address "$address" --namespace "$NAMESPACE")

for pair in "$@"; do
  name=${pair%%=*}
  type=${pair#*=}
  if [ -z "$name" ] || [ -z "$type" ] || [ "$name" = "$pair" ]; then
    echo "bad argument '$pair': expected Name=Type" >&2
    exit 64
  fi
  current=$(printf '%s\n' "$existing" | awk -v name="$name" '$1 == name { print $2; exit }')
  if [ -z "$current" ]; then
    temporal operator search-attribute create --address "$address" --namespace "$NAMESPACE" --name "$name" --type "$type"
    echo "search attribute $name ($type) created"
  elif [ "$(printf '%s' "$current" | tr '[:upper:]' '[:lower:]')" = "$(printf '%s' "$type" | tr '[:upper:]' '[:lower:]')" ]; then
    echo "search attribute $name ($type) exists"
  else
    echo "search attribute $name exists with type $current, expected $type: remove or rename it first" >&2
    exit 1
  fi
done
