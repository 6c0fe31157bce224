#include "edgecache/step_cache.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>

#include "edgecache/blob_envelope.h"
#include "edgecache/file_io.h"
#include "edgecache/process.h"
#include "edgecache/step_outputs.h"
#include "step/depfile.h"
#include "util/text_search.h"

namespace edgecache {
namespace {

// Pseudo-dependency that ties a candidate to this checkout's absolute paths:
// an output embeds a base dir (__FILE__ in an assert, an rpath, debug info),
// so it is only right for a checkout at the same place. Its fingerprint is
// the raw base dir list.
// Its stamp holds an example of what was found (a human hint, not matched).
constexpr const char* kAbsolutePathsDep = "@absolute-paths";
// Pseudo-dependency for Step::pinned_cwd: its fingerprint is the working dir.
constexpr const char* kAbsoluteCwdDep = "@absolute-cwd";

bool is_path_byte(char c) {
  return c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Why a compile that read `content` must not be stored ("" when it may).
const char* unstorable_content(std::string_view content) {
  if (contains_text(content, "__DATE__") || contains_text(content, "__TIME__") ||
      contains_text(content, "__TIMESTAMP__")) {
    return "time-macros";
  }
  // Inline asm pulling in a file: the assembler reads it, no depfile names it.
  if (contains_text(content, ".incbin")) return "incbin";
  return "";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += item + ":";
  return out;
}

bool names_an_output(const Step& step, const std::string& text) {
  return std::any_of(step.outputs.begin(), step.outputs.end(), [&](const StepOutput& output) {
    return !output.path.empty() && text.find(output.path) != std::string::npos;
  });
}

}  // namespace

const char* miss_cause_name(MissCause cause) {
  switch (cause) {
    case MissCause::kNotInCache:
      return "not-in-cache";
    case MissCause::kInputsChanged:
      return "inputs-changed";
    case MissCause::kEmbeddedPath:
      return "embedded-path";
    case MissCause::kEntryGone:
      return "entry-gone";
    case MissCause::kCorrupt:
      return "corrupt";
    case MissCause::kRestoreFailed:
      return "restore-failed";
  }
  return "not-in-cache";
}

namespace {

int64_t clock_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

constexpr int64_t kCoarsestGranule = 2'000'000'000;  // FAT's two seconds

bool whole_seconds(int64_t timestamp_ns) { return timestamp_ns % 1'000'000'000 == 0; }

int64_t coarse_tick_ns() {
  static const int64_t tick = [] {
    timespec res{};
    clock_getres(CLOCK_REALTIME_COARSE, &res);
    return int64_t{res.tv_sec} * 1000000000 + res.tv_nsec;
  }();
  return tick;
}

// Timestamps before this may come from writes before the command began:
// past the start's coarse tick, and past every timestamp a write before the
// start can carry (the fine clock then, which a late tick leaves ahead of
// the coarse clock by more than one tick).
int64_t granule_end(const StepStart& start) {
  return std::max(start.coarse_ns + coarse_tick_ns(), start.fine_ns + 1);
}

// True when a timestamp at or after the start falls in its granule, so the
// write may as well have come just before it.
bool in_start_granule(int64_t timestamp_ns, const StepStart& start) {
  if (whole_seconds(timestamp_ns))
    return timestamp_ns < start.coarse_ns - start.coarse_ns % kCoarsestGranule + kCoarsestGranule;
  return timestamp_ns < granule_end(start);
}

}  // namespace

StepStart step_start() {
  StepStart start;
  start.coarse_ns = clock_ns(CLOCK_REALTIME_COARSE);
  start.fine_ns = clock_ns(CLOCK_REALTIME);
  return start;
}

bool modified_since(int64_t timestamp_ns, const StepStart& start) {
  const int64_t from = start.coarse_ns;
  if (whole_seconds(timestamp_ns)) return timestamp_ns >= from - from % kCoarsestGranule;
  return timestamp_ns >= from;
}

bool written_during_run(int64_t timestamp_ns, const StepStart& start) {
  return modified_since(timestamp_ns, start) &&
         (whole_seconds(timestamp_ns) || !in_start_granule(timestamp_ns, start));
}

void wait_past_start_granule(const StepStart& start) {
  const int64_t end = granule_end(start);
  for (int64_t now = clock_ns(CLOCK_REALTIME_COARSE); now < end;
       now = clock_ns(CLOCK_REALTIME_COARSE)) {
    timespec pause{0, static_cast<long>(std::min<int64_t>(end - now, 999'999'999))};
    nanosleep(&pause, nullptr);
  }
}

StepCache::StepCache(TieredStore& store, const PathNormalizer& paths, FileHasher& hasher,
                     BlobCodec codec)
    : store_(store), paths_(paths), hasher_(hasher), codec_(std::move(codec)) {}

CacheKey StepCache::input_key(const Step& step) const {
  return CacheKey{is_two_level(step) ? ObjectKind::kManifest : ObjectKind::kResult,
                  step.recipe.digest()};
}

void StepCache::count_rejection(ErrorCode code) {
  store_.counters()[code == ErrorCode::kBadSignature ? counter::kBadSignature
                                                     : counter::kCorruptEntry] += 1;
}

Error StepCache::reject_corrupt(const CacheKey& key, const Error& why) {
  count_rejection(why.code);
  store_.discard_local(key);
  const char* what = key.kind == ObjectKind::kManifest ? "manifest" : "entry";
  return Error::corrupt(std::string("corrupt ") + what + " " + key.to_string() + ": " +
                        why.message);
}

Result<Payload> StepCache::fetch_payload(const CacheKey& key, StoreTier* source) {
  const char* what = key.kind == ObjectKind::kManifest ? "manifest" : "entry";
  auto fetched = store_.get(key);
  if (!fetched) return Error::not_found(std::string("no ") + what);
  auto payload = codec_.open_payload(key, std::move(fetched->blob));
  if (!payload) return reject_corrupt(key, payload.failure());
  if (source) *source = fetched->source;
  return payload;
}

// Fetches and decodes one object; a corrupt or badly signed one is counted,
// dropped from the local cache (so it is not read again) and is a miss.
template <typename T>
Result<T> StepCache::fetch_object(const CacheKey& key, Result<T> (*decode)(std::string_view),
                                  StoreTier* source) {
  StoreTier from = StoreTier::kLocal;
  auto payload = fetch_payload(key, &from);
  if (!payload) return payload.failure();
  auto object = decode(payload->view());
  if (!object) return reject_corrupt(key, object.failure());
  if (source) *source = from;
  return object;
}

Result<Entry> StepCache::fetch_entry(const CacheKey& key, StoreTier* source) {
  return fetch_object<Entry>(key, decode_entry, source);
}

bool StepCache::dependency_unchanged(const Step& step, const DependencyView& dep,
                                     const std::string& raw_base_dirs) {
  if (dep.path == kAbsolutePathsDep) return dep.fingerprint == raw_base_dirs;
  if (dep.path == kAbsoluteCwdDep) return dep.fingerprint == step.pinned_cwd;
  std::string path = paths_.restore(dep.path);
  // Most recorded dependencies are shadowing candidates that must still be
  // absent; a directory listing read once answers for all names in it.
  if (dep.fingerprint == kAbsentFingerprint) {
    // "<n>:<stamp>": the ancestor n levels up, whose listing lacked the next
    // name down, had that stamp (FileHasher::absence_stamp). The same stamp
    // now means the same names, so the path is still absent, without a readdir.
    // (Not ahead of the build for a path with a prediction: it is not on disk yet.)
    auto colon = dep.stamp.find(':');
    if (colon != std::string::npos && !hasher_.predicted(path) &&
        !hasher_.predicted_directory(path)) {
      int levels = 0;
      auto [end, error] = std::from_chars(dep.stamp.data(), dep.stamp.data() + colon, levels);
      bool valid = error == std::errc() && end == dep.stamp.data() + colon && levels > 0;
      std::string_view ancestor = path;
      for (int i = 0; valid && i < levels; ++i) {
        auto slash = ancestor.find_last_of('/');
        valid = slash != std::string_view::npos && slash > 0;
        if (valid) ancestor = ancestor.substr(0, slash);
      }
      if (valid && dir_stamp_now(ancestor) == dep.stamp.substr(colon + 1)) return true;
    }
    return !hasher_.may_exist(path);
  }
  if (dep.fingerprint == kDirectoryFingerprint) {
    auto stamp = hasher_.directory_stamp(path);
    // Ahead of the build: a directory Ninja makes before the step runs.
    return (stamp && stamp->is_directory) || hasher_.predicted_directory(path);
  }
  if (is_listing_fingerprint(dep.fingerprint)) {
    // The stamp the dir had when its names were read (if trustworthy then):
    // the same stamp now means the same names, without reading them.
    // (Not ahead of the build for a dir with predicted names: they are not on disk yet.)
    if (!dep.stamp.empty() && !hasher_.predicted_directory(path) &&
        dir_stamp_now(path) == dep.stamp)
      return true;
    if (auto probed = FileHasher::probed_names_of(dep.fingerprint))
      return hasher_.probed_fingerprint(path, *probed) == dep.fingerprint;
    return hasher_.listing_fingerprint(path) == dep.fingerprint;
  }
  // A lookup ahead of the build: a file a planned step will write is judged
  // by its prediction, not by what an older build left there.
  if (auto predicted = hasher_.predicted(path)) return predicted->hex() == dep.fingerprint;
  if (dep.fingerprint.starts_with(kDirectoryNamesPrefix))
    return hasher_.lookup_fingerprint_of_directory(path) == dep.fingerprint;
  if (!dep.stamp.empty()) {
    auto stamp = hasher_.stamp(path);
    if (stamp && stamp_text_is(*stamp, dep.stamp)) return true;  // unchanged since hashed here
  }
  return hasher_.fingerprint(path) == dep.fingerprint;
}

// Asked for each listed dir and again for the parent of each absent name in
// it: one stat per dir per lookup (dir_stamps_ is emptied by every lookup).
const std::string& StepCache::dir_stamp_now(std::string_view dir) {
  auto found = dir_stamps_.find(dir);
  if (found != dir_stamps_.end()) return found->second;
  std::string path(dir);
  auto stamp = hasher_.directory_stamp(path);
  return dir_stamps_
      .emplace(std::move(path), stamp && stamp->is_directory ? stamp_text(*stamp) : "")
      .first->second;
}

template <typename Dep>
const Dep* StepCache::first_changed(const Step& step, const std::vector<Dep>& deps,
                                    const std::string& raw_base_dirs) {
  for (const Dep& dep : deps) {
    if (!dependency_unchanged(step, dep, raw_base_dirs)) return &dep;
  }
  return nullptr;
}

std::optional<CacheKey> StepCache::match_manifest(const Step& step, LookupOutcome* outcome) {
  dir_stamps_.clear();  // dirs may have changed since the last lookup
  // And so may the files the watched stats keep (a lookup that began with
  // FileHasher::begin_lookup has applied the changes already: cheap).
  hasher_.catch_up();
  const CacheKey key = input_key(step);
  StoreTier source = StoreTier::kLocal;
  auto payload = fetch_payload(key, &source);
  // Matched as views into the payload: no copy of the thousands of paths.
  auto candidates = payload ? decode_manifest_candidates(payload->view())
                            : Result<std::vector<CandidateView>>(payload.failure());
  if (payload && !candidates) candidates = reject_corrupt(key, candidates.failure());
  if (!candidates) {
    outcome->miss_detail = candidates.error();
    if (candidates.code() == ErrorCode::kCorrupt) outcome->cause = MissCause::kCorrupt;
    return std::nullopt;
  }
  std::string raw_base_dirs = joined(paths_.base_dirs());
  for (const CandidateView& candidate : *candidates) {
    if (!first_changed(step, candidate.deps, raw_base_dirs))
      return CacheKey{ObjectKind::kResult, candidate.result};
  }
  if (source == StoreTier::kLocal) {
    if (auto found = match_remote_manifest(step, raw_base_dirs)) return found;
  }
  // A miss: the whole manifest (it decoded above) for the sentence.
  auto manifest = decode_manifest(payload->view());
  outcome->miss_detail =
      describe_mismatch(step, manifest ? manifest->candidates : std::vector<ManifestCandidate>{},
                        raw_base_dirs, &outcome->cause);
  return std::nullopt;
}

// The local manifest has no match: the remote's may have candidates this
// cache never saw (stored by another machine, or by a writer whose local
// cache is another). A match there is merged into the local manifest.
std::optional<CacheKey> StepCache::match_remote_manifest(const Step& step,
                                                         const std::string& raw_base_dirs) {
  CacheKey key = input_key(step);
  std::optional<std::string> blob = store_.get_remote(key);
  if (!blob) return std::nullopt;
  Manifest remote = open_manifest(key, &*blob);
  for (const ManifestCandidate& candidate : remote.candidates) {
    if (first_changed(step, candidate.deps, raw_base_dirs)) continue;
    std::vector<ManifestCandidate> learnt{candidate};
    store_.update_local(key, manifest_update(key, remote.recipe, learnt));
    return CacheKey{ObjectKind::kResult, candidate.result};
  }
  return std::nullopt;
}

// The sentence for a manifest none of whose candidates matches: a candidate
// that fails only on a checkout's absolute path says so (that is what a
// teammate at another path meets); else the newest candidate's first change.
std::string StepCache::describe_mismatch(const Step& step,
                                         const std::vector<ManifestCandidate>& candidates,
                                         const std::string& raw_base_dirs, MissCause* cause) {
  std::string here;
  for (const std::string& dir : paths_.base_dirs()) here += (here.empty() ? "" : " and ") + dir;
  for (const ManifestCandidate& candidate : candidates) {
    const Dependency* pinned = nullptr;
    bool only_pinned = true;
    for (const Dependency& dep : candidate.deps) {
      if (dependency_unchanged(step, dep, raw_base_dirs)) continue;
      bool pseudo = dep.path == kAbsolutePathsDep || dep.path == kAbsoluteCwdDep;
      if (!pseudo) only_pinned = false;
      if (pseudo && !pinned) pinned = &dep;
    }
    if (!pinned || !only_pinned) continue;
    *cause = MissCause::kEmbeddedPath;
    bool cwd = pinned->path == kAbsoluteCwdDep;
    std::string theirs = cwd ? pinned->fingerprint + ", the working dir in its debug info"
                             : (pinned->stamp.empty() ? pinned->fingerprint : pinned->stamp) +
                                   " in __FILE__ or debug info";
    return "the cached result embeds another checkout's path (" + theirs + "); this checkout is " +
           (cwd || here.empty() ? step.pinned_cwd : here) +
           " (objects built without -ffile-prefix-map serve only their own path)";
  }
  *cause = MissCause::kInputsChanged;
  std::string count =
      std::to_string(candidates.size()) + " stored run" + (candidates.size() == 1 ? "" : "s");
  const Dependency* dep =
      candidates.empty() ? nullptr : first_changed(step, candidates.front().deps, raw_base_dirs);
  if (!dep) return "no stored run matches the discovered inputs (" + count + ")";
  std::string path = paths_.restore(dep->path);
  if (dep->fingerprint == kAbsentFingerprint)
    return "changed header: " + path +
           " now exists and would be found before a header the stored runs used (" + count +
           ", none matches)";
  return "changed header or discovered input: " + path + " differs from the newest stored run (" +
         count + ", none matches)";
}

// Two-level when the step discovers inputs, or when base dirs are in use:
// then an output that embeds an absolute path needs a candidate that only
// matches this checkout, which a single key could not express.
bool StepCache::is_two_level(const Step& step) const {
  return !step.discovered_deps_file.empty() || step.observed || !paths_.empty();
}

LookupOutcome StepCache::lookup(const Step& step, bool keep_files) {
  FoundEntry found;
  LookupOutcome outcome = locate(step, &found);
  if (outcome.result != LookupResult::kHit) return outcome;
  RestoreOutcome restored = restore_found(step, found, keep_files);
  settle_restore(step, found, restored);
  if (!restored.restored) {
    LookupOutcome failed;
    failed.cause = restored.cause;
    failed.miss_detail = std::move(restored.detail);
    return failed;
  }
  outcome.entry = std::move(restored.entry);
  return outcome;
}

std::optional<CacheKey> StepCache::result_key_for(const Step& step, LookupOutcome* outcome) {
  if (!is_two_level(step)) return input_key(step);
  return match_manifest(step, outcome);
}

void StepCache::note_missing_entry(const Step& step, const Error& missing,
                                   LookupOutcome* outcome) const {
  outcome->miss_detail = missing.message;
  if (missing.code == ErrorCode::kCorrupt) {
    outcome->cause = MissCause::kCorrupt;
  } else if (is_two_level(step)) {
    outcome->cause = MissCause::kEntryGone;
    outcome->miss_detail =
        "a stored run matches, but its result entry is not in the cache (evicted, or never "
        "uploaded)";
  }
}

LookupOutcome StepCache::locate(const Step& step, FoundEntry* found, EntryRead read) {
  LookupOutcome outcome;
  std::optional<CacheKey> result_key = result_key_for(step, &outcome);
  if (!result_key) return outcome;
  if (read == EntryRead::kReadLater && store_.local() != nullptr &&
      store_.local()->exists(*result_key).ok()) {
    outcome.result = LookupResult::kHit;
    outcome.result_key = *result_key;
    outcome.source = StoreTier::kLocal;
    found->result_key = *result_key;
    found->source = StoreTier::kLocal;
    found->read_from = store_.local();
    return outcome;
  }
  auto fetched = store_.get(*result_key);
  if (!fetched) {
    note_missing_entry(step, Error::not_found("no entry"), &outcome);
    return outcome;
  }
  outcome.result = LookupResult::kHit;
  outcome.result_key = *result_key;
  outcome.source = fetched->source;
  found->result_key = *result_key;
  found->source = fetched->source;
  found->blob = std::move(fetched->blob);
  return outcome;
}

LookupOutcome StepCache::find(const Step& step) {
  LookupOutcome outcome;
  std::optional<CacheKey> result_key = result_key_for(step, &outcome);
  if (!result_key) return outcome;
  auto entry = fetch_entry(*result_key, &outcome.source);
  if (!entry) {
    note_missing_entry(step, entry.failure(), &outcome);
    return outcome;
  }
  outcome.result = LookupResult::kHit;
  outcome.result_key = *result_key;
  outcome.entry = std::move(*entry);
  return outcome;
}

bool StepCache::prefetch(const Step& step, size_t max_results) {
  StoreTier source = StoreTier::kLocal;
  CacheKey key = input_key(step);
  if (key.kind == ObjectKind::kResult) {
    return fetch_entry(key, &source).ok() && source == StoreTier::kRemote;
  }
  auto manifest = fetch_object<Manifest>(key, decode_manifest, &source);
  if (!manifest) return false;
  bool remote = source == StoreTier::kRemote;
  size_t count = std::min(manifest->candidates.size(), max_results);
  for (size_t i = 0; i < count; ++i) {
    CacheKey result{ObjectKind::kResult, manifest->candidates[i].result};
    remote = (fetch_entry(result, &source).ok() && source == StoreTier::kRemote) || remote;
  }
  return remote;
}

// A restore reads the local cache's copy: uncompressed (unless
// local_compression is set), it is copied into place, not decompressed, a
// fifth of {fmt}'s warm rebuild. The remote's copy is compressed: it crosses
// the network.
void StepCache::put_entry(const CacheKey& key, std::string_view payload) {
  if (!codec_.compress || codec_.compress_local_entries) {
    store_.put(key, codec_.seal(key, payload));
    return;
  }
  std::string local = codec_.seal_uncompressed(key, payload);
  if (!store_.writes_remote()) {
    store_.put(key, local);
    return;
  }
  store_.put(key, local, codec_.seal(key, payload));
}

// Writes only the outputs this step declares, at this step's paths: an entry
// never chooses where its bytes go.
namespace {
// A restore thread keeps its read buffer for the next entry up to this size.
constexpr size_t kKeptReadBufferBytes = size_t{32} << 20;
}  // namespace

RestoreOutcome StepCache::restore_found(const Step& step, const FoundEntry& found, bool keep_files,
                                        const std::string* in_memory) const {
  RestoreOutcome outcome;
  // This thread's restores read into one buffer (file_io.h: a fresh one per
  // entry cost page faults, and with several threads, munmap stalls); one
  // too large to keep is given back after.
  thread_local ReadBuffer buffer;
  struct GiveBackIfLarge {
    ~GiveBackIfLarge() {
      if (buffer.capacity() > kKeptReadBufferBytes) buffer.release();
    }
  } give_back;
  if (found.read_from != nullptr) {
    Status read = found.read_from->get_into(found.result_key, &buffer);
    if (!read) {
      outcome.detail = "cannot read entry " + found.result_key.to_string() + ": " + read.error();
      return outcome;
    }
    outcome.bytes_read = buffer.view().size();
  }
  // An uncompressed entry read here is restored from the buffer, not copied.
  auto payload = found.read_from != nullptr
                     ? codec_.open_payload_in_place(found.result_key, buffer.view())
                     : codec_.open_payload(found.result_key, found.blob);
  auto entry = payload ? decode_entry_view(payload->view()) : Result<EntryView>(payload.failure());
  if (!entry) {
    outcome.cause = MissCause::kCorrupt;
    outcome.rejection = entry.code();
    outcome.detail = "corrupt entry " + found.result_key.to_string() + ": " + entry.error();
    return outcome;
  }
  for (const StepOutput& output : step.outputs) {
    if (!entry->find(output.role)) {
      outcome.detail = "entry lacks output " + output.role;
      return outcome;
    }
  }
  for (const StepOutput& output : step.outputs) {
    const EntryFileView& file = *entry->find(output.role);
    if (in_memory != nullptr && output.path == *in_memory && !outcome.in_memory &&
        file.kind == EntryFileKind::kRegular) {
      outcome.in_memory = entry_file_content(step, output, file, paths_);
      continue;
    }
    Status written = restore_entry_file(step, output, file, paths_);
    if (!written) {
      outcome.detail = "cannot restore " + output.path + ": " + written.error();
      return outcome;
    }
  }
  outcome.restored = true;
  if (keep_files) {
    for (const EntryFileView& file : entry->files)
      outcome.entry.files.push_back(
          {std::string(file.role), file.mode, std::string(file.content), file.kind});
  }
  outcome.entry.stdout_text = std::string(entry->stdout_text);
  outcome.entry.stderr_text = std::string(entry->stderr_text);
  outcome.entry.exit_status = entry->exit_status;
  outcome.entry.duration_ms = entry->duration_ms;
  return outcome;
}

void StepCache::settle_restore(const Step& step, const FoundEntry& found,
                               const RestoreOutcome& restored) {
  std::string cwd = current_directory();
  for (const StepOutput& output : step.outputs) hasher_.forget(absolute_path(output.path, cwd));
  store_.counters()[counter::kBytesRead] += static_cast<int64_t>(restored.bytes_read);
  if (!restored.restored && restored.cause == MissCause::kCorrupt) {
    count_rejection(restored.rejection);
    store_.discard_local(found.result_key);
  }
}

// The depfile's dependencies, with the full depfile's when the user's
// leaves system headers out (-MMD): the union, each path once.
Result<std::vector<std::string>> StepCache::dependency_paths(const Step& step) {
  auto text = read_file(step.discovered_deps_file);
  if (!text) return Error{text.error()};
  auto depfile = parse_depfile(*text);
  if (!depfile) return Error{step.discovered_deps_file + ": " + depfile.error()};
  std::vector<std::string> paths = std::move(depfile->dependencies);
  if (step.full_deps_command.empty()) return paths;
  auto ran = run_process(step.full_deps_command);
  auto full = ran && ran->exit_status == 0 ? read_file(step.full_deps_file)
                                           : Result<std::string>(Error{"failed"});
  ::unlink(step.full_deps_file.c_str());
  if (!full) return Error{"the full dependency run failed: " + full.error()};
  auto full_depfile = parse_depfile(*full);
  if (!full_depfile) return Error{step.full_deps_file + ": " + full_depfile.error()};
  std::set<std::string> seen(paths.begin(), paths.end());
  for (std::string& path : full_depfile->dependencies) {
    if (seen.insert(path).second) paths.push_back(std::move(path));
  }
  return paths;
}

Result<std::vector<Dependency>> StepCache::discovered_dependencies(const Step& step,
                                                                   const StepStart& start,
                                                                   std::string* skip_reason) {
  auto dependency_list = dependency_paths(step);
  if (!dependency_list) return Error{dependency_list.error()};
  std::vector<Dependency> deps;
  IncludeListings listings(step.include_search);
  std::string cwd = current_directory();
  const int64_t settled_before = clock_ns(CLOCK_REALTIME_COARSE) - kCoarsestGranule;
  for (const std::string& path : *dependency_list) {
    std::string absolute = absolute_path(path, cwd);
    const std::optional<FileStamp> before = stat_file(path);
    auto known = before ? scanned_files_.find({absolute, *before}) : scanned_files_.end();
    std::optional<FileStamp> stamp = before;
    ScannedFile read_now;
    const ScannedFile* scanned = &read_now;
    if (known != scanned_files_.end()) {
      scanned = &known->second;
    } else {
      auto content = read_file(path);
      if (!content) return Error{content.error()};
      // Stat after reading: a change at any moment since the step started,
      // even between our read and now, shows in ctime/mtime.
      stamp = stat_file(path);
      if (!stamp || stamp->is_directory) return Error{"dependency " + path + " is not a file"};
      read_now.fingerprint = hash_bytes(*content).hex();
      read_now.unstorable = unstorable_content(*content);
      read_now.includes.spellings = scan_include_spellings(*content, &read_now.includes.computed);
      if (before == stamp && std::max(stamp->mtime_ns, stamp->ctime_ns) < settled_before)
        scanned =
            &scanned_files_.emplace(std::pair{absolute, *stamp}, std::move(read_now)).first->second;
    }
    if (written_during_run(std::max(stamp->mtime_ns, stamp->ctime_ns), start)) {
      *skip_reason = "input-changed-during-run";
      return deps;
    }
    if (step.scan_for_macros) {
      if (*scanned->unstorable) {
        *skip_reason = scanned->unstorable;
        return deps;
      }
      listings.add_scanned(absolute, scanned->includes);
    }
    deps.push_back({paths_.normalize(path), scanned->fingerprint, stamp_text(*stamp)});
  }
  if (listings.saw_ignored_name()) {
    *skip_reason = "unusual-include-name";
    return deps;
  }
  if (!step.scan_for_macros) return deps;
  const size_t first_listing = deps.size();
  listings.finish(&deps, hasher_, paths_);
  // A dir first listed now, after the command (one only a header's #include
  // names: read_listings_before_run could not know it), that changed while
  // the command ran: a header may have appeared in it after the compiler
  // looked, which the listing has and the object does not.
  // (A dir known before was read before the command: one our own output
  // lands in, the source's dir, keeps its listing from before.)
  const IncludeListings known = listings_known_before_run(step);
  for (size_t i = first_listing; i < deps.size(); ++i) {
    if (!is_listing_fingerprint(deps[i].fingerprint)) continue;
    const std::string dir = paths_.restore(deps[i].path);
    if (known.dirs().count(dir)) {
      // Read before the command, but read again since (a lookup found the
      // dir changed, FileHasher::begin_lookup) with other names: a header
      // appeared or went while the command ran.
      if (hasher_.names_changed_since(dir, start.coarse_ns)) {
        *skip_reason = "input-changed-during-run";
        return deps;
      }
      continue;
    }
    auto changed = hasher_.change_of_listing_read_since(dir, start.coarse_ns);
    if (changed && written_during_run(*changed, start)) {
      *skip_reason = "input-changed-during-run";
      return deps;
    }
  }
  return deps;
}

IncludeListings StepCache::listings_known_before_run(const Step& step) {
  IncludeListings listings(step.include_search);
  constexpr std::string_view kInputPrefix = "input:";
  std::string cwd = current_directory();
  for (const RecipeField& field : step.recipe.fields()) {
    if (field.name.compare(0, kInputPrefix.size(), kInputPrefix) != 0) continue;
    std::string path = absolute_path(paths_.restore(field.name.substr(kInputPrefix.size())), cwd);
    if (auto content = read_file(path)) listings.add_file(path, *content);
  }
  return listings;
}

void StepCache::read_listings_before_run(const Step& step) {
  if (step.scan_for_macros) listings_known_before_run(step).read_ahead(hasher_);
}

// The files hashed into the input key ("input:<path>" fields: a compile's
// source, an edge's declared inputs) were read before the run: one changed
// since then may have been compiled with other content than the key says.
bool StepCache::keyed_inputs_changed(const Step& step, const StepStart& start) const {
  constexpr std::string_view kInputPrefix = "input:";
  for (const RecipeField& field : step.recipe.fields()) {
    if (field.name.compare(0, kInputPrefix.size(), kInputPrefix) != 0) continue;
    std::string path = paths_.restore(field.name.substr(kInputPrefix.size()));
    auto stamp = stat_file(path);
    if (!stamp) return true;
    int64_t newest = std::max(stamp->mtime_ns, stamp->ctime_ns);
    if (!modified_since(newest, start)) continue;
    // Written in the clock granule of the start (an input an earlier step
    // of the same build wrote a moment ago), so before the command began
    // (wait_past_start_granule), but maybe after it was hashed: unchanged
    // when its content is still what the key says.
    if (written_during_run(newest, start)) return true;
    auto content = read_file(path);
    if (!content || hash_bytes(*content).hex() != field.value) return true;
  }
  return false;
}

std::string StepCache::embedded_base_dir(const Entry& entry) const {
  std::string example;  // the longest path found: a file names the checkout better than a dir
  for (const EntryFile& file : entry.files) {
    for (const std::string& dir : paths_.base_dirs()) {
      size_t at = file.content.find(dir);
      if (at == std::string::npos) continue;
      size_t end = at + dir.size();
      while (end < file.content.size() && end - at < 200 && is_path_byte(file.content[end])) ++end;
      if (end - at > example.size()) example = file.content.substr(at, end - at);
    }
  }
  return example;
}

// The manifest at `key` in `blob`, or an empty one when it is unreadable.
Manifest StepCache::open_manifest(const CacheKey& key, const std::string* blob) const {
  if (!blob) return {};
  auto payload = codec_.open(key, *blob);
  if (!payload) return {};
  auto decoded = decode_manifest(*payload);
  return decoded ? std::move(*decoded) : Manifest{};
}

// Merges `candidates` into the manifest at `key` (newest last in the list):
// concurrent writers each add theirs, none is lost (TieredStore::update).
ObjectUpdate StepCache::manifest_update(const CacheKey& key, const KeyRecipe& recipe,
                                        const std::vector<ManifestCandidate>& candidates) const {
  // The update owns copies: a deferred remote write (TieredStore) runs it
  // after the step's own objects are gone.
  auto added = std::make_shared<const std::vector<ManifestCandidate>>(candidates);
  auto recipe_copy = std::make_shared<const KeyRecipe>(recipe);
  ObjectUpdate update;
  auto merged = [this, key, recipe_copy, added](const std::string* current) {
    Manifest manifest = open_manifest(key, current);
    manifest.recipe = *recipe_copy;
    for (const ManifestCandidate& candidate : *added) manifest.add_candidate(candidate);
    return encode_manifest(manifest);
  };
  update.merge = [this, key, merged](const std::string* current) {
    return codec_.seal(key, merged(current));
  };
  // Read by every lookup of the step: decompressing a compile's manifest
  // (tens of KB of header paths) cost more than reading it whole, as an
  // entry's does (put_entry).
  if (codec_.compress && !codec_.compress_local_entries) {
    update.merge_local = [this, key, merged](const std::string* current) {
      return codec_.seal_uncompressed(key, merged(current));
    };
  }
  update.holds_addition = [this, key, added](const std::string& blob) {
    Manifest manifest = open_manifest(key, &blob);
    return std::all_of(added->begin(), added->end(), [&](const ManifestCandidate& wanted) {
      return std::any_of(manifest.candidates.begin(), manifest.candidates.end(),
                         [&](const ManifestCandidate& c) {
                           return c.result == wanted.result && c.deps == wanted.deps;
                         });
    });
  };
  return update;
}

void StepCache::update_manifest(const Step& step, ManifestCandidate candidate) {
  CacheKey key = input_key(step);
  std::vector<ManifestCandidate> added{std::move(candidate)};
  store_.update(key, manifest_update(key, step.recipe, added));
}

StoreOutcome StepCache::store(const Step& step, std::string stdout_text, std::string stderr_text,
                              uint64_t duration_ms, const StepStart& start,
                              std::vector<Dependency> observed) {
  StoreOutcome outcome;
  Entry entry;
  entry.stdout_text = paths_.normalize(stdout_text);
  entry.stderr_text = paths_.normalize(stderr_text);
  entry.duration_ms = duration_ms;
  for (const StepOutput& output : step.outputs) {
    auto file = capture_output(step, output, &outcome.reason);
    if (!file) return outcome;
    auto content = content_to_store(step, output, *file, paths_, &outcome.reason);
    if (!content) return outcome;
    file->content = std::move(*content);
    entry.files.push_back(std::move(*file));
  }
  // An output's name in the compiler's messages: they would be replayed
  // unchanged for another name.
  if (!step.output_paths_keyed && names_an_output(step, stdout_text + stderr_text)) {
    outcome.reason = "output-name-in-messages";
    return outcome;
  }
  if (keyed_inputs_changed(step, start)) {
    outcome.reason = "input-changed-during-run";
    return outcome;
  }
  if (!is_two_level(step)) {
    outcome.result_key = input_key(step);
    put_entry(outcome.result_key, encode_entry(entry));
    outcome.kind = StoreResultKind::kStored;
    return outcome;
  }
  std::vector<Dependency> deps;
  if (!step.discovered_deps_file.empty()) {
    auto discovered = discovered_dependencies(step, start, &outcome.reason);
    if (!discovered) {
      outcome.reason = "bad-depfile";
      return outcome;
    }
    if (!outcome.reason.empty()) return outcome;
    deps = std::move(*discovered);
  }
  deps.insert(deps.end(), std::make_move_iterator(observed.begin()),
              std::make_move_iterator(observed.end()));
  if (std::string example = embedded_base_dir(entry); !example.empty())
    deps.push_back({kAbsolutePathsDep, joined(paths_.base_dirs()), example});
  if (!step.pinned_cwd.empty()) deps.push_back({kAbsoluteCwdDep, step.pinned_cwd, ""});
  Hasher hasher;
  hasher.update_field(input_key(step).digest.hex());
  for (const Dependency& dep : deps) {
    hasher.update_field(dep.path);
    hasher.update_field(dep.fingerprint);
  }
  outcome.result_key = CacheKey{ObjectKind::kResult, hasher.digest()};
  // The result goes first: a manifest must never name a result not yet there.
  put_entry(outcome.result_key, encode_entry(entry));
  update_manifest(step, ManifestCandidate{std::move(deps), outcome.result_key.digest});
  outcome.kind = StoreResultKind::kStored;
  return outcome;
}

}  // namespace edgecache
