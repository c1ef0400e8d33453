#!/usr/bin/env bash
# shellcheck disable=SC2015  # "A && B || die" is meant: die unless both hold.
# Installs the aami agent on this host (run as root). Self-contained: this script and aami-agent.jar
# are all it needs (the systemd unit and the launcher /usr/bin/aami-agent are embedded below). With
# aami-run beside them too (agent/target/native/aami-run: the one-exec check-run helper, built where
# there is a C compiler) it goes to /usr/libexec/aami/aami-run, where the agent looks for it
# (checks.run_helper); without it the agent starts check runs with setsid, sh, setpriv and env. With
# the aami-agent package installed (it ships this script as /usr/share/aami/install-agent.sh), the
# package's jar, launcher, unit and aami-run are used and left alone: the script writes the
# configuration and the token and starts the agent.
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
  --jar PATH            the agent jar (default: aami-agent.jar beside this script; with the aami-agent
                        package installed, the package's /opt/aami/aami-agent.jar, and --jar is refused)
  --root DIR            install into DIR instead of / (image building, tests): no root needed, no user
                        created, nothing started; the unit is enabled in DIR unless --no-start
  --no-start            install but neither enable nor start the unit (systemd is then not required)
  --uninstall           stop and remove the agent; keeps its identity (/etc/aami/agent-id, /var/lib/aami)
  --purge               with --uninstall: remove the identity, everything under /etc/aami and the
                        launcher's defaults file (/etc/default/aami-agent, /etc/sysconfig/aami-agent) too
aami-run beside this script (the check-run helper, where it was built) is installed as
/usr/libexec/aami/aami-run; a run without it keeps one installed before; --uninstall removes it.
USAGE
}

die() { echo "$prog: $*" >&2; exit 1; }

