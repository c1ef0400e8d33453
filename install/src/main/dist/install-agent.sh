#!/usr/bin/env bash
# shellcheck disable=SC2015  # "A && B || die" is meant: die unless both hold.
# Installs the aami agent on this host (run as root). Self-contained: this script and aami-agent.jar
# are all it needs (the systemd unit is written by the script).
#   install-agent.sh --server config.example.com:8443 --token-file /root/aami-token --ca-pin sha256:<64 hex>
#   printf '%s\n' "$TOKEN" | install-agent.sh --server config.example.com:8443 --token - --ca-pin sha256:<64 hex>
#   install-agent.sh --uninstall [--purge]
#
# The token is never taken as a command-line value: arguments are visible to every local user (ps,
# /proc/*/cmdline) and land in shell history. It is read from the file or standard input by shell
# builtins and written (0600) without passing through any command's arguments.
#
# Order of work, so that a failure leaves the host as it was:
#   1. check every prerequisite (root, systemd, Java 17+, the jar, the token, the agent id, the server
#      and its CA) and write nothing;
#   2. build every file in a staging directory;
#   3. move into place only the files that differ (a second run changes nothing), then enable and start
#      the unit. A failure in step 3 puts back what was there before.
set -euo pipefail
umask 022

prog=install-agent.sh
unit_name=aami-agent.service
uuid_re='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

usage() {
  cat <<'USAGE'
usage: install-agent.sh --server HOST:PORT (--token-file FILE | --token - | --token-stdin)
                        (--ca-pin sha256:HEX | --ca-file FILE) [--group-id UUID] [--label key=value]...
                        [--agent-id UUID] [--hostname NAME] [--run-as USER] [--jar PATH] [--root DIR] [--no-start]
       install-agent.sh --uninstall [--purge] [--root DIR] [--no-start]
       install-agent.sh --print-pin --server HOST:PORT
  --token-file FILE     read the bootstrap token from FILE (its first line)
  --token - | --token-stdin
                        read the bootstrap token from standard input (its first line)
  --ca-pin sha256:HEX   trust the server's CA with this SHA-256 ('aami-config-server ca pin'); checked now
  --ca-file FILE        trust this CA certificate (PEM), copied to /etc/aami/ca.crt; checked now (--ca-cert is the same)
  --agent-id UUID       the host's identity (e.g. pre-registered with Terraform); refused if the host already
                        has a different one (--uninstall --purge first to give it a new identity)
  --jar PATH            the agent jar (default: aami-agent.jar beside this script)
  --root DIR            install into DIR instead of / (image building, tests): no root needed, no user
                        created, nothing started; the unit is enabled in DIR unless --no-start
  --no-start            install but neither enable nor start the unit (systemd is then not required)
  --uninstall           stop and remove the agent; keeps its identity (/etc/aami/agent-id, /var/lib/aami)
  --purge               with --uninstall: remove the identity and everything under /etc/aami too
USAGE
}

die() { echo "$prog: $*" >&2; exit 1; }

