#!/usr/bin/env bash
# Installs the aami agent on this host (run as root):
#   install-agent.sh --server config.example.com:8443 --token-file /root/aami-token --ca-pin sha256:<64 hex>
#   printf '%s\n' "$TOKEN" | install-agent.sh --server config.example.com:8443 --token - --ca-pin sha256:<64 hex>
# The token is never taken as a command-line value: arguments are visible to every local user (ps,
# /proc/*/cmdline) and land in shell history. It is read from the file or standard input by shell
# builtins and written to /etc/aami/bootstrap-token (0600) without passing through any command's arguments.
# Before that, get the pin from the server (`java -jar aami-config-server.jar ca pin` there), or fetch
# it here for a first look with: install-agent.sh --print-pin --server config.example.com:8443
#
# Creates the agent's identity (/etc/aami/agent-id, kept if it exists: cloud-init or Terraform may
# have written it), its config, the unprivileged user scripts run as, and a systemd unit.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: install-agent.sh --server HOST:PORT (--token-file FILE | --token - | --token-stdin) (--ca-pin sha256:HEX | --ca-cert FILE)
                        [--group-id UUID] [--label key=value]... [--hostname NAME] [--run-as USER]
                        [--jar PATH] [--root DIR] [--no-start]
       install-agent.sh --print-pin --server HOST:PORT
  --token-file FILE     read the bootstrap token from FILE (its first line)
  --token - | --token-stdin
                        read the bootstrap token from standard input (its first line)
  --root DIR   install under DIR (image building); no user is created and nothing is started
USAGE
}

server="" token_file="" token_stdin=0 pin="" ca_cert="" group="" hostname="" run_as="aami" root="" start=1 print_pin=0
labels=()
jar="$(cd "$(dirname "$0")" && pwd)/aami-agent.jar"
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="$2"; shift 2 ;;
    --token)
      # A value here is already in the process list and the shell history: refuse it rather than spread it.
      if [ "${2-}" != "-" ]; then
        echo "install-agent.sh: --token takes no value on the command line (any local user can read it from the process" \
             "list, and it stays in shell history); use --token-file FILE or --token - (standard input), and consider" \
             "revoking the token you typed" >&2
        exit 2
      fi
      token_stdin=1; shift 2 ;;
    --token-stdin) token_stdin=1; shift ;;
    --token-file) token_file="${2-}"; shift 2 ;;
    --ca-pin) pin="$2"; shift 2 ;;
    --ca-cert) ca_cert="$2"; shift 2 ;;
    --group-id) group="$2"; shift 2 ;;
    --label) labels+=("$2"); shift 2 ;;
    --hostname) hostname="$2"; shift 2 ;;
    --run-as) run_as="$2"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    --root) root="$2"; start=0; shift 2 ;;
    --no-start) start=0; shift ;;
    --print-pin) print_pin=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-agent.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

fail() { echo "install-agent.sh: $*" >&2; exit 1; }
[ -n "$server" ] || { usage >&2; exit 2; }

