#!/usr/bin/env bash
# Options: --skip-cache builds as plain ninja (no lookups, nothing stored, no
# summary); --no-remote ignores a configured remote (a dead one costs no
# warning); without it the dead remote gives one warning line and the build
# goes on; exclude_rules keeps the named rules (shell patterns) uncached.
source "$(dirname "$0")/ninja_cache_common.sh"

wrapped=$WORK/wrapped
configure_hello "$wrapped" "$WRAPPER"
before=$(cached_objects)
"$WRAPPER" -C "$wrapped" --skip-cache >"$WORK/skip.log" 2>&1 || { cat "$WORK/skip.log" >&2; fail "--skip-cache build failed"; }
[ "$(cached_objects)" = "$before" ] || fail "--skip-cache stored entries"
grep '^edgecache' "$WORK/skip.log" >/dev/null && fail "--skip-cache printed a cache line"
[ -e "$wrapped/.edgecache/last-run.json" ] && fail "--skip-cache wrote a run record"
[ "$(tool_runs)" = 7 ] || fail "--skip-cache did not run the tools"

# A remote nobody listens on (port 9 on 127.0.0.1: discard, closed here).
export EDGECACHE_REMOTE=http://127.0.0.1:9/cache
rm -rf "$wrapped"
configure_hello "$wrapped" "$WRAPPER"
"$WRAPPER" -C "$wrapped" --no-remote >"$WORK/noremote.log" 2>&1 || { cat "$WORK/noremote.log" >&2; fail "--no-remote build failed"; }
grep '^edgecache: warning' "$WORK/noremote.log" >/dev/null && { cat "$WORK/noremote.log" >&2; fail "--no-remote still talked to the remote"; }
expect_summary "$WORK/noremote.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
expect_outcomes "--no-remote" "$wrapped" "$(each_step ran $HELLO_EDGES)"
rm -rf "$wrapped"
configure_hello "$wrapped" "$WRAPPER"
"$WRAPPER" -C "$wrapped" >"$WORK/deadremote.log" 2>&1 || { cat "$WORK/deadremote.log" >&2; fail "a dead remote broke the build"; }
expect_summary "$WORK/deadremote.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
expect_outcomes "a dead remote" "$wrapped" "$(each_step local-hit $HELLO_EDGES)"
warnings=$(grep -c '^edgecache: warning' "$WORK/deadremote.log" || true)
[ "$warnings" -le 1 ] || { cat "$WORK/deadremote.log" >&2; fail "$warnings warning lines for one dead remote"; }
unset EDGECACHE_REMOTE

# exclude_rules: the archive rule (by pattern) and the custom command run
# every time; the record says why.
export EDGECACHE_EXCLUDE_RULES='CUSTOM_COMMAND:CXX_STATIC_LIBRARY_LINKER__*'
rm -rf "$wrapped"
configure_hello "$wrapped" "$WRAPPER"
build_log "$wrapped" "$WORK/exclude.log"
expect_summary "$WORK/exclude.log" "edgecache: 6/8 edges from cache (6 local, 0 remote), 2 ran"
expect_outcomes "excluded rules" "$wrapped" \
  "generated/version.h=uncached libgreet.a=uncached $(each_step local-hit $HELLO_COMPILES hello)"
grep '^ar ' "$TOOL_LOG" >/dev/null || fail "the excluded archive rule did not run"
[ "$(record_value "$wrapped" "sorted(e['output'] for e in d['edges'] if e['result']=='uncached' and e['reason']=='excluded-rule' and e['detail'].startswith('not cached: its rule is excluded'))")" = "['generated/version.h', 'libgreet.a']" ] ||
  fail "record does not show the two excluded edges"
echo "PASS"