need_value() { [ $# -ge 2 ] && [ -n "$2" ] && [[ "$2" != --* ]] || { echo "$prog: $1 needs a value" >&2; usage >&2; exit 2; }; }

server="" token_file="" token_stdin=0 pin="" ca_file="" group="" hostname="" run_as="aami" root="" start=1
agent_id="" print_pin=0 uninstall=0 purge=0
labels=()
script_dir="$PWD"
if [[ "${BASH_SOURCE[0]}" == */* ]]; then script_dir="$(cd "${BASH_SOURCE[0]%/*}" && pwd)"; fi
jar="$script_dir/aami-agent.jar"
while [ $# -gt 0 ]; do
  case "$1" in
    --server) need_value "$@"; server="$2"; shift 2 ;;
    --token)
      # A value here is already in the process list and the shell history: refuse it rather than spread it.
      if [ "${2-}" != "-" ]; then
        echo "$prog: --token takes no value on the command line (any local user can read it from the process" \
             "list, and it stays in shell history); use --token-file FILE or --token - (standard input), and consider" \
             "revoking the token you typed" >&2
        exit 2
      fi
      token_stdin=1; shift 2 ;;
    --token-stdin) token_stdin=1; shift ;;
    --token-file) need_value "$@"; token_file="$2"; shift 2 ;;
    --ca-pin) need_value "$@"; pin="$2"; shift 2 ;;
    --ca-file|--ca-cert) need_value "$@"; ca_file="$2"; shift 2 ;;
    --group-id) need_value "$@"; group="$2"; shift 2 ;;
    --label) need_value "$@"; labels+=("$2"); shift 2 ;;
    --hostname) need_value "$@"; hostname="$2"; shift 2 ;;
    --run-as) need_value "$@"; run_as="$2"; shift 2 ;;
    --agent-id) need_value "$@"; agent_id="$2"; shift 2 ;;
    --jar) need_value "$@"; jar="$2"; shift 2 ;;
    --root) need_value "$@"; root="$2"; shift 2 ;;
    --no-start) start=0; shift ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    --print-pin) print_pin=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$prog: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -n "$root" ]; then
  case "$root" in /*) ;; *) root="$PWD/$root" ;; esac
  root="${root%/}"
  [ -n "$root" ] || die "--root / is the host itself: leave --root out"
fi
etc="$root/etc/aami" state="$root/var/lib/aami" opt="$root/opt/aami" units="$root/etc/systemd/system"
wants="$units/multi-user.target.wants"

work=""
cleanup_work() { if [ -n "$work" ]; then rm -rf "$work"; fi; }
trap cleanup_work EXIT

# The SHA-256 of the first certificate in a PEM file, in hex: base64 and sha256sum are in coreutils on
# every distribution, so no openssl is needed.
pem_pin() {
  local line b64="" inside=0 hex
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    case "$line" in
      "-----BEGIN CERTIFICATE-----") inside=1 ;;
      "-----END CERTIFICATE-----") [ "$inside" = 0 ] || break ;;
      *) [ "$inside" = 0 ] || b64+="$line" ;;
    esac
  done <"$1"
  [ -n "$b64" ] || return 1
  read -r hex _ < <(printf '%s' "$b64" | base64 -d 2>/dev/null | sha256sum) || return 1
  [[ "$hex" =~ ^[0-9a-f]{64}$ ]] || return 1
  printf 'sha256:%s\n' "$hex"
}

require_tool() { command -v "$1" >/dev/null 2>&1 || die "$1 is needed ($2); install it (apt-get install $1 / dnf install $1)"; }

curl_opts=(--silent --show-error --fail --connect-timeout 5 --max-time 20 --proto "=https")

# --print-pin: a first look at a server's pin (unverified: compare it with 'ca pin' on the server).
if [ "$print_pin" = 1 ]; then
  [ -n "$server" ] || { usage >&2; exit 2; }
  require_tool curl "to fetch the CA"
  work="$(mktemp -d)"
  curl "${curl_opts[@]}" --insecure -o "$work/ca.pem" "https://$server/api/v1/ca" || die "could not fetch the CA from https://$server/api/v1/ca"
  fetched="$(pem_pin "$work/ca.pem")" || die "https://$server/api/v1/ca did not answer with a PEM certificate"
  echo "$fetched"
  echo "This pin was fetched without verification: compare it with 'aami-config-server ca pin' on the server." >&2
  exit 0
fi

systemd_running() { command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; }

check_root() {
  if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then die "run as root (or use --root DIR to build a tree elsewhere)"; fi
}

# ---------------------------------------------------------------------------------------------------
# --uninstall: removes what install wrote; the identity (id and the agent's credentials) only with --purge.
if [ "$uninstall" = 1 ]; then
  check_root
  if [ -z "$root" ] && [ "$start" = 1 ] && systemd_running && [ -e "$units/$unit_name" ]; then
    systemctl disable --now "$unit_name" >/dev/null 2>&1 || systemctl stop "$unit_name" || true
  fi
  rm -f "$units/$unit_name" "$wants/$unit_name" "$opt/aami-agent.jar" "$etc/agent.yaml" "$etc/bootstrap-token" "$etc/ca.crt"
  rm -rf "$root/var/lib/aami-checks"
  for d in "$wants" "$opt"; do if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi; done
  if [ "$purge" = 1 ]; then
    rm -f "$etc/agent-id"
    rm -rf "$state"
    if [ -d "$etc" ]; then rmdir "$etc" 2>/dev/null || echo "$prog: kept $etc: it holds files this script did not write" >&2; fi
  fi
  if [ -z "$root" ] && [ "$start" = 1 ] && systemd_running; then systemctl daemon-reload; fi
  if [ "$purge" = 1 ]; then
    echo "aami-agent removed, identity included (delete its target on the server: DELETE /api/v1/targets/{id})"
  else
    echo "aami-agent removed; its identity is kept in $etc/agent-id and $state (--purge removes them)"
  fi
  exit 0
fi
[ "$purge" = 0 ] || die "--purge goes with --uninstall"

# ---------------------------------------------------------------------------------------------------
# 1. Prerequisites. Nothing below writes until "2. Staging".
[ -n "$server" ] || { usage >&2; exit 2; }
[[ "$server" =~ ^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$ ]] \
  || die "--server must be HOST:PORT (got '$server')"
check_root
if [ "$start" = 1 ] && [ -z "$root" ]; then
  systemd_running || die "systemd is not running here (no /run/systemd/system); use --no-start and start the agent yourself"
fi

# Java 17+: $JAVA_HOME/bin/java when set, else java on PATH; the unit runs that same binary.
if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java="$(command -v java || true)"; fi
[ -n "$java" ] || die "Java 17 or later is needed and none was found (set JAVA_HOME, or install openjdk-17-jre-headless" \
  "on Debian/Ubuntu, java-17-openjdk-headless on RHEL-family hosts)"
case "$java" in /*) ;; *) java="$PWD/$java" ;; esac
java_version="$("$java" -version 2>&1 || true)"
java_major=0
if [[ "$java_version" =~ version\ \"([0-9]+)(\.([0-9]+))? ]]; then
  java_major="${BASH_REMATCH[1]}"
  if [ "$java_major" = 1 ]; then java_major="${BASH_REMATCH[3]:-0}"; fi
fi
[ "$java_major" -ge 17 ] || die "Java 17 or later is needed; $java is '${java_version%%$'\n'*}' (set JAVA_HOME to a newer one)"

[ -f "$jar" ] && [ -r "$jar" ] || die "agent jar $jar not found (use --jar)"
magic=""
IFS= read -r -n 2 magic <"$jar" || true
[ "$magic" = "PK" ] || die "$jar is not a jar file"

[ "$token_stdin" = 1 ] || [ -n "$token_file" ] || die "give --token-file FILE or --token - (token on standard input)"
[ "$token_stdin" = 0 ] || [ -z "$token_file" ] || die "give one of --token-file and --token -, not both"
token=""
if [ "$token_stdin" = 1 ]; then
  IFS= read -r token || [ -n "$token" ] || die "no token on standard input"
else
  [ -f "$token_file" ] && [ -r "$token_file" ] || die "token file $token_file is not a readable file"
  IFS= read -r token <"$token_file" || [ -n "$token" ] || die "token file $token_file is empty"
fi
token="${token%$'\r'}"
case "$token" in
  "" | *[[:space:][:cntrl:]]*) die "the bootstrap token must be one line without spaces (as 'token create' prints it)" ;;
esac

[ -n "$pin" ] || [ -n "$ca_file" ] || die "give --ca-pin (from 'aami-config-server ca pin') or --ca-file"
[ -z "$pin" ] || [ -z "$ca_file" ] || die "give one of --ca-pin and --ca-file, not both"
if [ -n "$pin" ]; then
  pin="${pin,,}"; pin="sha256:${pin#sha256:}"
  [[ "$pin" =~ ^sha256:[0-9a-f]{64}$ ]] || die "--ca-pin must be sha256: and 64 hex digits (as 'aami-config-server ca pin' prints it)"
fi
if [ -n "$ca_file" ]; then
  [ -f "$ca_file" ] && [ -r "$ca_file" ] || die "CA file $ca_file is not a readable file"
  pem_pin "$ca_file" >/dev/null || die "CA file $ca_file holds no PEM certificate"
  case "$ca_file" in /*) ;; *) ca_file="$PWD/$ca_file" ;; esac
fi
if [ -n "$group" ]; then [[ "$group" =~ $uuid_re ]] || die "--group-id must be a UUID (got '$group')"; group="${group,,}"; fi
[[ "$run_as" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--run-as must be a user name (got '$run_as')"
if [ -n "$hostname" ]; then
  [[ "$hostname" =~ ^[A-Za-z0-9._-]{1,253}$ ]] || die "--hostname must be a host name (got '$hostname')"
fi
declare -A seen_labels=()
for l in "${labels[@]+"${labels[@]}"}"; do
  key="${l%%=*}"
  [[ "$l" == *=* ]] && [[ "$key" =~ ^[A-Za-z0-9_][A-Za-z0-9_./-]{0,62}$ ]] \
    || die "--label must be key=value with a key of 1-63 letters, digits, _ . - / (got '$l')"
  value="${l#*=}"
  [ ${#value} -le 256 ] && [[ "$value" != *[[:cntrl:]]* ]] || die "--label $key: the value must be at most 256 printable characters"
  [ -z "${seen_labels[$key]+x}" ] || die "--label $key is given twice"
  seen_labels[$key]=1
done

# The identity: kept when present (cloud-init or Terraform may have written it); --agent-id must agree.
existing_id=""
if [ -e "$etc/agent-id" ]; then
  read -r existing_id <"$etc/agent-id" || true
  [[ "$existing_id" =~ $uuid_re ]] || die "$etc/agent-id does not hold a UUID; fix or remove it deliberately, it is the host's identity"
  existing_id="${existing_id,,}"
fi
if [ -n "$agent_id" ]; then
  [[ "$agent_id" =~ $uuid_re ]] || die "--agent-id must be a UUID (got '$agent_id')"
  agent_id="${agent_id,,}"
  if [ -n "$existing_id" ] && [ "$existing_id" != "$agent_id" ]; then
    die "this host already has agent id $existing_id ($etc/agent-id), and the credentials in $state belong to it;" \
      "to give it a new identity run '$prog --uninstall --purge' first"
  fi
fi

create_user=0
if [ -z "$root" ] && ! id "$run_as" >/dev/null 2>&1; then
  require_tool useradd "to create the user '$run_as' that check scripts run as"
  create_user=1
fi

# The server: reachable, and its CA the one given. TLS with the pinned or given CA and the host name in
# --server, as the agent will connect, so a name missing from the server's certificate shows up now.
require_tool curl "to check the server before installing"
work="$(mktemp -d)"
if [ -n "$pin" ]; then
  curl "${curl_opts[@]}" --insecure -o "$work/ca.pem" "https://$server/api/v1/ca" 2>"$work/curl.err" \
    || die "cannot reach the config-server at https://$server: $(<"$work/curl.err")"
  fetched="$(pem_pin "$work/ca.pem")" || die "https://$server/api/v1/ca did not answer with a PEM certificate"
  [ "$fetched" = "$pin" ] || die "refused: the server at $server has CA pin $fetched, not $pin (wrong server, or a" \
    "man in the middle; check with 'aami-config-server ca pin' on the server)"
  trusted="$work/ca.pem"
else
  trusted="$ca_file"
fi
curl "${curl_opts[@]}" --cacert "$trusted" -o /dev/null "https://$server/api/v1/ca" 2>"$work/curl.err" \
  || die "the server at https://$server is not reachable with the given CA (its certificate must chain to that CA" \
    "and name '${server%:*}'): $(<"$work/curl.err")"

# ---------------------------------------------------------------------------------------------------
# 2. Staging: every file complete, with its mode, before anything is touched.
yaml_str() { local s="${1//\\/\\\\}"; printf '"%s"' "${s//\"/\\\"}"; }

stage="$work/stage"
mkdir -m 0700 "$stage"
new_id="$existing_id"
if [ -z "$new_id" ]; then
  if [ -n "$agent_id" ]; then
    new_id="$agent_id"
  elif command -v uuidgen >/dev/null 2>&1; then
    new_id="$(uuidgen)"
  else
    read -r new_id </proc/sys/kernel/random/uuid
  fi
  new_id="${new_id,,}"
  [[ "$new_id" =~ $uuid_re ]] || die "could not make an agent id (uuidgen said '$new_id')"
  printf '%s\n' "$new_id" >"$stage/agent-id"
fi

# Builtins only (printf): the token never becomes an argument of a child process.
( umask 077; printf '%s\n' "$token" >"$stage/bootstrap-token" )
token=""
if [ -n "$ca_file" ]; then cp "$ca_file" "$stage/ca.crt"; fi
cp "$jar" "$stage/aami-agent.jar"

{
  echo "# Written by install-agent.sh; a rerun with other options rewrites it."
  echo "server:"
  echo "  address: $(yaml_str "$server")"
  echo "  bootstrap_token_file: \"/etc/aami/bootstrap-token\""
  echo "  tls:"
  echo "    enabled: true"
  if [ -n "$pin" ]; then echo "    ca_cert_sha256: \"$pin\""; else echo "    ca_cert: \"/etc/aami/ca.crt\""; fi
  echo "agent:"
  echo "  id_file: \"/etc/aami/agent-id\""
  echo "  state_dir: \"/var/lib/aami\""
  if [ -n "$hostname" ]; then echo "  hostname: $(yaml_str "$hostname")"; fi
  if [ -n "$group" ]; then echo "  group_id: \"$group\""; fi
  if [ ${#labels[@]} -gt 0 ]; then
    echo "  labels:"
    for l in "${labels[@]}"; do echo "    $(yaml_str "${l%%=*}"): $(yaml_str "${l#*=}")"; done
  fi
  echo "checks:"
  echo "  run_as: \"$run_as\""
  echo "logging:"
  echo "  format: json"
} >"$stage/agent.yaml"

# The unit. Root, so that check scripts can be run as the unprivileged checks.run_as user with limits;
# the hardening keeps that possible (no NoNewPrivileges, no PrivateUsers, no dropped capabilities).
cat >"$stage/$unit_name" <<UNIT
# Written by install-agent.sh
[Unit]
Description=aami monitoring agent
Documentation=https://github.com/aami/aami
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart=$java -Xmx128m -XX:+UseSerialGC -jar /opt/aami/aami-agent.jar --config /etc/aami/agent.yaml
Restart=always
RestartSec=5
# The JVM answers SIGTERM with exit status 143 after a clean stop.
SuccessExitStatus=143
TimeoutStopSec=20
KillMode=mixed
LimitNOFILE=65536
ProtectSystem=full
ProtectHome=read-only
PrivateTmp=true
ReadWritePaths=/var/lib/aami /etc/aami

[Install]
WantedBy=multi-user.target
UNIT

# ---------------------------------------------------------------------------------------------------
# 3. Commit: only what differs; every replaced file is kept in the staging directory until the end, and a
# failure puts it back, removes what was new and the directories made, and deletes a user just created.
mkdir -m 0700 "$stage/backup"
placed=() backups=() made_dirs=() changed=0 unit_changed=0 user_created=0 committing=0

rollback() {
  local i
  echo "$prog: failed; restoring the previous state" >&2
  for ((i = ${#placed[@]} - 1; i >= 0; i--)); do
    rm -f "${placed[$i]}.aami-new" || true
    if [ -n "${backups[$i]}" ]; then mv -fT "${backups[$i]}" "${placed[$i]}" || true; else rm -f "${placed[$i]}" || true; fi
  done
  for ((i = ${#made_dirs[@]} - 1; i >= 0; i--)); do rmdir "${made_dirs[$i]}" 2>/dev/null || true; done
  if [ "$user_created" = 1 ]; then userdel "$run_as" >/dev/null 2>&1 || true; fi
}
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ] && [ "$committing" = 1 ]; then rollback; fi
  cleanup_work
  exit "$rc"
}
trap on_exit EXIT

ensure_dir() { # ensure_dir DIR MODE: makes DIR and its missing parents, remembering them for a rollback
  local d="$1" missing=()
  while [ -n "$d" ] && [ ! -d "$d" ]; do missing=("$d" "${missing[@]+"${missing[@]}"}"); d="${d%/*}"; done
  for d in "${missing[@]+"${missing[@]}"}"; do mkdir -m 0755 "$d"; made_dirs+=("$d"); changed=1; done
  if [ ${#missing[@]} -gt 0 ]; then chmod "$2" "$1"; fi
}

same_file() { # same_file STAGED DEST MODE
  [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2" && [ "$(stat -c %a "$2")" = "$3" ] \
    && { [ -n "$root" ] || [ "$(stat -c %u:%g "$2")" = 0:0 ]; }
}

place() { # place STAGED DEST MODE: atomically (a temporary beside DEST, then a rename)
  local src="$1" dest="$2" mode="$3" backup=""
  if same_file "$src" "$dest" "$mode"; then return 0; fi
  if [ -e "$dest" ] || [ -L "$dest" ]; then
    backup="$stage/backup/${#placed[@]}"
    cp -p "$dest" "$backup"
  fi
  placed+=("$dest"); backups+=("$backup")
  install -m "$mode" "$src" "$dest.aami-new"
  mv -fT "$dest.aami-new" "$dest"
  changed=1
}

committing=1
if [ "$create_user" = 1 ]; then
  # Check scripts run as this user, never as root; it owns nothing and cannot log in.
  nologin=/usr/sbin/nologin
  for s in /usr/sbin/nologin /sbin/nologin /bin/false; do if [ -x "$s" ]; then nologin="$s"; break; fi; done
  useradd --system --no-create-home --home-dir /nonexistent --shell "$nologin" "$run_as"
  user_created=1 changed=1
fi
ensure_dir "$etc" 0755
ensure_dir "$state" 0700
ensure_dir "$opt" 0755
ensure_dir "$units" 0755
if [ -f "$stage/agent-id" ]; then place "$stage/agent-id" "$etc/agent-id" 644; fi
place "$stage/bootstrap-token" "$etc/bootstrap-token" 600
if [ -f "$stage/ca.crt" ]; then place "$stage/ca.crt" "$etc/ca.crt" 644; fi
place "$stage/agent.yaml" "$etc/agent.yaml" 644
place "$stage/aami-agent.jar" "$opt/aami-agent.jar" 644
before="$changed"
place "$stage/$unit_name" "$units/$unit_name" 644
[ "$changed" = "$before" ] || unit_changed=1

if [ -n "$root" ]; then
  # An image: enabled as 'systemctl enable' would, by the link in multi-user.target.wants; started at boot.
  if [ "$start" = 1 ] && [ ! -L "$wants/$unit_name" ]; then
    ensure_dir "$wants" 0755
    ln -s "/etc/systemd/system/$unit_name" "$wants/$unit_name"
    placed+=("$wants/$unit_name"); backups+=("")
    changed=1
  fi
  committing=0
  echo "aami-agent installed under $root (agent id $new_id)$([ "$changed" = 1 ] || echo '; nothing changed')"
elif [ "$start" = 1 ]; then
  was_active=0
  if systemctl is-active --quiet "$unit_name"; then was_active=1; fi
  if [ "$unit_changed" = 1 ]; then systemctl daemon-reload; fi
  systemctl enable --now --quiet "$unit_name"
  committing=0
  if [ "$was_active" = 1 ] && [ "$changed" = 1 ]; then systemctl try-restart "$unit_name"; fi
  echo "aami-agent installed and started (agent id $new_id)$([ "$changed" = 1 ] || echo '; nothing changed'); logs: journalctl -u aami-agent"
else
  committing=0
  echo "aami-agent installed (agent id $new_id)$([ "$changed" = 1 ] || echo '; nothing changed'); start it with: systemctl enable --now aami-agent"
fi
