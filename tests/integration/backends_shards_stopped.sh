# One of three nginx servers stopped in the middle of a launcher build: the
# build goes on with every object right and one warning naming that server;
# the other two keep serving (they receive the uploads of the compiles after
# the stop), and a teammate then misses only the compiles that have an
# object on (or meant for) the stopped server.
source "$(dirname "$0")/backends_lib.sh"
start_three_nginx
REMOTE="$URL1 $URL2 $URL3"

cat >"$SCRATCH/stop.sh" <<STOP
find "$SCRATCH/n1/data" "$SCRATCH/n3/data" -type f | wc -l >"$SCRATCH/live-before-stop"
bash "$FIXTURES/nginx_fixture.sh" stop "$SCRATCH/n2"
STOP
# 16 compiles per library: a compile after the stop touches server 2 with a
# chance of about 5/9 (its manifest or its result lives there), so the 3
# failures that switch a server off for every process come surely.
two_checkouts
for dir in "$A" "$B"; do rm -rf "$dir"; killer_project "$dir" "bash $SCRATCH/stop.sh" 16; done

note "A builds; server 2 stops after the first library"
launcher_build "$A" "$SCRATCH/cache-a" "$REMOTE" 1
[ ! -f "$SCRATCH/n2/nginx.pid" ] || fail "server 2 was not stopped"
expect_outcomes "A" "$A.decisions" "$(each_step ran one_{1..16}.c.o two_{1..16}.c.o)"
expect_eq "$(remote_warnings "$A.log")" 1 "remote warnings in A's build"
grep "edgecache: warning: .*$URL2.*only this server is switched off" "$A.log" >/dev/null ||
  fail "the warning does not name server 2: $(grep warning "$A.log")"
live_after=$(( $(objects_on n1) + $(objects_on n3) ))
echo "live servers: $(cat "$SCRATCH/live-before-stop") objects at the stop, $live_after after the build"
[ "$live_after" -gt "$(cat "$SCRATCH/live-before-stop")" ] || fail "the live servers got nothing after the stop"
plain_build "$A" "$A/build-plain"
same_objects "$A/build-plain" "$A/build"

note "B, with server 2 still down: it misses exactly the compiles with an object on server 2"
# A compile is a remote hit for B when both its manifest (input key) and its
# result are on a live server; A's step history names both keys, per object.
expected=$(python3 - "$SCRATCH/cache-a/history" "$SCRATCH/n1/data" "$SCRATCH/n3/data" <<'PY'
import glob, json, os, sys
live = {os.path.basename(f) for d in sys.argv[2:] for f in glob.glob(d + "/**/*", recursive=True)}
for f in glob.glob(sys.argv[1] + "/*/*.json"):
    history = json.load(open(f))
    run = history["runs"][0]
    # The identity is "<tree>:<path in the build tree>" (step_history.h).
    print(history["identity"].split(":", 1)[-1] + "=" + ("remote-hit" if run["input"] in live and run["result"] in live else "ran"))
PY
)
launcher_build "$B" "$SCRATCH/cache-b" "$REMOTE" 1
hits=$(grep -c ': hit remote' "$B.decisions" || true)
echo "B: $hits remote hits of 32 ($(grep -c remote-hit <<<"$expected") compiles have both objects on the live servers)"
expect_outcomes "B, server 2 down" "$B.decisions" "$expected"
[ "$hits" -ge 1 ] || fail "B got no remote hit with two of three servers up"
expect_eq "$(remote_warnings "$B.log")" 1 "remote warnings in B's build"
echo "PASS"
