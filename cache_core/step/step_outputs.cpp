#include "edgecache/step_outputs.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include "edgecache/file_hasher.h"
#include "edgecache/file_io.h"

namespace edgecache {
namespace {

const char* kind_name(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symlink";
  return "not a regular file";
}

bool same_link_as_before(const Step& step, const std::string& path, const FileStamp& now) {
  return std::any_of(
      step.symlinks_before_run.begin(), step.symlinks_before_run.end(),
      [&](const auto& before) { return before.first == path && before.second == now; });
}

// True when the regular file at `path` holds exactly `content`.
bool holds_content(const std::string& path, const struct stat& st, std::string_view content) {
  if (static_cast<uint64_t>(st.st_size) != content.size()) return false;
  auto existing = read_file(path);
  return existing && *existing == content;
}

// A regular output that already holds the cached bytes: permission bits
// fixed if need be; the mtime kept (restat) or set to now, as a rewrite would.
Status settle_unchanged_file(const Step& step, const std::string& path, const struct stat& st,
                             uint32_t mode) {
  if ((st.st_mode & 0777) != (mode & 0777) && ::chmod(path.c_str(), mode & 0777) != 0) {
    return Error{"cannot chmod " + path};
  }
  if (!step.keep_unchanged_outputs && ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) != 0) {
    return Error{"cannot touch " + path};
  }
  return ok_status();
}

// Stands for the depfile's target (Step::depfile_target) in an entry.
constexpr std::string_view kDepfileTargetPlaceholder = "@output-name@";

bool names_paths(const StepOutput& output, const EntryFileView& file) {
  return output.holds_paths || file.kind == EntryFileKind::kSymlink;
}

// The depfile target to swap for the placeholder in this output ("" if none).
const std::string& target_of(const Step& step, const StepOutput& output) {
  static const std::string none;
  return output.role == "depfile" ? step.depfile_target : none;
}

}  // namespace

std::optional<std::string> content_to_store(const Step& step, const StepOutput& output,
                                            const EntryFile& file, const PathNormalizer& paths,
                                            std::string* skip_reason) {
  if (!names_paths(output, EntryFileView(file))) return file.content;
  const std::string& target = target_of(step, output);
  if (target.empty()) return paths.normalize(file.content);
  if (file.content.compare(0, target.size(), target) != 0 || file.content.size() == target.size() ||
      file.content[target.size()] != ':') {
    *skip_reason = "depfile-target-unexpected";
    return std::nullopt;
  }
  return std::string(kDepfileTargetPlaceholder) +
         paths.normalize(file.content.substr(target.size()));
}

std::string content_to_restore(const Step& step, const StepOutput& output,
                               const EntryFileView& file, const PathNormalizer& paths) {
  if (!names_paths(output, file)) return std::string(file.content);
  std::string content = paths.restore(file.content);
  const std::string& target = target_of(step, output);
  if (!target.empty() &&
      content.compare(0, kDepfileTargetPlaceholder.size(), kDepfileTargetPlaceholder) == 0)
    content.replace(0, kDepfileTargetPlaceholder.size(), target);
  return content;
}

std::optional<std::string> check_output_paths(Step* step) {
  step->symlinks_before_run.clear();
  for (const StepOutput& output : step->outputs) {
    struct stat st {};
    if (::lstat(output.path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) continue;
    if (S_ISLNK(st.st_mode) && step->symlink_outputs) {
      step->symlinks_before_run.emplace_back(output.path, *lstat_file(output.path));
      continue;
    }
    return "output " + output.path + " is " + kind_name(st.st_mode);
  }
  return std::nullopt;
}

std::optional<EntryFile> capture_output(const Step& step, const StepOutput& output,
                                        std::string* skip_reason) {
  struct stat st {};
  if (::lstat(output.path.c_str(), &st) != 0) {
    *skip_reason = "output-missing";
    return std::nullopt;
  }
  if (S_ISREG(st.st_mode)) {
    auto content = read_file(output.path);
    if (!content) {
      *skip_reason = "output-missing";
      return std::nullopt;
    }
    return EntryFile{output.role, static_cast<uint32_t>(st.st_mode & 0777), std::move(*content)};
  }
  if (!S_ISLNK(st.st_mode) || !step.symlink_outputs) {
    *skip_reason = kOutputNotAFile;
    return std::nullopt;
  }
  auto now = lstat_file(output.path);
  if (!now || same_link_as_before(step, output.path, *now)) {
    *skip_reason = "output-written-through-symlink";
    return std::nullopt;
  }
  auto target = read_symlink(output.path);
  if (!target) {
    *skip_reason = "output-missing";
    return std::nullopt;
  }
  return EntryFile{output.role, 0777, std::move(*target), EntryFileKind::kSymlink};
}

Status restore_output(const Step& step, const StepOutput& output, const EntryFileView& file,
                      std::string_view content) {
  const std::string& path = output.path;
  struct stat st {};
  bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    return Error{"output " + path + " is " + kind_name(st.st_mode) + ", left alone"};
  }
  if (file.kind == EntryFileKind::kSymlink) {
    if (!step.symlink_outputs) return Error{"entry holds a symlink for " + path};
    if (exists && S_ISLNK(st.st_mode)) {
      auto target = read_symlink(path);
      if (target && *target == content) return ok_status();
    }
    return write_symlink_atomic(path, std::string(content));
  }
  if (exists && S_ISLNK(st.st_mode)) {
    return Error{"output " + path + " is a symlink, the step would write through it"};
  }
  if (exists && holds_content(path, st, content))
    return settle_unchanged_file(step, path, st, file.mode);
  return write_file_atomic(path, content, file.mode & 0777);
}

std::string entry_file_content(const Step& step, const StepOutput& output,
                               const EntryFileView& file, const PathNormalizer& paths) {
  if (!names_paths(output, file)) return std::string(file.content);
  return content_to_restore(step, output, file, paths);
}

Status restore_entry_file(const Step& step, const StepOutput& output, const EntryFileView& file,
                          const PathNormalizer& paths) {
  if (!names_paths(output, file)) return restore_output(step, output, file, file.content);
  return restore_output(step, output, file, content_to_restore(step, output, file, paths));
}

}  // namespace edgecache
