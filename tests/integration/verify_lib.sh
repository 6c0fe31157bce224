# Sourced by the verify_*.sh tests: a tiny C project in $SCRATCH/src whose
# cache entries the tests can name (entries_since) and swap (poison), to
# make a hit restore bytes its real run would not write.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
unset EDGECACHE_VERIFY EDGECACHE_VERIFY_IGNORE || true

SRC=$SCRATCH/src
mkdir -p "$SRC"
cat >"$SRC/a.c" <<'C'
int alpha(int x) { return x * 3 + 1; }
C
cat >"$SRC/b.c" <<'C'
static const char table[] = "a different translation unit, a different object";
int beta(int i) { return table[i % (int)sizeof table] + 7; }
C

# result_entries: the result entries in the local cache, sorted.
result_entries() { mkdir -p "$EDGECACHE_DIR"; find "$EDGECACHE_DIR" -name 'r-*' -type f | sort; }

# entries_since <file listing earlier entries>: the entries added since.
entries_since() { comm -13 "$1" <(result_entries); }

# poison ENTRY_A ENTRY_B: swaps the two entries' bytes, so each key now
# answers with the other step's (well-formed) result.
poison() {
  local tmp=$SCRATCH/swap
  cp "$1" "$tmp" && cp "$2" "$1" && cp "$tmp" "$2"
}

# counter NAME: one stats counter (0 when absent).
counter() { stat_value "$1"; }
