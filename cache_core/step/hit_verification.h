#pragma once
// Checking cache hits against real runs (`edgecache-ninja --verify`,
// EDGECACHE_VERIFY for the launcher): on a sampled hit the real command runs
// as well, and the outputs it leaves on disk are compared byte for byte, with
// its exit status, to what the entry restored. The real outputs are kept; a
// difference is reported, never silently accepted, unless the user named the
// output in `verify_ignore`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edgecache/cache_key.h"
#include "edgecache/entry.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/step_cache.h"

namespace edgecache {

// How much to verify: the setting "verify" / EDGECACHE_VERIFY / --verify=.
struct VerifyMode {
  double fraction = 0;  // share of hits re-run, 0 (off) to 1 (every hit)
  bool strict = false;  // a mismatch makes the build (or the compile) fail
  bool enabled() const { return fraction > 0; }
};

// "" / "0" / "off" / "false": off; "1" / "on" / "true" / "all": every hit;
// "0.05": that fraction; "strict": every hit, and mismatches fail.
// nullopt when malformed.
std::optional<VerifyMode> parse_verify_mode(const std::string& text);

// Whether the hit of the step with this input key is re-run. Deterministic:
// the same edge is sampled on every run and machine, so a nightly job with
// --verify=0.1 is reproducible (and the sample moves when the key changes).
bool sampled_for_verify(const VerifyMode& mode, const CacheKey& input_key);

// One output whose real bytes differ from the restored ones.
struct OutputDifference {
  std::string role;               // as in the entry: "object", "output:1", ...
  std::string path;               // as the step names it
  uint64_t first_difference = 0;  // byte offset of the first differing byte
  uint64_t cached_size = 0;       // what the cache restored
  uint64_t real_size = 0;         // what the real run wrote (0 when missing)
  bool missing = false;           // the real run did not write it
};

struct VerifyOutcome {
  std::vector<OutputDifference> differences;  // not ignored
  std::vector<std::string> ignored;           // paths that differed but match verify_ignore
  int cached_exit = 0;
  int real_exit = 0;

  bool mismatch() const { return !differences.empty() || cached_exit != real_exit; }
  // One line: "exit status 0 cached, 1 real; object x.o: first difference at
  // byte 120, 4096 bytes cached, 4100 real".
  std::string describe() const;
};

// Compares the files `step` declares, as the real run left them, with the
// entry's bytes as a hit restored them (placeholders of path-holding files
// put back through `paths`); a path-holding output (a depfile) is the same
// when it lists the same targets and dependencies, however its lines are
// wrapped. `ignore` holds shell patterns (fnmatch) matched
// against the output's path as the step names it, its absolute path, and its
// file name.
VerifyOutcome compare_real_run(const Step& step, const Entry& entry, int real_exit,
                               const PathNormalizer& paths, const std::vector<std::string>& ignore);

}  // namespace edgecache
