#!/bin/sh
# clawtrail @VERSION@ evidence collector (POSIX sh; needs only: docker, sha256sum, sed, grep, find, tr, date, hostname)
# usage: sh collect.sh PROJECT OUT_DIR [SINCE]        e.g. sh collect.sh openclaw bundle 48h
# (also uses tar, cut and gzip, present on any host that runs docker)
# Plain sh cannot compute clawtrail's keyed fingerprints, so the values of secret-named variables and keys (TOKEN,
# PASSWORD, SECRET, API_KEY, COOKIE, FINGERPRINT_KEY), --token arguments and Authorization header values are withheld
# (clawtrail-withheld) and MANIFEST.json says so; token= values in URLs and logs are redacted. The git history of the
# compose folder is left out (rewriting it needs more than sh; the manifest says so). `clawtrail verify` and
# `clawtrail analyze` read the bundle this script writes.
set -u
PROJECT="${1:?usage: sh collect.sh PROJECT OUT_DIR [SINCE]}"
OUT="${2:?usage: sh collect.sh PROJECT OUT_DIR [SINCE]}"
SINCE="${3:-48h}"
mkdir -p "$OUT/docker" "$OUT/logs" "$OUT/compose" || exit 1
ENTRIES="$OUT/.entries"
: > "$ENTRIES"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
json() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr '\n\r\t' '   '; }
# Every file passes through these rules (sed -E, one per line): secret-named variables and keys (env, YAML, JSON),
# --token arguments (flow and block sequences), Authorization headers, then token= in URLs.
SCRUB="$OUT/.scrub.sed"
# BEGIN GENERATED secret rules: case/secret-rules.ts (npm run gen:secret-rules); do not edit
cat > "$SCRUB" <<'RULES'
s/((^|[?#&;/[:space:]])([A-Za-z0-9]+[_.-])*(token|password|passwd|pwd|api_?key|apikey|key|secret|sig|signature|session|sessionid|session_id|credential)=)[^&[:space:]"#;\\]+/\1[REDACTED]/gI
s/((gateway token|token)[[:space:]]*[:=][[:space:]]*["']?)[A-Za-z0-9_.-]{16,}/\1[REDACTED]/gI
s/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/[REDACTED]/g
s/(^|[^A-Za-z0-9_-])((gh[pousr]_[A-Za-z0-9]{36})|(github_pat_[A-Za-z0-9_]{22,})|((AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})|(AIza[0-9A-Za-z_-]{35})|(xox[abposr]-[0-9A-Za-z-]{10,})|([srp]k_(live|test)_[0-9A-Za-z]{10,})|(sk-[A-Za-z0-9_-]{20,}))/\1[REDACTED]/g
s/(^|[^0-9A-Za-z])[0-9a-fA-F]{48}([^0-9A-Za-z]|$)/\1[REDACTED]\2/g
s/([A-Za-z][A-Za-z0-9+.-]*:\/\/[^[:space:]:@"']+:)[^@[:space:]"']+@/\1[REDACTED]@/g
s/((^|[^A-Za-z0-9_.?&#;/-])["']?([A-Za-z0-9_.-]*(token|secret|passw(or)?d|passphrase|credential|api[_-]?key|private[_-]?key|access[_-]?key|secret[_-]?key|cookie)([_.-][A-Za-z0-9_.-]*)?|([A-Za-z0-9]+[_.-])*(key|keys|pass|pwd)([_.-][A-Za-z0-9]+)*)["']?[[:space:]]*[=:][[:space:]]*(["']))[^"'$\\][^"'\\]*/\1clawtrail-withheld/gI
s/((^|[^A-Za-z0-9_.?&#;/-])([A-Za-z0-9_.-]*(token|secret|passw(or)?d|passphrase|credential|api[_-]?key|private[_-]?key|access[_-]?key|secret[_-]?key|cookie)([_.-][A-Za-z0-9_.-]*)?|([A-Za-z0-9]+[_.-])*(key|keys|pass|pwd)([_.-][A-Za-z0-9]+)*)[[:space:]]*[=:][[:space:]]*)[^[:space:]"',&\\{($][^[:space:]"',&\\]*/\1clawtrail-withheld/gI
s/((^|[^A-Za-z0-9_])(password|passwd|passphrase)[[:space:]]+)[^[:space:]"'(]*[0-9!@#$%^&*+=~_][^[:space:]"']*/\1[REDACTED]/gI
s/(--([A-Za-z0-9]+-)*(token|password|passwd|pass|pwd|secret|api-?key|apikey|key)(=|[[:space:]]+|",[[:space:]]*"|',[[:space:]]*'))[^[:space:]"'\\$][^[:space:]"'\\]*/\1clawtrail-withheld/gI
/^[[:space:]]*- "?--(token|password)"?[[:space:]]*$/{n;s/^([[:space:]]*- ).*$/\1clawtrail-withheld/;}
s/((proxy-)?authorization["']?([[:space:]]*[:=][[:space:]]*|[[:space:]]+)["']?(bearer|basic|token|digest|negotiate|apikey)[[:space:]]+)[^[:space:]"';\\,]+/\1clawtrail-withheld/gI
s/(bearer[[:space:]]+)[A-Za-z0-9._~+/=-]{8,}/\1clawtrail-withheld/gI
RULES
# END GENERATED secret rules
FAILED=0
MERGE=0
POST=
# run REL CMD...: the command's stdout, scrubbed, becomes OUT/REL; its exit code, stderr and times go to the manifest.
# With MERGE=1, stderr is part of the output (docker logs: the container's stderr lines), sorted back by stamp.
# With POST set, the output is filtered by that command first (grep of the lines that concern the project).
run() {
  rel="$1"; shift
  start=$(now)
  mkdir -p "$(dirname "$OUT/$rel")"
  if [ "${MERGE:-0}" = 1 ]; then
    "$@" > "$OUT/.unsorted" 2>&1
    code=$?
    sort "$OUT/.unsorted" > "$OUT/.raw"
    rm -f "$OUT/.unsorted"
    : > "$OUT/.stderr"
  else
    "$@" > "$OUT/.raw" 2> "$OUT/.stderr"
    code=$?
  fi
  if [ -n "$POST" ]; then
    $POST < "$OUT/.raw" > "$OUT/.filtered"
    mv "$OUT/.filtered" "$OUT/.raw"
  fi
  [ "$code" -eq 0 ] || FAILED=1
  sed -E -f "$SCRUB" "$OUT/.raw" > "$OUT/$rel"
  end=$(now)
  sum=$(sha256sum "$OUT/$rel" | cut -d' ' -f1)
  size=$(wc -c < "$OUT/$rel" | tr -d ' ')
  printf '{"path":"%s","command":"%s","exit_code":%s,"stderr":"%s","started":"%s","ended":"%s","sha256":"%s","size":%s}\n' \
    "$rel" "$(json "$*")" "$code" "$(json "$(head -c 2000 "$OUT/.stderr")")" "$start" "$end" "$sum" "$size" >> "$ENTRIES"
}
# note WHAT WHY: a manifest entry without a file (something deliberately not taken)
note() {
  at=$(now)
  printf '{"path":null,"command":"%s","exit_code":0,"stderr":"%s","started":"%s","ended":"%s"}\n' "$(json "$1")" "$(json "$2")" "$at" "$at" >> "$ENTRIES"
}
IDS=$(docker ps -a -q --no-trunc --filter "label=com.docker.compose.project=$PROJECT")
[ -n "$IDS" ] || { echo "no container of compose project $PROJECT" >&2; exit 3; }
echo "$IDS" > "$OUT/.ids"
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
# shellcheck disable=SC2086
run "docker/inspect-$STAMP.json" docker inspect $IDS
for id in $IDS; do
  name=$(docker inspect --format '{{.Name}}' "$id" | sed 's#^/##')
  short=$(printf '%s' "$id" | cut -c1-12)
  MERGE=1
  run "logs/$name-$short.log" docker logs -t --since "$SINCE" "$id"
  MERGE=0
done
# the gateway's own file log lives inside OpenClaw containers (/tmp/openclaw) and dies with them: docker cp, regular
# files of that name only (a symlink planted there is never followed)
for id in $IDS; do
  what=$(docker inspect --format '{{.Config.Image}} {{index .Config.Labels "com.docker.compose.service"}}' "$id")
  case "$what" in *openclaw*|*gateway*) ;; *) continue ;; esac
  rm -rf "$OUT/.cp" && mkdir -p "$OUT/.cp/x"
  if docker cp "$id:/tmp/openclaw" - > "$OUT/.cp/cp.tar" 2> "$OUT/.cp/err" && tar -xf "$OUT/.cp/cp.tar" -C "$OUT/.cp/x" --no-same-owner 2>/dev/null; then
    for f in "$OUT/.cp/x/openclaw/"openclaw-*.log; do
      [ -f "$f" ] && [ ! -h "$f" ] && run "gateway-files/$id/$(basename "$f")" cat "$f"
    done
  else
    note "docker cp $id:/tmp/openclaw" "no file log taken: $(head -c 300 "$OUT/.cp/err")"
  fi
  rm -rf "$OUT/.cp"
done
UNTIL=$(now)
run docker/events.jsonl docker events --since "$SINCE" --until "$UNTIL" --format '{{json .}}' --filter "label=com.docker.compose.project=$PROJECT"
# volumes carry no project label: keep the volume events that name a container of the project (mount, unmount)
POST="grep -F -f $OUT/.ids"
run docker/volume-events.jsonl docker events --since "$SINCE" --until "$UNTIL" --format '{{json .}}' --filter type=volume
POST=
run docker/version.json docker version --format '{{json .}}'
run docker/info.json docker info --format '{{json .}}'
first=$(echo "$IDS" | head -n 1)
WORKDIR=$(docker inspect --format '{{index .Config.Labels "com.docker.compose.project.working_dir"}}' "$first")
FILES=$(docker inspect --format '{{index .Config.Labels "com.docker.compose.project.config_files"}}' "$first" | tr ',' ' ')
FARGS=
for f in $FILES .env; do
  case "$f" in /*) p="$f" ;; *) p="$WORKDIR/$f" ;; esac
  [ "$f" = .env ] || FARGS="$FARGS -f $p"
  [ -f "$p" ] && run "compose/$(basename "$p")" cat "$p"
done
# what compose itself says: ps and the resolved config (the plugin, else docker-compose v1)
COMPOSE=
if docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"; elif command -v docker-compose >/dev/null 2>&1; then COMPOSE=docker-compose; fi
if [ -n "$COMPOSE" ] && [ -d "$WORKDIR" ]; then
  # shellcheck disable=SC2086
  run compose/compose-ps.txt $COMPOSE -p "$PROJECT" $FARGS --project-directory "$WORKDIR" ps -a
  # shellcheck disable=SC2086
  run compose/resolved-config.yaml $COMPOSE -p "$PROJECT" $FARGS --project-directory "$WORKDIR" config
else
  note "docker compose ps / config" "no compose CLI or no compose folder on this host"
fi
# OpenClaw's state from the state mount
docker inspect --format '{{range .Mounts}}{{if eq .Destination "/home/node/.openclaw"}}{{.Source}}{{"\n"}}{{end}}{{end}}' $IDS | grep -v '^$' | sort -u > "$OUT/.states"
n=0
while read -r src; do
  n=$((n + 1))
  dir=state; [ "$n" -gt 1 ] && dir="state$n"
  for rel in openclaw.json openclaw.json.last-good openclaw.json.bak devices/paired.json devices/pending.json logs/config-audit.jsonl; do
    [ -r "$src/$rel" ] && run "$dir/$rel" cat "$src/$rel"
  done
done < "$OUT/.states"
# the reverse proxy's configs and logs, through the mounts of proxy containers (by image or by mount path); by file
# name only, never keys or certificates
for id in $IDS; do
  image=$(docker inspect --format '{{.Config.Image}}' "$id")
  name=$(docker inspect --format '{{.Name}}' "$id" | sed 's#^/##')
  docker inspect --format '{{range .Mounts}}{{.Source}}|{{.Destination}}{{"\n"}}{{end}}' "$id" | grep -v '^$' > "$OUT/.mounts"
  proxy=no
  case "$image" in *nginx*|*openresty*|*caddy*|*traefik*|*haproxy*|*envoy*) proxy=yes ;; esac
  grep -Eq '\|/(etc/(nginx|caddy|traefik|envoy|haproxy)|usr/local/etc/haproxy|var/log/(nginx|caddy|traefik|haproxy|envoy))(/|$)' "$OUT/.mounts" && proxy=yes
  [ "$proxy" = yes ] || continue
  while IFS='|' read -r src dest; do
    [ -e "$src" ] || continue
    find "$src" -maxdepth 4 -type f \( -name '*.conf' -o -name Caddyfile -o -name '*.caddyfile' -o -name caddy.json \
      -o -name 'traefik*.yml' -o -name 'traefik*.yaml' -o -name 'traefik*.toml' -o -name 'dynamic*.yml' -o -name 'dynamic*.yaml' \
      -o -name haproxy.cfg -o -name 'envoy*.yaml' -o -name 'envoy*.yml' -o -name 'envoy*.json' \
      -o -name '*.log' -o -name '*.log.[0-9]*' -o -name 'access.log*' -o -name 'error.log*' \) \
      ! -name '*.key' ! -name '*.pem' ! -name '*.crt' 2>/dev/null | sort > "$OUT/.found"
    while read -r f; do
      rel="proxy/$name$dest${f#"$src"}"
      case "$f" in
        *.gz) run "${rel%.gz}" gzip -dc "$f" ;;
        *) run "$rel" cat "$f" ;;
      esac
    done < "$OUT/.found"
  done < "$OUT/.mounts"
done
if command -v git >/dev/null 2>&1 && [ -d "$WORKDIR" ] && git -C "$WORKDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  note "git history of $WORKDIR" "left out: its revisions hold secrets in clear and plain sh cannot rewrite them; use clawtrail collect on a host with Node for a scrubbed git bundle"
fi
rm -f "$OUT/.stderr" "$OUT/.raw" "$OUT/.ids" "$OUT/.states" "$OUT/.mounts" "$OUT/.found" "$SCRUB"
{
  printf '{"collector":"clawtrail @VERSION@ (collect.sh)","host":"%s","project":"%s","since":"%s","collected_at":"%s",\n' \
    "$(json "$(hostname)")" "$(json "$PROJECT")" "$(json "$SINCE")" "$(now)"
  printf '"secrets":"withheld: plain sh cannot compute the keyed fingerprints; values of secret-named variables and keys, --token arguments and Authorization headers are clawtrail-withheld",\n"files":[\n'
  sed '$!s/$/,/' "$ENTRIES"
  printf ']}\n'
} > "$OUT/MANIFEST.json"
rm -f "$ENTRIES"
echo "bundle written to $OUT"
[ "$FAILED" -eq 0 ] || exit 3
