#!/usr/bin/env bash
# action.yml's check step: runs `auditor check` with the inputs, writes the reports to
# INPUT_OUTPUT, the Markdown to the job summary, and these step outputs:
#   exit_code   auditor's exit code
#   fail-with   what the last step (Verdict) exits with: 0 lets the job pass
#   report-dir, sarif, markdown, html, junit, json   the files written ('' if not)
# It fails itself only when the inputs are wrong (exit 2): the verdict waits until the
# cache is saved. Every input arrives in an environment variable; none is evaluated.
set -euo pipefail

bin_dir="${AUDITOR_BIN_DIR:-}"
auditor="${bin_dir:+$bin_dir/}auditor"
python="${bin_dir:+$bin_dir/}python"
[ -n "$bin_dir" ] || python=python3
out_dir="${INPUT_OUTPUT:-auditor-report}"
outputs="${GITHUB_OUTPUT:-/dev/null}"

error() {
  echo "::error title=auditor::$1"
  exit 2
}

for flag in "fail=${INPUT_FAIL:-true}" "summary=${INPUT_SUMMARY:-true}" "cache=${INPUT_CACHE:-false}"; do
  case "${flag#*=}" in
    true | false) ;;
    *) error "${flag%%=*} must be true or false, not '${flag#*=}'" ;;
  esac
done

# The arguments as a shell would split them (quotes honoured), without a shell: no
# $(...), no globbing, no variables. auditor expands its own globs.
words=$(mktemp)
trap 'rm -f "$words"' EXIT
if ! problem=$("$python" -c '
import shlex, sys
try:
    words = shlex.split(sys.argv[1])
except ValueError as exc:
    sys.exit(str(exc))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("".join(word + "\0" for word in words))
' "${INPUT_ARGS-.}" "$words" 2>&1); then
  error "args: $problem"
fi
args=()
while IFS= read -r -d '' word; do
  args+=("$word")
done <"$words"

# Which reports: one variable per kind (no associative arrays: macOS's bash is 3.2).
sarif="" markdown="" html="" junit="" json=""
formats="${INPUT_FORMAT:-sarif,markdown}"
[ "${INPUT_SUMMARY:-true}" = false ] || formats="$formats,markdown"
for name in ${formats//,/ }; do
  case "$name" in
    sarif) sarif="$out_dir/links.sarif" ;;
    markdown | md) markdown="$out_dir/links.md" ;;
    html) html="$out_dir/links.html" ;;
    junit | xml) junit="$out_dir/links.xml" ;;
    json) json="$out_dir/links.json" ;;
    *) error "format: '$name' is not one of sarif, markdown, html, junit, json" ;;
  esac
done

command=("$auditor" check --no-progress)
for file in "$sarif" "$markdown" "$html" "$junit" "$json"; do
  [ -z "$file" ] || command+=(-o "$file")
done
if [ "${INPUT_CACHE:-false}" = true ]; then
  cache_file="${AUDITOR_CACHE_FILE:?AUDITOR_CACHE_FILE is not set}"
  mkdir -p "$(dirname "$cache_file")"
  command+=(--cache --cache-file "$cache_file")
fi
command+=(${args[@]+"${args[@]}"}) # bash 3.2: an empty array is "unbound" under set -u

# Documents and pages are strangers' text: no line of auditor's output may act as a
# workflow command (::add-mask::, ::error::, ...) while it runs.
token="auditor-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
echo "::stop-commands::$token"
set +e
"${command[@]}"
code=$?
set -e
echo "::$token::"

case "$code" in
  0) fail=0 ;;
  1 | 3) if [ "${INPUT_FAIL:-true}" = true ]; then fail=$code; else fail=0; fi ;;
  *) fail=$code ;; # bad input or a bug: never green
esac
level=$([ "$fail" -eq 0 ] && echo warning || echo error)
case "$code" in
  0) ;;
  1) echo "::$level title=auditor::some references fail (exit 1): see the job summary or the reports in $out_dir" ;;
  3) echo "::$level title=auditor::the runner has no network (exit 3): nothing was judged dead" ;;
  2) echo "::error title=auditor::bad input or configuration (exit 2): see the log above" ;;
  *) echo "::error title=auditor::auditor check exited $code: see the log above" ;;
esac

if [ "${INPUT_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$markdown" ]; then
  cat "$markdown" >>"$GITHUB_STEP_SUMMARY"
fi

{
  echo "exit_code=$code"
  echo "fail-with=$fail"
  echo "report-dir=$out_dir"
  for kind in sarif markdown html junit json; do
    file="${!kind}"
    [ -n "$file" ] && [ -f "$file" ] || file=""
    echo "$kind=$file"
  done
} >>"$outputs"
