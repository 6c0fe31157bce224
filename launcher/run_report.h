#pragma once
// `edgecache report <build dir> [--output FILE]`: turns the run record that
// edgecache-ninja writes (<build dir>/.edgecache/last-run.json, format in
// ninja_wrapper/run_record.h) into one self-contained HTML page: the summary,
// a timeline of the edges, and why each miss missed. A face-level concern:
// cache_core knows nothing of the run record.

#include <cstdint>
#include <string>
#include <vector>

#include "edgecache/result.h"

namespace edgecache {

/// One edge of a run record, as read back.
struct ReportedEdge {
  /// The edge's first output, relative to the build dir as in build.ninja.
  std::string output;
  /// The Ninja rule name.
  std::string rule;
  /// "local-hit", "remote-hit", "ran" or "uncached".
  std::string result;
  /// False when the command failed.
  bool success = true;
  /// Why it was uncached, missed, or not stored.
  std::string detail;
  /// Offset from the run's start; 0 in records written before it existed.
  uint64_t start_ms = 0;
  uint64_t duration_ms = 0;
  uint64_t saved_ms = 0;
};

/// A whole run record (version 1), as read back.
struct RunReport {
  /// ISO 8601 UTC times of the run.
  std::string start;
  std::string end;
  /// The record's "totals", in its field order.
  uint64_t edges = 0, local_hits = 0, remote_hits = 0, ran = 0, uncached = 0, failed = 0, saved_ms = 0;
  std::vector<ReportedEdge> edge_list;
};

/// Parses a run record's JSON text; an error names what is wrong (not JSON,
/// another version, a missing or mistyped field).
Result<RunReport> parse_run_record(const std::string& json_text);

/// The page: inline CSS only, so it opens offline from a CI artifact. Every
/// text from the record is HTML-escaped.
std::string render_run_report(const RunReport& report);

/// The command: prints the page's path; on any bad input, a message on
/// stderr, a non-zero status, and nothing written.
int report_command(const std::vector<std::string>& args);

}  // namespace edgecache
