#pragma once
// `edgecache report <build dir> [--output FILE]`: turns the run record that
// edgecache-ninja writes (<build dir>/.edgecache/last-run.json, format in
// cache_core/step/run_record.h, which also reads it back) into one
// self-contained HTML page: the summary, a timeline of the edges, and why each
// miss missed. A face-level concern: cache_core knows nothing of the record.

#include <string>
#include <vector>

#include "edgecache/run_record.h"

namespace edgecache {

/// The page: inline CSS only, so it opens offline from a CI artifact. Every
/// text from the record is HTML-escaped.
std::string render_run_report(const ParsedRunRecord& record);

/// The command: prints the page's path; on any bad input, a message on
/// stderr, a non-zero status, and nothing written.
int report_command(const std::vector<std::string>& args);

}  // namespace edgecache
