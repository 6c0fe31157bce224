# One cache on three nginx servers (EDGECACHE_REMOTE='a b c'): keys are
# spread over all three, a teammate gets every compile through them (launcher
# and edgecache-ninja), connect and doctor check each server, and the same
# list works from edgecache.json.
source "$(dirname "$0")/backends_lib.sh"
start_three_nginx
REMOTE="$URL1 $URL2|timeout=5000 $URL3"

note "connect checks each server"
(cd "$SCRATCH" && "$EDGECACHE_BIN" connect "$REMOTE" >"$SCRATCH/connect.log") || { cat "$SCRATCH/connect.log"; fail "connect failed"; }
expect_eq "$(grep -c "read it back *ok" "$SCRATCH/connect.log")" 3 "servers read back by connect"
grep -F "\"remote\": \"$REMOTE\"" "$SCRATCH/edgecache.json" >/dev/null || fail "edgecache.json: $(cat "$SCRATCH/edgecache.json")"

note "teammate case through three servers"
teammate_case "$REMOTE"
for n in n1 n2 n3; do
  count=$(objects_on $n)
  echo "$n holds $count objects"
  [ "$count" -gt 0 ] || fail "server $n holds no object"
  done
dups=$(find "$SCRATCH"/n[123]/data -type f -printf '%f\n' | sort | uniq -d)
[ -z "$dups" ] || fail "objects on more than one server: $dups"

note "doctor checks each server, from edgecache.json"
(cd "$SCRATCH" && "$EDGECACHE_BIN" doctor >"$SCRATCH/doctor.log" 2>&1) || fail "doctor: $(cat "$SCRATCH/doctor.log")"
expect_eq "$(grep -c "remote read it back" "$SCRATCH/doctor.log")" 3 "servers checked by doctor"
echo "PASS"
