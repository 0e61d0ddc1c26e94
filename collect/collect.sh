#!/bin/sh
# clawtrail @VERSION@ evidence collector (POSIX sh; needs only: docker, sha256sum, sed, tr, date, hostname)
# usage: sh collect.sh PROJECT OUT_DIR [SINCE]        e.g. sh collect.sh openclaw bundle 48h
# Plain sh cannot compute clawtrail's keyed fingerprints, so the values of secret-named variables (TOKEN, PASSWORD,
# SECRET, API_KEY, COOKIE) are withheld (clawtrail-withheld) and MANIFEST.json says so; token= values in URLs and
# logs are redacted. `clawtrail verify` and `clawtrail analyze` read the bundle this script writes.
set -u
PROJECT="${1:?usage: sh collect.sh PROJECT OUT_DIR [SINCE]}"
OUT="${2:?usage: sh collect.sh PROJECT OUT_DIR [SINCE]}"
SINCE="${3:-48h}"
mkdir -p "$OUT/docker" "$OUT/logs" "$OUT/compose" || exit 1
ENTRIES="$OUT/.entries"
: > "$ENTRIES"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
json() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr '\n\r\t' '   '; }
WITHHOLD='s/(^|[^A-Za-z0-9_])([A-Za-z0-9_]*(TOKEN|PASSWORD|SECRET|API_KEY|COOKIE)[A-Za-z0-9_]*=)[^",[:space:]]*/\1\2clawtrail-withheld/g'
REDACT='s/([?#&;/ ](token|access_token|auth_token|gateway_token)=)[^&[:space:]"#;\\]*/\1[REDACTED]/g'
FAILED=0
MERGE=0
# run REL CMD...: the command's stdout, filtered, becomes OUT/REL; its exit code, stderr and times go to the manifest.
# With MERGE=1, stderr is part of the output (docker logs: the container's stderr lines), sorted back by stamp.
run() {
  rel="$1"; shift
  start=$(now)
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
  [ "$code" -eq 0 ] || FAILED=1
  sed -E -e "$WITHHOLD" -e "$REDACT" "$OUT/.raw" > "$OUT/$rel"
  end=$(now)
  sum=$(sha256sum "$OUT/$rel" | cut -d' ' -f1)
  size=$(wc -c < "$OUT/$rel" | tr -d ' ')
  printf '{"path":"%s","command":"%s","exit_code":%s,"stderr":"%s","started":"%s","ended":"%s","sha256":"%s","size":%s}\n' \
    "$rel" "$(json "$*")" "$code" "$(json "$(head -c 2000 "$OUT/.stderr")")" "$start" "$end" "$sum" "$size" >> "$ENTRIES"
}
IDS=$(docker ps -a -q --no-trunc --filter "label=com.docker.compose.project=$PROJECT")
[ -n "$IDS" ] || { echo "no container of compose project $PROJECT" >&2; exit 3; }
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
# shellcheck disable=SC2086
run "docker/inspect-$STAMP.json" docker inspect $IDS
for id in $IDS; do
  name=$(docker inspect --format '{{.Name}}' "$id" | sed 's#^/##')
  MERGE=1
  run "logs/$name.log" docker logs -t --since "$SINCE" "$id"
  MERGE=0
done
run docker/events.jsonl docker events --since "$SINCE" --until "$(now)" --format '{{json .}}' --filter "label=com.docker.compose.project=$PROJECT"
run docker/version.json docker version --format '{{json .}}'
run docker/info.json docker info --format '{{json .}}'
first=$(echo "$IDS" | head -n 1)
WORKDIR=$(docker inspect --format '{{index .Config.Labels "com.docker.compose.project.working_dir"}}' "$first")
FILES=$(docker inspect --format '{{index .Config.Labels "com.docker.compose.project.config_files"}}' "$first" | tr ',' ' ')
for f in $FILES .env; do
  case "$f" in /*) p="$f" ;; *) p="$WORKDIR/$f" ;; esac
  [ -f "$p" ] && run "compose/$(basename "$p")" cat "$p"
done
rm -f "$OUT/.stderr" "$OUT/.raw"
{
  printf '{"collector":"clawtrail @VERSION@ (collect.sh)","host":"%s","project":"%s","since":"%s","collected_at":"%s",\n' \
    "$(json "$(hostname)")" "$(json "$PROJECT")" "$(json "$SINCE")" "$(now)"
  printf '"secrets":"withheld: plain sh cannot compute the keyed fingerprints; values of secret-named variables are clawtrail-withheld",\n"files":[\n'
  sed '$!s/$/,/' "$ENTRIES"
  printf ']}\n'
} > "$OUT/MANIFEST.json"
rm -f "$ENTRIES"
echo "bundle written to $OUT"
[ "$FAILED" -eq 0 ] || exit 3