if [ "$print_pin" = 1 ]; then
  command -v curl >/dev/null && command -v openssl >/dev/null || fail "--print-pin needs curl and openssl"
  hex="$(curl -skf "https://$server/api/v1/ca" | openssl x509 -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)"
  [ ${#hex} = 64 ] || fail "could not fetch the CA from https://$server/api/v1/ca"
  echo "sha256:$hex"
  echo "This pin was fetched without verification: compare it with 'aami-config-server ca pin' on the server." >&2
  exit 0
fi

[ "$token_stdin" = 1 ] || [ -n "$token_file" ] || fail "give --token-file FILE or --token - (token on standard input)"
[ "$token_stdin" = 0 ] || [ -z "$token_file" ] || fail "give one of --token-file and --token -, not both"
[ -n "$pin" ] || [ -n "$ca_cert" ] || fail "give --ca-pin (from 'aami-config-server ca pin') or --ca-cert"
[ -f "$jar" ] || fail "agent jar $jar not found (use --jar)"
token=""
if [ "$token_stdin" = 1 ]; then
  IFS= read -r token || [ -n "$token" ] || fail "no token on standard input"
else
  [ -f "$token_file" ] && [ -r "$token_file" ] || fail "token file $token_file is not a readable file"
  IFS= read -r token <"$token_file" || [ -n "$token" ] || fail "token file $token_file is empty"
fi
token="${token%$'\r'}"
case "$token" in
  "" | *[[:space:][:cntrl:]]*) fail "the bootstrap token must be one line without spaces (as 'token create' prints it)" ;;
esac
if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then fail "run as root (or use --root DIR)"; fi

etc="$root/etc/aami" state="$root/var/lib/aami" opt="$root/opt/aami"
install -d -m 0755 "$etc" "$opt"
install -d -m 0700 "$state"
install -m 0644 "$jar" "$opt/aami-agent.jar"

# The seed's identity rule: keep an existing id (cloud-init, Terraform), else make one.
if [ ! -f "$etc/agent-id" ]; then
  if [ -r /proc/sys/kernel/random/uuid ]; then cat /proc/sys/kernel/random/uuid; else uuidgen; fi >"$etc/agent-id.tmp"
  chmod 0644 "$etc/agent-id.tmp" && mv "$etc/agent-id.tmp" "$etc/agent-id"
fi

# Builtins only (read, printf): the token never becomes an argument of a child process.
( umask 077
  printf '%s\n' "$token" >"$etc/bootstrap-token.tmp" && mv "$etc/bootstrap-token.tmp" "$etc/bootstrap-token" )
token=""
if [ -n "$ca_cert" ]; then install -m 0644 "$ca_cert" "$etc/ca.crt"; fi

{
  echo "# Written by install-agent.sh"
  echo "server:"
  echo "  address: \"$server\""
  echo "  bootstrap_token_file: \"/etc/aami/bootstrap-token\""
  echo "  tls:"
  echo "    enabled: true"
  if [ -n "$pin" ]; then echo "    ca_cert_sha256: \"$pin\""; else echo "    ca_cert: \"/etc/aami/ca.crt\""; fi
  echo "agent:"
  echo "  id_file: \"/etc/aami/agent-id\""
  echo "  state_dir: \"/var/lib/aami\""
  if [ -n "$hostname" ]; then echo "  hostname: \"$hostname\""; fi
  if [ -n "$group" ]; then echo "  group_id: \"$group\""; fi
  if [ ${#labels[@]} -gt 0 ]; then
    echo "  labels:"
    for l in "${labels[@]}"; do echo "    \"${l%%=*}\": \"${l#*=}\""; done
  fi
  echo "checks:"
  echo "  run_as: \"$run_as\""
  echo "logging:"
  echo "  format: json"
} >"$etc/agent.yaml.tmp"
chmod 0644 "$etc/agent.yaml.tmp" && mv "$etc/agent.yaml.tmp" "$etc/agent.yaml"

install -d -m 0755 "$root/etc/systemd/system"
install -m 0644 "$(cd "$(dirname "$0")" && pwd)/aami-agent.service" "$root/etc/systemd/system/aami-agent.service"

if [ -z "$root" ] && ! id "$run_as" >/dev/null 2>&1; then
  # Check scripts run as this user, never as root; it owns nothing and cannot log in.
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$run_as"
fi

if [ "$start" = 1 ] && command -v systemctl >/dev/null; then
  systemctl daemon-reload
  systemctl enable --now aami-agent.service
  echo "aami-agent installed and started (agent id $(cat "$etc/agent-id")); logs: journalctl -u aami-agent"
else
  echo "aami-agent installed under ${root:-/} (agent id $(cat "$etc/agent-id")); start it with: systemctl enable --now aami-agent"
fi
