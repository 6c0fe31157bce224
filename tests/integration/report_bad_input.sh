# edgecache report on bad input: a clear message on stderr, a non-zero exit
# status, and no page written.
source "$(dirname "$0")/lib.sh"
E=$EDGECACHE_BIN

# expect_refused NAME BUILD-DIR MESSAGE: report fails with MESSAGE, writes nothing.
expect_refused() {
  local status=0
  "$E" report "$2" --output "$SCRATCH/$1.html" >"$SCRATCH/$1.out" 2>"$SCRATCH/$1.err" || status=$?
  [ "$status" -ne 0 ] || fail "$1: exit status 0"
  grep -F -- "$3" "$SCRATCH/$1.err" >/dev/null || fail "$1: message '$(cat "$SCRATCH/$1.err")', expected '$3'"
  [ ! -s "$SCRATCH/$1.out" ] || fail "$1: printed $(cat "$SCRATCH/$1.out")"
  [ ! -e "$SCRATCH/$1.html" ] && [ ! -e "$2/.edgecache/last-run.html" ] || fail "$1: a page was written"
  echo "   $1: $(cat "$SCRATCH/$1.err")"
}

# record NAME TEXT: a build dir whose run record is TEXT.
record() {
  mkdir -p "$SCRATCH/$1/.edgecache"
  printf '%s\n' "$2" >"$SCRATCH/$1/.edgecache/last-run.json"
}

GOOD_EDGE='{"output": "a.o", "rule": "CXX", "input_key": "", "result": "ran", "success": true, "detail": "", "duration_ms": 1, "saved_ms": 0}'
TOTALS='{"edges": 1, "local_hits": 0, "remote_hits": 0, "ran": 1, "uncached": 0, "failed": 0, "saved_ms": 0}'
HEAD='"start": "2024-01-01T00:00:00Z", "end": "2024-01-01T00:00:01Z"'

note "usage errors exit 2"
status=0; "$E" report >/dev/null 2>&1 || status=$?
expect_eq "$status" 2 "report without a build dir"
status=0; "$E" report "$SCRATCH" --output >/dev/null 2>&1 || status=$?
expect_eq "$status" 2 "report with --output and no file"

note "bad build dirs and records are refused"
expect_refused missing_dir "$SCRATCH/no-such-build" "is not a directory"
mkdir -p "$SCRATCH/empty"
expect_refused no_record "$SCRATCH/empty" "no run record at $SCRATCH/empty/.edgecache/last-run.json"
record not_json '{"version": 1, "start": '
expect_refused not_json "$SCRATCH/not_json" "not JSON"
record wrong_version "{\"version\": 2, $HEAD, \"totals\": $TOTALS, \"edges\": [$GOOD_EDGE]}"
expect_refused wrong_version "$SCRATCH/wrong_version" "version 2 (this edgecache reads version 1)"
record no_totals "{\"version\": 1, $HEAD, \"edges\": [$GOOD_EDGE]}"
expect_refused no_totals "$SCRATCH/no_totals" 'no "totals" object'
record edge_no_output "{\"version\": 1, $HEAD, \"totals\": $TOTALS, \"edges\": [{\"rule\": \"CXX\"}]}"
expect_refused edge_no_output "$SCRATCH/edge_no_output" 'edge 0: no "output"'
record bad_result "{\"version\": 1, $HEAD, \"totals\": $TOTALS, \"edges\": [${GOOD_EDGE/\"ran\"/\"maybe\"}]}"
expect_refused bad_result "$SCRATCH/bad_result" 'edge 0: unknown result "maybe"'
record negative "{\"version\": 1, $HEAD, \"totals\": $TOTALS, \"edges\": [${GOOD_EDGE/\"duration_ms\": 1/\"duration_ms\": -1}]}"
expect_refused negative "$SCRATCH/negative" 'edge 0: "duration_ms" not a non-negative integer'

note "the same record, well formed, is accepted"
record good "{\"version\": 1, $HEAD, \"totals\": $TOTALS, \"edges\": [$GOOD_EDGE]}"
"$E" report "$SCRATCH/good" >/dev/null || fail "a good record was refused"
[ -s "$SCRATCH/good/.edgecache/last-run.html" ] || fail "no page for a good record"
echo "PASS"