need_value() { [ $# -ge 2 ] && [ -n "$2" ] && [[ "$2" != --* ]] || { echo "$prog: $1 needs a value" >&2; usage >&2; exit 2; }; }

server="" token_file="" token_stdin=0 pin="" ca_file="" group="" hostname="" run_as="aami" root="" start=1
agent_id="" print_pin=0 uninstall=0 purge=0
labels=()
script_dir="$PWD"
if [[ "${BASH_SOURCE[0]}" == */* ]]; then script_dir="$(cd "${BASH_SOURCE[0]%/*}" && pwd)"; fi
jar="$script_dir/aami-agent.jar" jar_given=0
run_helper="$script_dir/aami-run"
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
    --jar) need_value "$@"; jar="$2"; jar_given=1; shift 2 ;;
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
libexec="$root/usr/libexec/aami"
wants="$units/multi-user.target.wants"

# The aami-agent package (.deb: /lib/systemd/system, .rpm: /usr/lib/systemd/system) owns the jar, the
# launcher and the unit; this script never writes there, so a unit there means the package is installed.
package_unit=""
for u in /lib/systemd/system /usr/lib/systemd/system; do
  if [ -f "$root$u/$unit_name" ]; then package_unit="$u/$unit_name"; break; fi
done

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
  [ -z "$package_unit" ] || die "the aami-agent package is installed ($package_unit): remove it with the package manager" \
    "(apt-get remove aami-agent keeps the identity, apt-get purge aami-agent removes it; dnf remove aami-agent)"
  if [ -z "$root" ] && [ "$start" = 1 ] && systemd_running && [ -e "$units/$unit_name" ]; then
    systemctl disable --now "$unit_name" >/dev/null 2>&1 || systemctl stop "$unit_name" || true
  fi
  rm -f "$units/$unit_name" "$wants/$unit_name" "$opt/aami-agent.jar" "$root/usr/bin/aami-agent" "$etc/agent.yaml" \
    "$etc/bootstrap-token" "$etc/ca.crt" "$libexec/aami-run"
  rm -rf "$root/var/lib/aami-checks"
  for d in "$wants" "$opt" "$libexec"; do if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi; done
  if [ "$purge" = 1 ]; then
    rm -f "$etc/agent-id" "$root/etc/default/aami-agent" "$root/etc/sysconfig/aami-agent"
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

# Java 17+: $JAVA_HOME/bin/java when set, else java on PATH. The launcher looks for java itself when the
# unit starts, on systemd's PATH; when that finds no java or another one than $JAVA_HOME's, JAVA_HOME goes
# into the launcher's defaults file (java_home) so that it runs the one checked here.
java_from_home=0
if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java="$JAVA_HOME/bin/java" java_from_home=1
else
  java="$(command -v java || true)"
fi
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
java_home=""
if [ "$java_from_home" = 1 ]; then
  launcher_java=""
  for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do # systemd's default PATH
    if [ -x "$d/java" ]; then launcher_java="$d/java"; break; fi
  done
  if [ -z "$launcher_java" ] || [ "$(readlink -f "$launcher_java")" != "$(readlink -f "$java")" ]; then
    java_home="${java%/bin/java}"
  fi
fi

if [ -n "$package_unit" ]; then
  [ "$jar_given" = 0 ] || die "the aami-agent package is installed ($package_unit) and provides the jar: upgrade the" \
    "package instead of passing --jar"
  jar="$opt/aami-agent.jar"
fi
[ -f "$jar" ] && [ -r "$jar" ] || die "agent jar $jar not found (use --jar)"
magic=""
IFS= read -r -n 2 magic <"$jar" || true
[ "$magic" = "PK" ] || die "$jar is not a jar file"

# aami-run beside this script, unless the package (which owns /usr/libexec/aami/aami-run) is installed. Run
# once here: one built for another architecture, or not aami-run at all, is refused before anything is
# written, rather than found by the agent at its first check.
install_helper=0
if [ -z "$package_unit" ] && [ -e "$run_helper" ]; then
  [ -f "$run_helper" ] && [ -x "$run_helper" ] || die "$run_helper (the check-run helper aami-run) is not an executable file: chmod 0755 it"
  helper_version="$("$run_helper" --version 2>&1 || true)"
  [[ "$helper_version" == "aami-run "* ]] || die "$run_helper does not run here as aami-run (built for another" \
    "architecture?): '${helper_version%%$'\n'*}'; remove it to install without it (check runs then use setsid, sh, setpriv and env)"
  # A directory there already that others could write would make the agent pass over the helper (it runs
  # it as root only from a path that is root's alone): say so now instead.
  if [ -z "$root" ] && [ -d "$libexec" ] && [ -n "$(find "$libexec" -maxdepth 0 \( ! -user 0 -o -perm /022 \))" ]; then
    die "$libexec is not root's alone (owned by root, not group or world writable), which the agent requires" \
      "before it runs aami-run as root: chown root: $libexec && chmod go-w $libexec"
  fi
  install_helper=1
fi

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
if [ -z "$package_unit" ]; then cp "$jar" "$stage/aami-agent.jar"; fi
if [ "$install_helper" = 1 ]; then cp "$run_helper" "$stage/aami-run"; fi

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

# The unit and the launcher it starts, the same bytes as aami-agent.service and aami-agent shipped beside
# this script (InstallAgentScriptDistTest compares them), so that script and jar are all a host needs.
cat >"$stage/$unit_name" <<'AAMI_UNIT_END'
# aami agent. Installed as /etc/systemd/system/aami-agent.service (install-agent.sh) or
# /usr/lib/systemd/system/aami-agent.service (packages); change it with a drop-in
# (systemctl edit aami-agent), not by editing this file.
#
# The agent runs as root because it starts every check script as the unprivileged checks.run_as user
# (setsid, prlimit, setpriv --reuid/--regid/--init-groups, env -i) inside a cgroup of its own (see
# agent/.../checks/Sandbox). Checks are children of the agent: every mount-namespace, seccomp and
# capability restriction set here reaches them too. So this unit keeps only the hardening no reasonable
# check needs to escape, and says below why each directive is in or out.
[Unit]
Description=aami monitoring agent
Documentation=https://github.com/aami/aami
Wants=network-online.target
After=network-online.target

[Service]
# simple, not exec: RHEL 8's systemd 239 does not know exec. The launcher execs the JVM, so the main
# PID is the JVM either way.
Type=simple
# The launcher finds Java 17+, reads JVM flags from /etc/default/aami-agent (or
# /etc/sysconfig/aami-agent) and execs the JVM, so the JVM is the main PID systemd signals.
# Flags belong in that file, not here, so that running the launcher by hand behaves the same.
ExecStart=/usr/bin/aami-agent --config /etc/aami/agent.yaml
# glibc keeps up to 8 malloc arenas per core, tens of MB resident for the JVM's native threads; 2 is
# plenty (the launcher sets the same default; the defaults file may override it). Checks do not
# inherit it: they start with a cleared environment (env -i).
Environment=MALLOC_ARENA_MAX=2
# Offline-first: never stay down. Exit 2 is a problem only the operator can fix (bad config, Java
# missing or too old); restarting would only repeat it every 5 s, so the unit stays failed instead.
Restart=always
RestartSec=5
RestartPreventExitStatus=2
# The JVM answers SIGTERM with exit status 143 after a clean stop.
SuccessExitStatus=143
# SIGTERM to the JVM only: it stops its loops (within 5 s), kills its running checks and waits up to
# 15 s for them (CheckScheduler), then closes the spools. Whatever is left afterwards, in any of the
# checks' cgroups, gets SIGKILL. 30 s covers that with room; a stop is normally under 2 s.
KillMode=mixed
TimeoutStopSec=30
# Up to probes.max_in_flight (4096) probe sockets plus connections, spool files and check pipes.
# Each check gets its own limit (prlimit --nofile, 256), not this one.
LimitNOFILE=16384
# In: the agent creates a cgroup per check run below its own (pids.max, memory.max, cgroup.kill) and
# on cgroup v2 first moves itself into a leaf "aami-agent" cgroup, which needs the subtree delegated.
# Without it the agent falls back to per-user rlimits (checks.containment: auto) and logs why.
Delegate=yes
# In (full, not strict): /usr, /boot, /efi and /etc are read-only, except /etc/aami (the agent-id file
# is created there when missing). Not strict: checks share this mount namespace and may keep state under
# /var or /var/tmp (plugin state files), and state_dir / checks.work_dir are configurable; strict would
# turn each of those into a read-only-filesystem error at run time. /var/lib/aami and its -checks dir
# are writable under full.
ProtectSystem=full
ReadWritePaths=/etc/aami
# In (read-only): checks may read files in home directories, none has to write there.
ProtectHome=read-only
# In: /proc/sys and /sys become read-only (checks only read them); /sys/fs/cgroup stays writable, as
# systemd exempts it (only ProtectControlGroups would make it read-only).
ProtectKernelTunables=yes
# In: seccomp filters no check needs: realtime scheduling, creating set-uid/set-gid files, changing
# the execution domain.
# (systemd before 242, e.g. RHEL 8's 239, ignores RestrictSUIDSGID with a warning.)
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
# Out: ProtectControlGroups (the agent must create cgroups).
# Out: NoNewPrivileges. setpriv would work under it (dropping root is no gain of privilege), but it is
#   inherited by every check and strips set-uid and file capabilities: plugins such as check_icmp and
#   check_dhcp (set-uid root), ping where it has cap_net_raw as a file capability, and sudo for
#   smartctl or ipmitool would stop working.
# Out: CapabilityBoundingSet. The agent itself needs CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_SYS_RESOURCE, CAP_CHOWN,
#   CAP_FOWNER and CAP_DAC_OVERRIDE, but the bounding set also caps what those set-uid helpers of the
#   checks may get (CAP_NET_RAW, CAP_SYS_RAWIO, CAP_SYS_ADMIN, ...). Narrow it in a drop-in when no check
#   needs them.
# Out: PrivateTmp. Checks would see an empty private /tmp: sockets there (e.g. mysql.sock) and checks
#   on /tmp's contents would fail.
# Out: PrivateDevices, ProtectClock (hides /dev; ProtectClock also blocks adjtimex, which time-sync
#   checks call to read the clock state), ProtectKernelModules (hides /usr/lib/modules, which
#   "reboot needed" checks compare with uname -r), ProtectKernelLogs (dmesg-based checks),
#   ProtectHostname (a private UTS namespace freezes the host name at start, so a name cloud-init sets
#   later would never be reported), ProtectProc=invisible (check_procs would see only its own user).
# Out: RestrictAddressFamilies. The agent itself uses AF_INET, AF_INET6, AF_UNIX and AF_NETLINK
#   (getaddrinfo), but checks also need AF_PACKET (arping, DHCP probes) and others.
# Out: SystemCallFilter, SystemCallArchitectures=native, RestrictNamespaces, MemoryDenyWriteExecute:
#   seccomp filters inherited by checks whose system calls are unknowable (native-only would even break
#   32-bit vendor tools such as RAID controller CLIs); the JVM's JIT needs W+X memory.
# Out: UMask. Checks inherit it; the agent creates its own files with explicit modes (0600/0700).

[Install]
WantedBy=multi-user.target
AAMI_UNIT_END
cat >"$stage/aami-agent" <<'AAMI_LAUNCHER_END'
#!/bin/sh
# aami-agent launcher: finds Java 17 or newer, applies the JVM flags and execs the agent's jar, so
# that under systemd the JVM itself is the unit's main process. Arguments are passed to the agent
# (e.g. --config /etc/aami/agent.yaml). Uses shell builtins only, besides java itself.
#
# Settings, read from the first of /etc/default/aami-agent and /etc/sysconfig/aami-agent that exists
# (AAMI_DEFAULTS_FILE names another file), sourced with every assignment exported:
#   JAVA_HOME   the JDK/JRE to use; else java from PATH
#   JAVA_OPTS   JVM flags, after the defaults below, so a flag here wins (-Xmx256m)
#   AAMI_JAR    the jar; default /opt/aami/aami-agent.jar
#   AAMI_CDS_ARCHIVE  the agent's class-data archive (below); default /var/lib/aami/aami-agent.jsa,
#               empty for none; used only when its directory exists, is root's and only root can
#               write it and the directories above it (the packages' /var/lib/aami is 0700): the
#               JVM maps the archive into the agent, a root process, as its classes
#   AAMI_*      any agent setting as an environment variable (see the README's Configuration)
# Exit status 2: a problem only the operator can fix (the unit does not restart on it).
#
# Default JVM flags, sized for an agent whose live heap is about 15 MB (issue 14: the former
# -Xms16m -Xmx128m G1-less defaults left 156 MB resident with 50 checks and 20 probes):
#   -Xms8m -Xmx64m             start small, bound the heap; 4 MiB bodies and the spool stay far below
#   -XX:+UseSerialGC           one core's worth of work; no GC threads, no per-region bookkeeping
#   -Xss256k                   thread stacks; JSON nesting is capped at 64, no deep recursion
#   -XX:TieredStopAtLevel=1    C1 only: no C2 compiler thread, arena or profiles; the agent is I/O bound
#   -XX:CICompilerCount=1      one compiler thread is enough for C1 on a long-running daemon
#   -XX:ReservedCodeCacheSize=16m  C1 code of the agent fits in a few MB; the default reserves 240 MB
#   -XX:MaxMetaspaceSize=64m   class metadata is about 20 MB; a leak fails fast instead of growing
#   -XX:+ExitOnOutOfMemoryError  a JVM out of memory is not trusted to go on; systemd restarts it
#   -Dsun.net.httpserver.nodelay=true  local API answers leave at once, not ~40 ms later (Nagle)
# and MALLOC_ARENA_MAX=2 (unless set already, by the unit or the defaults file): glibc otherwise
# keeps up to 8 malloc arenas per core, tens of MB resident for a JVM's few native threads.
# Two more where this Java has them (tried with -version first; issue 14, ~3 and ~4 MB resident each):
#   -XX:TrimNativeHeapInterval=5000  hands malloc's freed memory back to the kernel every 5 s
#                              (JDK 17.0.9 and later; a Java without it refuses it, so it is left out)
#   -XX:SharedArchiveFile=AAMI_CDS_ARCHIVE  the agent's ~4,600 classes mapped from an AppCDS archive
#                              instead of parsed into metaspace. The archive is made by the JVM itself
#                              (-XX:ArchiveClassesAtExit) at the end of 'aami-agent --train', a short
#                              offline life the packages' post-install script and install-agent.sh run
#                              (the archive must come from this host's Java), and else when the agent
#                              stops after a life without a usable one (training failed, or a new Java
#                              since). The JVM replaces the file (unlink, then create): a running
#                              agent keeps the archive it mapped. It is
#                              used only once this Java maps it with -Xshare:on for this jar and its
#                              checksums match (-XX:+VerifySharedSpaces: a truncated, damaged or stale
#                              archive fails that and is made again; a JVM mapping a damaged one would
#                              crash), and only in a directory root alone can write (root_only below).
#                              -Xlog:cds=off while recording: the JVM's notes on the classes it leaves
#                              out (JFR events, generated accessors) are not the agent's log.
name=aami-agent
default_opts="-Xms8m -Xmx64m -XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError -Dsun.net.httpserver.nodelay=true"

fail() {
  echo "$name: $*" >&2
  exit 2
}

if [ -n "${AAMI_DEFAULTS_FILE:-}" ]; then
  [ -r "$AAMI_DEFAULTS_FILE" ] || fail "cannot read AAMI_DEFAULTS_FILE $AAMI_DEFAULTS_FILE"
  defaults=$AAMI_DEFAULTS_FILE
elif [ -r "/etc/default/$name" ]; then
  defaults=/etc/default/$name
elif [ -r "/etc/sysconfig/$name" ]; then
  defaults=/etc/sysconfig/$name
else
  defaults=
fi
if [ -n "$defaults" ]; then
  set -a
  . "$defaults" || fail "cannot read $defaults"
  set +a
fi

if [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
  [ -x "$java" ] || fail "JAVA_HOME is $JAVA_HOME but $java is not an executable; fix JAVA_HOME${defaults:+ in $defaults}"
else
  java=$(command -v java) || fail "no java found: install Java 17 or newer, or set JAVA_HOME in /etc/default/$name"
fi

jar=${AAMI_JAR:-/opt/aami/$name.jar}
cds=${AAMI_CDS_ARCHIVE-/var/lib/aami/$name.jsa}
case $cds in
  '' | /*) ;;
  *) fail "AAMI_CDS_ARCHIVE must be an absolute path or empty, not '$cds'" ;;
esac
# root_only DIR: DIR is root's and only root can write it, and every directory above it is root's and
# writable by root only or sticky (/tmp: others cannot replace what root made in it). The JVM maps the
# archive into this root process as its classes, and writes it at exit without O_NOFOLLOW: anywhere a
# local user could plant a file or a symlink, the archive is not used.
root_only() {
  d=$1
  [ -n "$(find "$d" -maxdepth 0 -type d -user 0 ! -perm /022 2>/dev/null)" ] || return 1
  d=${d%/*}
  while [ -n "$d" ]; do
    [ -n "$(find "$d" -maxdepth 0 -type d -user 0 \( ! -perm /022 -o -perm -1000 \) 2>/dev/null)" ] || return 1
    d=${d%/*}
  done
}
# The archive only where only root can write it, next to the agent's state; nowhere when not set up.
if [ -n "$cds" ] && ! root_only "${cds%/*}"; then
  [ ! -d "${cds%/*}/" ] || echo "$name: not using the class archive $cds: its directory or one above it is not root's alone" >&2
  cds=
fi
if [ -n "$cds" ] && { [ -L "$cds" ] || { [ -e "$cds" ] && [ -z "$(find "$cds" -maxdepth 0 -type f -user 0 ! -perm /022)" ]; }; }; then
  echo "$name: not using the class archive $cds: not a regular file of root's alone" >&2
  cds=
fi

# java -version with the given flags, into version_text; a probe that crashes leaves no hs_err or core.
probe() {
  version_text=$("$java" -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash "$@" -version 2>&1)
}
trim=-XX:TrimNativeHeapInterval=5000
share=
# --train (run by the packages' post-install script and install-agent.sh): always record, even over an archive
# this Java could map, so the archive comes from the training life of the jar just installed.
if [ -n "$cds" ] && [ -f "$cds" ] && [ -r "$jar" ] && [ "${1:-}" != --train ]; then
  share=-XX:SharedArchiveFile=$cds
fi
record=${cds:+-XX:ArchiveClassesAtExit=$cds}
# Recorded with checksums, and checked against them before each use: an archive cut short or mixed by two
# JVMs writing it at once, or damaged on disk, passes the header check alone and would crash every start.
verify=-XX:+VerifySharedSpaces
cds_log=
if [ -n "$share" ] && probe $trim "$share" -Xshare:on $verify -cp "$jar"; then
  cds_opt=$share
elif probe $trim; then
  cds_opt=$record cds_log=${record:+-Xlog:cds=off $verify}
elif [ -n "$share" ] && probe "$share" -Xshare:on $verify -cp "$jar"; then
  trim= cds_opt=$share
elif probe; then
  trim= cds_opt=$record cds_log=${record:+-Xlog:cds=off $verify}
else
  fail "$java -version failed: $version_text"
fi
rest=${version_text#* version \"}
[ "$rest" != "$version_text" ] || fail "cannot tell the Java version of $java from: $version_text"
version=${rest%%\"*}
major=${version%%[!0-9]*}
if [ "$major" = 1 ]; then
  rest=${version#1.}
  major=${rest%%[!0-9]*}
fi
[ -n "$major" ] || fail "cannot tell the Java version of $java from: $version_text"
if [ "$major" -lt 17 ]; then
  fail "Java 17 or newer is required, but $java is Java $major ($version); install Java 17+ and put it first on PATH, or set JAVA_HOME in /etc/default/$name"
fi

[ -r "$jar" ] || fail "cannot read the jar $jar; install it there or set AAMI_JAR${defaults:+ in $defaults}"
unset AAMI_JAR AAMI_DEFAULTS_FILE AAMI_CDS_ARCHIVE
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
export MALLOC_ARENA_MAX

# JAVA_OPTS is split on spaces on purpose: one flag per word.
# shellcheck disable=SC2086
exec "$java" $default_opts $trim ${cds_opt:+"$cds_opt"} $cds_log ${JAVA_OPTS:-} -jar "$jar" "$@"
AAMI_LAUNCHER_END

# The launcher's defaults file, only when it would not find the Java checked above by itself: then
# JAVA_HOME is set there (any other line of an existing file is kept). The file is the first one the
# launcher reads when one exists, else /etc/sysconfig on RHEL-family hosts (which have /etc/default too),
# else /etc/default.
if [ -e "$root/etc/default/aami-agent" ]; then
  defaults_dir="$root/etc/default"
elif [ -e "$root/etc/sysconfig/aami-agent" ] || [ -d "$root/etc/sysconfig" ]; then
  defaults_dir="$root/etc/sysconfig"
else
  defaults_dir="$root/etc/default"
fi
defaults="$defaults_dir/aami-agent" defaults_mode=644
if [ -n "$java_home" ]; then
  printf -v java_home_line "JAVA_HOME='%s'" "${java_home//\'/\'\\\'\'}"
  if [ -f "$defaults" ]; then
    defaults_mode="$(stat -c %a "$defaults")"
    found=0
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?JAVA_HOME= ]]; then
        if [ "$found" = 0 ]; then printf '%s\n' "$java_home_line"; fi
        found=1
      else
        printf '%s\n' "$line"
      fi
    done <"$defaults" >"$stage/defaults"
    if [ "$found" = 0 ]; then printf '%s\n' "$java_home_line" >>"$stage/defaults"; fi
  else
    {
      echo "# Settings for the aami-agent launcher (/usr/bin/aami-agent; its header lists them)."
      echo "# install-agent.sh checked this Java; java on systemd's PATH is another one or missing."
      printf '%s\n' "$java_home_line"
    } >"$stage/defaults"
  fi
fi

# ---------------------------------------------------------------------------------------------------
# 3. Commit: only what differs; every replaced file is kept in the staging directory until the end, and a
# failure puts it back, removes what was new and the directories made, and deletes a user just created.
mkdir -m 0700 "$stage/backup"
placed=() backups=() made_dirs=() changed=0 unit_changed=0 jar_changed=0 placed_now=0 user_created=0 committing=0

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

place() { # place STAGED DEST MODE: atomically (a temporary beside DEST, then a rename); placed_now=1 if it wrote
  local src="$1" dest="$2" mode="$3" backup=""
  placed_now=0
  if same_file "$src" "$dest" "$mode"; then return 0; fi
  if [ -e "$dest" ] || [ -L "$dest" ]; then
    backup="$stage/backup/${#placed[@]}"
    cp -p "$dest" "$backup"
  fi
  placed+=("$dest"); backups+=("$backup")
  install -m "$mode" "$src" "$dest.aami-new"
  mv -fT "$dest.aami-new" "$dest"
  changed=1 placed_now=1
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
if [ -z "$package_unit" ]; then
  ensure_dir "$opt" 0755
  ensure_dir "$units" 0755
fi
if [ -f "$stage/agent-id" ]; then place "$stage/agent-id" "$etc/agent-id" 644; fi
place "$stage/bootstrap-token" "$etc/bootstrap-token" 600
if [ -f "$stage/ca.crt" ]; then place "$stage/ca.crt" "$etc/ca.crt" 644; fi
# 0600: the agent runs as root and the file may hold api.token; check scripts (--run-as) must not read it.
place "$stage/agent.yaml" "$etc/agent.yaml" 600
if [ -z "$package_unit" ]; then
  place "$stage/aami-agent.jar" "$opt/aami-agent.jar" 644
  jar_changed=$placed_now
  ensure_dir "$root/usr/bin" 0755
  place "$stage/aami-agent" "$root/usr/bin/aami-agent" 755
fi
if [ "$install_helper" = 1 ]; then
  # Root's alone (0755, made by root), as the agent requires of checks.run_helper and every directory above
  # it before it runs it as root.
  ensure_dir "$libexec" 0755
  place "$stage/aami-run" "$libexec/aami-run" 755
fi
if [ -f "$stage/defaults" ]; then
  ensure_dir "$defaults_dir" 0755
  place "$stage/defaults" "$defaults" "$defaults_mode"
fi
enabled_unit="$package_unit"
if [ -z "$package_unit" ]; then
  place "$stage/$unit_name" "$units/$unit_name" 644
  unit_changed=$placed_now
  enabled_unit="/etc/systemd/system/$unit_name"
fi
# The agent's class archive from a short offline life of the jar just placed, on this host's Java, as the
# packages' post-install script makes it (aami-agent --train: loopback only, a temporary directory): on a host
# only (an image's Java is not this one), when the jar is new or no archive is there. Failing costs only that the
# agent records the archive at its first stop.
if [ -z "$root" ] && [ -z "$package_unit" ] && { [ "$jar_changed" = 1 ] || [ ! -e "$state/aami-agent.jsa" ]; }; then
  timeout 120 /usr/bin/aami-agent --train >/dev/null 2>&1 \
    || echo "$prog: no class archive made now; the agent records it at its first stop" >&2
fi

if [ -n "$root" ]; then
  # An image: enabled as 'systemctl enable' would, by the link in multi-user.target.wants; started at boot.
  if [ "$start" = 1 ] && [ ! -L "$wants/$unit_name" ]; then
    ensure_dir "$wants" 0755
    ln -s "$enabled_unit" "$wants/$unit_name"
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
