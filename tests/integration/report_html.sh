# edgecache report renders the run record of a cold and of a warm build of
# examples/hello in a real headless Chromium: summary counts, one timeline
# bar per edge, the misses' table; and escapes hostile text.
source "$(dirname "$0")/report_lib.sh"
ensure_chromium
SRC=$SCRATCH/src BUILD=$SCRATCH/build
copy_example "$SRC"

note "cold build: 0/8 from cache, 8 bars that ran, 8 rows of misses"
configure_wrapped "$SRC" "$BUILD"
build_wrapped "$BUILD"
page=$("$EDGECACHE_BIN" report "$BUILD")
expect_eq "$page" "$BUILD/.edgecache/last-run.html" "printed page path"
rendered_dom "$page" "$SCRATCH/cold.dom"
expect_contains "$SCRATCH/cold.dom" "0/8 edges from cache"
expect_eq "$(count_in "$SCRATCH/cold.dom" 'class="bar ')" 8 "timeline bars (cold)"
expect_eq "$(count_in "$SCRATCH/cold.dom" 'class="bar ran"')" 8 "bars that ran (cold)"
expect_eq "$(count_in "$SCRATCH/cold.dom" '<td class="path">')" 8 "rows of misses (cold)"
screenshot "$page" "$SCRATCH/cold.png"

note "warm rebuild: 8/8 from cache, 8 local-hit bars, no misses"
rm -rf "$BUILD"
configure_wrapped "$SRC" "$BUILD"
build_wrapped "$BUILD"
"$EDGECACHE_BIN" report "$BUILD" --output "$SCRATCH/warm.html" >"$SCRATCH/warm.out"
expect_eq "$(cat "$SCRATCH/warm.out")" "$SCRATCH/warm.html" "printed --output path"
rendered_dom "$SCRATCH/warm.html" "$SCRATCH/warm.dom"
expect_contains "$SCRATCH/warm.dom" "8/8 edges from cache"
expect_contains "$SCRATCH/warm.dom" "8 local hits, 0 remote hits, 0 ran, 0 uncached, 0 failed"
expect_eq "$(count_in "$SCRATCH/warm.dom" 'class="bar local-hit"')" 8 "local-hit bars (warm)"
expect_contains "$SCRATCH/warm.dom" "every edge came from the cache"
screenshot "$SCRATCH/warm.html" "$SCRATCH/warm.png"
# REPORT_KEEP_DIR: keep the pages and screenshots to look at (the scratch dir goes).
if [ -n "${REPORT_KEEP_DIR:-}" ]; then cp "$SCRATCH"/*.png "$SCRATCH"/*.html "$REPORT_KEEP_DIR"/; fi

note "hostile output paths and details are text, never markup"
mkdir -p "$SCRATCH/hostile/.edgecache"
cat >"$SCRATCH/hostile/.edgecache/last-run.json" <<'JSON'
{"version": 1, "start": "2024-01-01T00:00:00Z", "end": "2024-01-01T00:00:01Z",
 "totals": {"edges": 1, "local_hits": 0, "remote_hits": 0, "ran": 1, "uncached": 0, "failed": 0, "saved_ms": 0},
 "edges": [{"output": "<img src=x onerror=\"document.title='pwned'\">&a'b", "rule": "<i>rule</i>",
            "input_key": "", "result": "ran", "success": true, "detail": "<b>no manifest</b> & \"more\"",
            "start_ms": 5, "duration_ms": 10, "saved_ms": 0}]}
JSON
"$EDGECACHE_BIN" report "$SCRATCH/hostile" >/dev/null
rendered_dom "$SCRATCH/hostile/.edgecache/last-run.html" "$SCRATCH/hostile.dom"
for tag in '<img' '<b>' '<i>'; do
  if grep -F -- "$tag" "$SCRATCH/hostile.dom" >/dev/null; then fail "$tag became markup"; fi
done
expect_contains "$SCRATCH/hostile.dom" '&lt;b&gt;no manifest&lt;/b&gt; &amp; "more"'
expect_contains "$SCRATCH/hostile.dom" "<title>edgecache run"
echo "PASS"
