// The record of one edgecache-ninja run, written as JSON to
// <build dir>/.edgecache/last-run.json so a user (or CI) can see which edges
// came from the cache, which ran, and why.
//
// Format (version 1):
//   { "version": 1, "start": "<ISO 8601 UTC>", "end": "...",
//     "totals": { "edges", "local_hits", "remote_hits", "ran", "uncached",
//                 "failed", "saved_ms", "verified", "verify_mismatch" },
//     "edges": [ { "output": first output, "rule": rule name,
//                  "input_key": "m-<hex>" / "r-<hex>" ("" when uncached),
//                  "result": "local-hit" | "remote-hit" | "ran" | "uncached",
//                  "success": false when the command failed,
//                  "reason": why it was not cached or not stored, as a
//                            code: "writes-undeclared-files" (the stats
//                            counter uncacheable.<reason>), or
//                            "not-stored.<code>"; "" otherwise,
//                  "detail": in words (uncached_reason.h): why it was not
//                            cached ("not cached: writes undeclared files:
//                            gen.inc ..."), why it missed, why a run was
//                            not stored,
//                  "start_ms": when the command (or the lookup of a hit or
//                              an uncached edge) started, in ms after "start",
//                  "duration_ms": the run, or the restore of a hit,
//                  "saved_ms": the stored run time a hit spared,
//                  "verify": for a hit whose command also ran (--verify):
//                            "same", "mismatch" (then "detail" says what
//                            differed) or "pending" (it never finished);
//                            "" otherwise } ] }
// "start_ms", "verify", "reason" and the two verify totals came later within
// version 1: readers treat them as optional.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgecache/result.h"
#include "edgecache/step_outcome.h"

namespace edgecache {

// Where the run record goes, relative to the build directory.
inline constexpr const char* kRunRecordPath = ".edgecache/last-run.json";

// One edge in the record.
struct EdgeRecord {
  // The edge's first output, as in build.ninja.
  std::string output;
  // Its rule name.
  std::string rule;
  // The input key's spelling (CacheKey::to_string), empty when uncached.
  std::string input_key;
  StepOutcome outcome = StepOutcome::kRan;  // its "result" (outcome_name)
  // False when the command failed (never stored).
  bool success = true;
  // Why it was not cached ("writes-undeclared-files") or not stored
  // ("not-stored.input-changed-during-run"), as a code; "" otherwise.
  std::string reason;
  // In words: why it was not cached, why it missed, why it was not stored.
  std::string detail;
  // Milliseconds from the run's start to the command's start (or the
  // lookup's, for a hit or an uncached edge): places it on a timeline.
  uint64_t start_ms = 0;
  // Wall time of the run, or of the lookup and restore of a hit.
  uint64_t duration_ms = 0;
  // For a hit: how long the stored run took (0 when verified: it ran).
  uint64_t saved_ms = 0;
  // --verify: "" (not verified), "pending", "same" or "mismatch".
  std::string verify;
};

// The record's "totals", counted from its edges.
struct RunTotals {
  uint64_t edges = 0, local_hits = 0, remote_hits = 0, ran = 0, uncached = 0, failed = 0;
  // The sum of the edges' saved_ms.
  uint64_t saved_ms = 0;
  // Hits re-run by --verify, and those whose real outputs differed.
  uint64_t verified = 0, verify_mismatch = 0;
};

// A record read back from its JSON text (by `edgecache report`).
struct ParsedRunRecord {
  // ISO 8601 UTC, as written.
  std::string start, end;
  // As written, not recounted.
  RunTotals totals;
  std::vector<EdgeRecord> edges;
};

// Reads a version 1 record; an error names what is wrong (not JSON, another
// version, a missing or mistyped field) so a truncated file is recognisable.
Result<ParsedRunRecord> parse_run_record(const std::string& json_text);

// The edges of one run, in the order they were offered.
class RunRecord {
 public:
  // `start_ns`: CLOCK_REALTIME at the start of the run.
  explicit RunRecord(int64_t start_ns) : start_ns_(start_ns) {}

  // Appends `edge`; returns its index for later updates.
  size_t add(EdgeRecord edge);
  EdgeRecord& at(size_t index) { return edges_.at(index); }
  const std::vector<EdgeRecord>& edges() const { return edges_; }
  // `ns` (CLOCK_REALTIME) as milliseconds after the run's start, for
  // EdgeRecord::start_ms; 0 for an earlier time.
  uint64_t offset_ms(int64_t ns) const {
    return ns <= start_ns_ ? 0 : static_cast<uint64_t>((ns - start_ns_) / 1000000);
  }

  // The JSON text (format above), ending at `end_ns`.
  std::string to_json(int64_t end_ns) const;
  // Writes to_json() to `path` atomically (temporary file and rename),
  // creating its directory.
  Status write(const std::string& path, int64_t end_ns) const;

 private:
  int64_t start_ns_;
  std::vector<EdgeRecord> edges_;
};

}  // namespace edgecache
