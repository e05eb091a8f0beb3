#!/bin/sh
# Shared by the one-shot Temporal setup jobs (run in temporalio/admin-tools). Sourced, not executed.

# The frontend address with the host resolved to IPv4: the server listens on 0.0.0.0 (IPv4 only),
# and a name that resolves to IPv6 first would be refused.
temporal_address() {
  : "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required, e.g. temporal:7233}"
  host=${TEMPORAL_ADDRESS%:*}
  port=${TEMPORAL_ADDRESS##*:}
  ip=$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }' || true)
  if [ -n "$ip" ]; then echo "$ip:$port"; else echo "$TEMPORAL_ADDRESS"; fi
}

# Waits until the cluster answers its health check; gives up after WAIT_ATTEMPTS tries.
wait_for_temporal() {
  address=$1
  attempts=${WAIT_ATTEMPTS:-60}
  attempt=1
  until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
    if [ "$attempt" -ge "$attempts" ]; then
      echo "Temporal at $address is not healthy after $attempts attempts" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep "${WAIT_SECONDS:-2}"
  done
  echo "Temporal at $address is healthy"
}
