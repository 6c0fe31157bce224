#include "run_report.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "edgecache/file_io.h"

namespace edgecache {
namespace {

/// Where the page goes by default, beside the record (kRunRecordPath).
constexpr const char* kPagePath = ".edgecache/last-run.html";

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string format_ms(uint64_t ms) {
  char text[32];
  if (ms < 1000)
    std::snprintf(text, sizeof text, "%llu ms", static_cast<unsigned long long>(ms));
  else
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
  return text;
}

std::string percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f%%", value);
  return text;
}

constexpr const char* kStyle = R"(<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:24px 0 8px}
.summary p{margin:4px 0}.headline{font-size:18px;font-weight:600}
.legend span{display:inline-block;margin-right:16px}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border-radius:2px}
.local-hit{background:#2e9e44}.remote-hit{background:#2f6fd0}.ran{background:#e8902a}.uncached{background:#9a9a9a}
.verify-mismatch{background:#c2187a}
.failed{outline:2px solid #d22;outline-offset:-2px}
.timeline{border:1px solid #ddd;padding:4px 0}
.row{display:flex;align-items:center;height:18px}
.label{width:35%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;padding:0 8px;font:12px monospace}
.track{position:relative;flex:1;height:12px;margin-right:8px;background:#f4f4f4}
.bar{position:absolute;top:0;height:12px;min-width:2px;border-radius:2px}
.axis{display:flex;justify-content:space-between;margin-left:35%;padding:0 8px;color:#777;font-size:12px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.path{font:12px monospace;word-break:break-all}
</style>
)";

std::string summary_html(const ParsedRunRecord& record) {
  const RunTotals& r = record.totals;
  const uint64_t hits = r.local_hits + r.remote_hits;
  std::string html = "<section class=\"summary\" id=\"summary\">\n<p class=\"headline\">" +
                     std::to_string(hits) + "/" + std::to_string(r.edges) +
                     " edges from cache</p>\n";
  html += "<p>" + std::to_string(r.local_hits) + " local hits, " + std::to_string(r.remote_hits) +
          " remote hits, " + std::to_string(r.ran) + " ran, " + std::to_string(r.uncached) +
          " uncached, " + std::to_string(r.failed) + " failed; " + format_ms(r.saved_ms) +
          " saved</p>\n";
  html += "<p>start " + escape_html(record.start) + ", end " + escape_html(record.end) +
          "</p>\n</section>\n";
  return html;
}

std::string legend_html() {
  std::string html = "<p class=\"legend\">";
  for (StepOutcome outcome : kStepOutcomes) {
    html += "<span><i class=\"swatch " + std::string(outcome_name(outcome)) + "\"></i>" +
            outcome_words(outcome) + "</span>";
  }
  return html +
         "<span><i class=\"swatch verify-mismatch\"></i>hit differed from its real run "
         "(--verify)</span>"
         "<span><i class=\"swatch failed\"></i>failed</span></p>\n";
}

std::string timeline_html(const ParsedRunRecord& r) {
  uint64_t span = 1;
  for (const EdgeRecord& e : r.edges) span = std::max(span, e.start_ms + e.duration_ms);
  std::string html =
      "<h2>Timeline</h2>\n" + legend_html() + "<div class=\"timeline\" id=\"timeline\">\n";
  for (const EdgeRecord& e : r.edges) {
    const double left = 100.0 * static_cast<double>(e.start_ms) / static_cast<double>(span);
    const double width = 100.0 * static_cast<double>(e.duration_ms) / static_cast<double>(span);
    const std::string tip = e.output + " (" + outcome_words(e.outcome) +
                            (e.success ? "" : ", failed") + ", " + format_ms(e.duration_ms) +
                            " at " + format_ms(e.start_ms) + ")";
    html += "<div class=\"row\"><div class=\"label\" title=\"" + escape_html(e.output) + "\">" +
            escape_html(e.output) + "</div><div class=\"track\"><div class=\"bar " +
            (e.verify == "mismatch" ? "verify-mismatch" : outcome_name(e.outcome)) +
            (e.success ? "" : " failed") + "\" style=\"left:" + percent(left) +
            ";width:" + percent(width) + "\" title=\"" + escape_html(tip) +
            "\"></div></div></div>\n";
  }
  return html + "</div>\n<div class=\"axis\"><span>0</span><span>" + format_ms(span) +
         "</span></div>\n";
}

std::string misses_html(const ParsedRunRecord& r) {
  std::string rows;
  for (const EdgeRecord& e : r.edges) {
    if (is_hit(e.outcome) && e.success) continue;
    rows += "<tr><td class=\"path\">" + escape_html(e.output) + "</td><td>" + escape_html(e.rule) +
            "</td><td>" + outcome_words(e.outcome) + (e.success ? "" : ", failed") + "</td><td>" +
            escape_html(e.detail) + "</td><td>" + format_ms(e.duration_ms) + "</td></tr>\n";
  }
  std::string html = "<h2>Edges not from the cache</h2>\n";
  if (rows.empty()) return html + "<p id=\"misses\">None: every edge came from the cache.</p>\n";
  return html +
         "<p>For a miss, <code>edgecache explain &lt;build dir&gt;/&lt;output&gt;</code> names the "
         "flag, "
         "input or header that changed.</p>\n<table "
         "id=\"misses\">\n<tr><th>output</th><th>rule</th>"
         "<th>result</th><th>why</th><th>took</th></tr>\n" +
         rows + "</table>\n";
}

// --verify: every hit whose command also ran, mismatches first.
std::string verify_html(const ParsedRunRecord& r) {
  if (r.totals.verified == 0) return "";
  std::string rows;
  for (const bool mismatches : {true, false}) {
    for (const EdgeRecord& e : r.edges) {
      if (e.verify.empty() || (e.verify == "mismatch") != mismatches) continue;
      rows += "<tr" + std::string(mismatches ? " class=\"mismatch\"" : "") +
              "><td class=\"path\">" + escape_html(e.output) + "</td><td>" +
              outcome_words(e.outcome) + "</td><td>" + escape_html(e.verify) + "</td><td>" +
              (mismatches ? escape_html(e.detail) : "") + "</td></tr>\n";
    }
  }
  return "<h2>Verify</h2>\n<p>" + std::to_string(r.totals.verified) +
         " hits also ran their command; " + std::to_string(r.totals.verify_mismatch) +
         " differed from the cache (the real output was kept).</p>\n<table "
         "id=\"verify\">\n<tr><th>output</th>"
         "<th>hit</th><th>verify</th><th>what differed</th></tr>\n" +
         rows + "</table>\n";
}

}  // namespace

std::string render_run_report(const ParsedRunRecord& report) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>edgecache "
         "run " +
         escape_html(report.start) + "</title>\n" + kStyle +
         "</head>\n<body>\n<h1>edgecache-ninja run</h1>\n" + summary_html(report) +
         timeline_html(report) + verify_html(report) + misses_html(report) + "</body>\n</html>\n";
}

namespace {

struct ReportArgs {
  std::string build_dir;
  std::string output;  // empty: <build dir>/.edgecache/last-run.html
};

std::optional<ReportArgs> parse_report_args(const std::vector<std::string>& args) {
  ReportArgs parsed;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--output" && i + 1 < args.size())
      parsed.output = args[++i];
    else if (args[i].rfind("--output=", 0) == 0)
      parsed.output = args[i].substr(9);
    else if (args[i].rfind("-", 0) != 0 && parsed.build_dir.empty())
      parsed.build_dir = args[i];
    else
      return std::nullopt;
  }
  if (parsed.build_dir.empty() || (parsed.output.empty() && args.back() == "--output"))
    return std::nullopt;
  return parsed;
}

int report_error(const std::string& message) {
  std::fprintf(stderr, "edgecache report: %s\n", message.c_str());
  return 1;
}

}  // namespace

int report_command(const std::vector<std::string>& args) {
  auto parsed = parse_report_args(args);
  if (!parsed) {
    std::fprintf(stderr, "usage: edgecache report <build dir> [--output FILE]\n");
    return 2;
  }
  struct stat info {};
  if (::stat(parsed->build_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    return report_error(parsed->build_dir + " is not a directory");
  const std::string record_path = parsed->build_dir + "/" + kRunRecordPath;
  auto text = read_file(record_path);
  if (!text)
    return report_error("no run record at " + record_path + " (build with edgecache-ninja first)");
  auto report = parse_run_record(*text);
  if (!report) return report_error(record_path + " is not a usable run record: " + report.error());
  const std::string page =
      parsed->output.empty() ? parsed->build_dir + "/" + kPagePath : parsed->output;
  if (Status written = write_file_atomic(page, render_run_report(*report)); !written)
    return report_error("cannot write " + page + ": " + written.error());
  std::printf("%s\n", page.c_str());
  return 0;
}

}  // namespace edgecache
