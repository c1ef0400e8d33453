#!/usr/bin/env bash
# Runs aami locally: the config-server on its embedded PostgreSQL plus one agent enrolled to it.
# Builds the jars first if they are missing or older than the sources. All state lives under
# ./data (override with AAMI_LOCAL_DATA); nothing needs root. Ctrl-C stops both processes.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
data="${AAMI_LOCAL_DATA:-$here/data}"
port="${AAMI_LOCAL_PORT:-8443}"
api_port="${AAMI_LOCAL_AGENT_PORT:-8469}"
server_jar="$here/config-server/target/aami-config-server.jar"
agent_jar="$here/agent/target/aami-agent.jar"

stale() {
  [ ! -f "$server_jar" ] || [ ! -f "$agent_jar" ] && return 0
  # Build outputs (target/) are no sources: tests running beside this script keep unpacked PostgreSQL *.sql there.
  [ -n "$(find "$here" \( -path "$data" -o -name target -o -name .git \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.sql' \) -newer "$agent_jar" -print -quit)" ]
}
if stale; then
  echo "building aami (mvn -DskipTests package) ..."
  mvn -B -q -Dstyle.color=never -DskipTests package
fi

mkdir -p "$data/server" "$data/agent"
pids=()
private_work=""
cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping aami ..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$private_work" ]; then rm -rf --one-file-system -- "$private_work"; fi
  exit 0
}
trap cleanup INT TERM EXIT

# TLS is on, as in production: the server creates its CA and certificates under $data/server/pki.
AAMI_DATA_DIR="$data/server" AAMI_LISTEN="127.0.0.1:$port" AAMI_LOGGING_FORMAT=text \
  java -jar "$server_jar" >"$data/server.log" 2>&1 &
pids+=($!)

# Ready: /ready answers 200 (with curl), else the API port accepts connections (bash alone).
server_ready() {
  if command -v curl >/dev/null 2>&1 && [ -f "$data/server/pki/ca.crt" ]; then
    curl -sf --max-time 2 --cacert "$data/server/pki/ca.crt" "https://127.0.0.1:$port/ready" >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}
# The agent starts only once the server is ready, so a restart does not open with a burst of
# connection errors in its log.
for _ in $(seq 1 360); do
  server_ready && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the config-server exited; see $data/server.log" >&2; exit 1; }
  sleep 0.5
done
server_ready || { echo "the config-server is not ready after 3 minutes; see $data/server.log" >&2; exit 1; }

if [ ! -s "$data/agent/state/credentials.json" ]; then
  # Waits for the server to come up, then prints a one-use bootstrap token.
  token="$(AAMI_LISTEN="127.0.0.1:$port" java -jar "$server_jar" token create --name local-agent --max-uses 1 \
           --ttl 1h --data-dir "$data/server" --wait 180s)"
  (umask 077 && printf '%s\n' "$token" >"$data/agent/bootstrap-token")
fi

run_as=aami
work_dir="$data/agent/state"
if [ "$(id -u)" = 0 ]; then
  id aami >/dev/null 2>&1 || run_as=nobody
  # As root the agent wants a checks work dir whose whole path is root's and writable only by root (not
  # under /tmp or a user's home: another user could swap what root chowns there), which $run_as can
  # enter (a checkout under /root is closed to it): a private directory of this run under /var/lib.
  parent=/var/lib/aami-local
  mkdir -p -m 0755 "$parent"
  if [ "$(stat -c '%F %u %a' "$parent")" != "directory 0 755" ]; then
    echo "error: $parent must be a directory of root's with mode 0755" >&2
    exit 1
  fi
  private_work="$(mktemp -d "$parent/checks.XXXXXXXX")"
  work_dir="$private_work"
fi

cat >"$data/agent/agent.yaml" <<YAML
# Written by run-local.sh
server:
  address: "127.0.0.1:$port"
  bootstrap_token_file: "$data/agent/bootstrap-token"
  tls:
    enabled: true
    # Agents elsewhere use ca_cert_sha256 instead: the pin from 'java -jar aami-config-server.jar ca pin'.
    ca_cert: "$data/server/pki/ca.crt"
agent:
  id_file: "$data/agent/agent-id"
  state_dir: "$data/agent/state"
  labels:
    environment: local
heartbeat:
  interval: 30s
checks:
  # Scripts never run as root: as root, the agent drops to this user.
  run_as: "$run_as"
  work_dir: "$work_dir"
api:
  listen: "127.0.0.1:$api_port"
logging:
  format: text
YAML

java -jar "$agent_jar" --config "$data/agent/agent.yaml" >"$data/agent.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 240); do
  (exec 3<>"/dev/tcp/127.0.0.1/$api_port") 2>/dev/null && grep -q "enrolled as agent\|reusing the stored credential" "$data/agent.log" && break
  kill -0 "${pids[1]}" 2>/dev/null || { echo "the agent exited; see $data/agent.log" >&2; exit 1; }
  sleep 0.5
done
# The banner only when the server still answers /ready.
server_ready || { echo "the config-server stopped answering; see $data/server.log" >&2; exit 1; }

cat <<INFO

aami is running
  config-server  https://127.0.0.1:$port       (health: /health, readiness: /ready, API: /api/v1/...)
  CA             $data/server/pki/ca.crt    (pin for agents: $(java -jar "$server_jar" ca pin --data-dir "$data/server" 2>/dev/null))
  admin token    $data/server/admin-token   (send it as: Authorization: Bearer <token>)
  agent          id $(cat "$data/agent/agent-id" 2>/dev/null), local API http://127.0.0.1:$api_port (/healthz, /metrics)
  logs           $data/server.log, $data/agent.log

  try: curl -s --cacert $data/server/pki/ca.crt -H "Authorization: Bearer \$(cat $data/server/admin-token)" https://127.0.0.1:$port/api/v1/targets

Press Ctrl-C to stop.
INFO

while kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null; do sleep 1; done
echo "a process exited; see $data/server.log and $data/agent.log"
