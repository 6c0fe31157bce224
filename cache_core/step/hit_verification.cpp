#include "edgecache/hit_verification.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstdlib>

#include "edgecache/file_io.h"
#include "edgecache/step_outputs.h"
#include "step/depfile.h"

namespace edgecache {
namespace {

bool is_ignored(const std::string& path, const std::vector<std::string>& patterns) {
  const std::string absolute = absolute_path(path, current_directory());
  const size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (const std::string& pattern : patterns) {
    for (const std::string* candidate : {&path, &absolute, &name}) {
      if (::fnmatch(pattern.c_str(), candidate->c_str(), 0) == 0) return true;
    }
  }
  return false;
}

uint64_t first_difference(const std::string& a, const std::string& b) {
  const size_t common = std::min(a.size(), b.size());
  auto differs =
      std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(common), b.begin());
  return static_cast<uint64_t>(differs.first - a.begin());
}

// A depfile restored for this checkout names the same files as the real
// one but may wrap its lines elsewhere (GCC wraps by length, and the paths
// are another checkout's lengths): the same rules mean the same file.
bool same_depfile(const std::string& cached, const std::string& real) {
  auto a = parse_depfile(cached);
  auto b = parse_depfile(real);
  return a && b && a->targets == b->targets && a->dependencies == b->dependencies;
}

}  // namespace

std::optional<VerifyMode> parse_verify_mode(const std::string& text) {
  if (text.empty() || text == "0" || text == "off" || text == "false" || text == "no")
    return VerifyMode{};
  if (text == "1" || text == "on" || text == "true" || text == "yes" || text == "all")
    return VerifyMode{1.0, false};
  if (text == "strict") return VerifyMode{1.0, true};
  char* end = nullptr;
  const double fraction = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(fraction >= 0 && fraction <= 1)) return std::nullopt;
  return VerifyMode{fraction, false};
}

bool sampled_for_verify(const VerifyMode& mode, const CacheKey& input_key) {
  if (mode.fraction >= 1) return true;
  if (mode.fraction <= 0) return false;
  // The digest's high half is uniform: compare it, as a fraction of 2^64.
  const double position = static_cast<double>(input_key.digest.high) / 18446744073709551616.0;
  return position < mode.fraction;
}

std::string VerifyOutcome::describe() const {
  std::string text;
  if (cached_exit != real_exit) {
    text = "exit status " + std::to_string(cached_exit) + " cached, " + std::to_string(real_exit) +
           " real";
  }
  for (const OutputDifference& d : differences) {
    if (!text.empty()) text += "; ";
    text += d.role + " " + d.path + ": ";
    if (d.missing) {
      text += "not written by the real run (" + std::to_string(d.cached_size) + " bytes cached)";
      continue;
    }
    text += "first difference at byte " + std::to_string(d.first_difference) + ", " +
            std::to_string(d.cached_size) + " bytes cached, " + std::to_string(d.real_size) +
            " real";
  }
  return text;
}

VerifyOutcome compare_real_run(const Step& step, const Entry& entry, int real_exit,
                               const PathNormalizer& paths,
                               const std::vector<std::string>& ignore) {
  VerifyOutcome outcome;
  outcome.cached_exit = entry.exit_status;
  outcome.real_exit = real_exit;
  // A failed real run's outputs are not comparable (the compiler may have
  // deleted them): the exit status is the difference.
  if (real_exit != entry.exit_status) return outcome;
  for (const StepOutput& output : step.outputs) {
    const EntryFile* file = entry.find(output.role);
    if (file == nullptr) continue;
    const bool link = file->kind == EntryFileKind::kSymlink;
    const std::string cached = content_to_restore(step, output, *file, paths);
    // A symlink is compared by its target text, as it was stored.
    auto real = link ? read_symlink(output.path) : read_file(output.path);
    if (real && (*real == cached || (output.holds_paths && same_depfile(cached, *real)))) continue;
    if (is_ignored(output.path, ignore)) {
      outcome.ignored.push_back(output.path);
      continue;
    }
    OutputDifference difference{output.role, output.path, 0, cached.size(), 0, !real};
    if (real) {
      difference.real_size = real->size();
      difference.first_difference = first_difference(cached, *real);
    }
    outcome.differences.push_back(std::move(difference));
  }
  return outcome;
}

}  // namespace edgecache
