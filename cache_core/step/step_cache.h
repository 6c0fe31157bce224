#pragma once
// The cache logic both faces share: look a build step up (two-level when the
// step discovers its inputs through a depfile), restore its outputs on a hit,
// and store them after a successful real run.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "edgecache/blob_envelope.h"
#include "edgecache/clock.h"
#include "edgecache/entry.h"
#include "edgecache/file_hasher.h"
#include "edgecache/include_listing.h"
#include "edgecache/key_recipe.h"
#include "edgecache/manifest.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/step_outcome.h"
#include "edgecache/tiered_store.h"

namespace edgecache {

struct StepOutput {
  std::string role;          // stable name inside the entry: "object", "depfile", "output:0", ...
  std::string path;          // where the step writes it now (absolute, or relative to the cwd)
  bool holds_paths = false;  // text naming files (a depfile): base dirs are normalized
};

struct Step {
  KeyRecipe recipe;                 // the input key: tool, command, declared inputs, env
  std::vector<StepOutput> outputs;  // everything restored on a hit
  // False for a compile whose output names change nothing it writes: the
  // outputs' paths are not in the key (edgecache-ninja keys an edge's other
  // outputs' paths as usual).
  bool output_paths_keyed = true;
  // A compile's depfile (the output of role "depfile") whose rule names the
  // object: the target text as the compiler writes it here. Stored as a
  // placeholder and restored as this step's, so a compile writing another
  // object name shares the entry. A run whose depfile does not start with
  // it is not stored.
  std::string depfile_target;
  // A depfile the run writes, listing the inputs it discovered; when set, the
  // lookup is two-level (manifest, then result). May also be an output.
  std::string discovered_deps_file;
  // Compiles: where include lookups go. Every directory a lookup of the
  // files read could visit is recorded with its listing (include_listing.h),
  // so a header created there later, which would be found first, is a miss.
  IncludeSearch include_search;
  // Compiles with -MMD: the user's depfile leaves system headers out, so
  // after a real run this command (the same compile, preprocessing only)
  // writes a full depfile to `full_deps_file` for the key, then it is deleted.
  std::vector<std::string> full_deps_command;
  std::string full_deps_file;
  // Compiles: an input using __DATE__/__TIME__, or .incbin (a file no
  // depfile names), is never stored. (Outputs
  // that embed a base dir, e.g. through __FILE__, are detected for every
  // step by scanning the outputs themselves.)
  bool scan_for_macros = false;
  // The run is observed (edgecache-ninja's tracer): what it read, probed and
  // listed is handed to store() and becomes the manifest candidate's
  // dependencies, as a depfile's headers do. Makes the lookup two-level.
  bool observed = false;
  // Set to the working dir when the outputs embed it in a way no scan can
  // be trusted to see (debug info without a prefix map, possibly compressed):
  // a result then serves only this exact dir. It is a pseudo-dependency of
  // the manifest candidate, not part of the input key, so another build dir
  // finds the manifest and its lookup can say why it missed.
  std::string pinned_cwd;
  // A symlink at an output path is the step's own making (ln -s, CMake's
  // cmake_symlink_library): stored and restored as a symlink. When false
  // (a compiler writes through a symlink named by -o) such a step is not
  // cached at all.
  bool symlink_outputs = false;
  // Ninja's restat: on a hit, an output that already holds the cached bytes
  // is left alone, mtime and all, so Ninja prunes what depends on it exactly
  // as after a real run that did not touch it. Otherwise such an output is
  // only touched, as a real run would rewrite it (else Ninja, finding it
  // older than its inputs, would run the step again on every build).
  bool keep_unchanged_outputs = false;
  // Filled by check_output_paths(): each symlink output's own stamp before
  // the run; a symlink the run left as it was was written through, not made.
  std::vector<std::pair<std::string, FileStamp>> symlinks_before_run;
};

enum class LookupResult { kHit, kMiss };

// Why a lookup missed, as far as the lookup itself can tell.
enum class MissCause {
  kNotInCache,     // no manifest (or single-level entry) under the input key
  kInputsChanged,  // a manifest, but a discovered dependency differs from every candidate
  kEmbeddedPath,   // a candidate matches except that its result embeds another checkout's path
  kEntryGone,      // a candidate matched, its result entry is not in the cache
  kCorrupt,        // an object was corrupt or badly signed (discarded)
  kRestoreFailed,  // the entry lacks an output, or writing one failed
};
// Stable short name, for the stats (miss.<name>).
const char* miss_cause_name(MissCause cause);

struct LookupOutcome {
  LookupResult result = LookupResult::kMiss;
  StoreTier source = StoreTier::kLocal;      // on a hit: the tier that held the entry
  Entry entry;                               // on a hit: stdout, stderr, duration to replay
  CacheKey result_key;                       // on a hit
  MissCause cause = MissCause::kNotInCache;  // on a miss
  // On a miss: what the lookup saw, in words (for every cause but
  // kNotInCache a full sentence; the faces complete kNotInCache from the
  // step's history, see miss_explanation.h).
  std::string miss_detail;

  // On a hit: kLocalHit or kRemoteHit, by where the entry was.
  StepOutcome hit_outcome() const { return hit_from(source); }
};

// A hit decided (the manifest matched, the result's object is at hand) whose
// entry is not opened yet: StepCache::restore_found() opens it and writes
// the outputs, on any thread.
struct FoundEntry {
  CacheKey result_key;
  StoreTier source = StoreTier::kLocal;
  std::string blob;  // the object as stored; empty when `read_from` is set
  // locate(..., kReadLater) of an object in the local store: the store
  // restore_found() reads it from, so reading it (hundreds of KB) is left to
  // the restore thread. Its get() must be safe beside the lookup thread's
  // calls: LocalStore's reads a file and touches its mtime, sharing nothing.
  Store* read_from = nullptr;
};

// Whether locate() reads the object of a local hit (kReadNow) or leaves it
// to restore_found() (kReadLater: a hit then means the object was in the
// local store at the decision; gone by the restore, the restore fails and
// the step runs, as for any failed restore).
enum class EntryRead { kReadNow, kReadLater };

// What restore_found() did.
struct RestoreOutcome {
  bool restored = false;
  // When not restored: kCorrupt (the entry did not open: counted and
  // discarded by settle_restore()) or kRestoreFailed, and the miss sentence.
  MissCause cause = MissCause::kRestoreFailed;
  std::string detail;
  ErrorCode rejection = ErrorCode::kCorrupt;  // kCorrupt: why, for the counters
  // Bytes restore_found() read from FoundEntry::read_from (for the stats).
  uint64_t bytes_read = 0;
  // When restored: stdout, stderr, exit status, duration; the files' bytes
  // only when asked for (keep_files).
  Entry entry;
  // When restored with an output left in memory: that output's bytes, as
  // they would have been written.
  std::optional<std::string> in_memory;
};

enum class StoreResultKind { kStored, kSkipped };
struct StoreOutcome {
  StoreResultKind kind = StoreResultKind::kSkipped;
  std::string reason;  // when skipped: "time-macros", "incbin", "input-changed-during-run", ...
  CacheKey result_key;
};

// When a step began, as file timestamps see it, for store()'s change check.
// A timestamp comes from the kernel's coarse clock, or (multigrain
// timestamps, Linux 6.13+: a file whose times were read since its last
// change) from the fine clock, which runs ahead of the coarse one by up to a
// tick, and by more when the tick comes late on a loaded machine (measured
// here: 5.7 ms with a 4 ms tick). So one reading cannot bound both sides.
struct StepStart {
  // CLOCK_REALTIME_COARSE: a file written after the start carries a
  // timestamp at or after it (CLOCK_REALTIME could be ahead of that).
  int64_t coarse_ns = 0;
  // CLOCK_REALTIME, read just after: a file written before the start
  // carries a timestamp at or before it, even a fine-grained one.
  int64_t fine_ns = 0;
};

class StepCache {
 public:
  StepCache(TieredStore& store, const PathNormalizer& paths, FileHasher& hasher,
            BlobCodec codec = {});

  CacheKey input_key(const Step& step) const;
  // Finds the step's result and restores its outputs: locate(), then
  // restore_found() and settle_restore(). `keep_files`: the outcome's entry
  // keeps the files' bytes too (to compare with a real run, --verify).
  LookupOutcome lookup(const Step& step, bool keep_files = true);
  // lookup() up to the hit decision, writing nothing: on a hit, `*found`
  // holds the result's object (or, with kReadLater, where to read it from),
  // still to be opened by restore_found().
  LookupOutcome locate(const Step& step, FoundEntry* found, EntryRead read = EntryRead::kReadNow);
  // Opens `found` (envelope, checksum, entry) and writes the step's outputs
  // at this step's paths, each atomically. Nothing is written unless the
  // entry opens and holds every output. Safe to call from another thread
  // while this StepCache serves lookups: it reads only the step, `found`
  // and what is fixed at construction (paths, codec), and memoizes nothing.
  // `in_memory`: the path of an output that is not written but handed back
  // in the outcome (a depfile Ninja reads once and deletes: edgecache-ninja
  // gives it the bytes instead of a file to create, read and unlink).
  RestoreOutcome restore_found(const Step& step, const FoundEntry& found, bool keep_files = false,
                               const std::string* in_memory = nullptr) const;
  // On the lookup's thread once restore_found() returned: the hasher forgets
  // what it memoized about the outputs; a corrupt entry is counted and
  // dropped from the local store.
  void settle_restore(const Step& step, const FoundEntry& found, const RestoreOutcome& restored);
  // lookup() without the restore: the result whose candidate matches (the
  // entry fetched into the local store), writing no output. For lookups
  // ahead of the build, whose FileHasher may answer from predictions.
  LookupOutcome find(const Step& step);
  // A miss, just before its command runs: reads the listings of the dirs its
  // include lookups are known to visit (every search dir, and each subdir
  // the #includes of its keyed inputs name), so store() records them as
  // they were before the command: a header created in one of them while
  // the compiler runs makes the next lookup miss, not hit on an object
  // built without it. (The pch probes no longer read them ahead.)
  void read_listings_before_run(const Step& step);
  // Fills the local store from the remote with the step's manifest and its
  // newest `max_results` results, restoring nothing: a head start for a
  // later lookup(). True when any object came from the remote.
  bool prefetch(const Step& step, size_t max_results = 4);
  // Reads the outputs from disk after a successful run and stores them.
  // `start` is step_start() taken before the step's inputs were first read
  // (before its key was computed): an input (keyed or discovered) whose
  // mtime or ctime is not older than that may have changed while it was
  // hashed or while the command ran, so nothing is stored. `observed`: the
  // read set of an observed step (normalized paths, fingerprints taken after
  // the run), recorded in its manifest candidate next to the depfile's
  // dependencies.
  StoreOutcome store(const Step& step, std::string stdout_text, std::string stderr_text,
                     uint64_t duration_ms, const StepStart& start,
                     std::vector<Dependency> observed = {});

 private:
  std::optional<CacheKey> match_manifest(const Step& step, LookupOutcome* outcome);
  // The first of `deps` (Dependency or DependencyView) that differs now;
  // nullptr when all match.
  template <typename Dep>
  const Dep* first_changed(const Step& step, const std::vector<Dep>& deps,
                           const std::string& raw_base_dirs);
  std::string describe_mismatch(const Step& step, const std::vector<ManifestCandidate>& candidates,
                                const std::string& raw_base_dirs, MissCause* cause);
  std::optional<CacheKey> result_key_for(const Step& step, LookupOutcome* outcome);
  // The miss when the result's object is not there: `missing` is why.
  void note_missing_entry(const Step& step, const Error& missing, LookupOutcome* outcome) const;
  // The object at `key`, decoded; kNotFound ("no entry"), or kCorrupt (a
  // corrupt or badly signed object: counted, and dropped from the local
  // cache). `source`: set to the tier that held it.
  template <typename T>
  Result<T> fetch_object(const CacheKey& key, Result<T> (*decode)(std::string_view),
                         StoreTier* source);
  // The object at `key`, opened (envelope, checksum) but not decoded; the
  // errors of fetch_object().
  Result<Payload> fetch_payload(const CacheKey& key, StoreTier* source);
  // Counts and drops the corrupt object at `key`: the error that says so.
  Error reject_corrupt(const CacheKey& key, const Error& why);
  Result<Entry> fetch_entry(const CacheKey& key, StoreTier* source);
  Result<std::vector<Dependency>> discovered_dependencies(const Step& step, const StepStart& start,
                                                          std::string* skip_reason);
  bool is_two_level(const Step& step) const;
  Result<std::vector<std::string>> dependency_paths(const Step& step);
  bool keyed_inputs_changed(const Step& step, const StepStart& start) const;
  bool dependency_unchanged(const Step& step, const DependencyView& dep,
                            const std::string& raw_base_dirs);
  // The dirs a step's include lookups are known to visit before it runs:
  // every search dir, and each subdir the #includes of its keyed inputs name.
  IncludeListings listings_known_before_run(const Step& step);
  // stamp_text() of directory `dir` now ("" when it is none), stat once per lookup.
  const std::string& dir_stamp_now(std::string_view dir);
  // Counts an object that could not be opened: a bad signature, or corrupt.
  void count_rejection(ErrorCode code);
  // An example of a base dir path found in the entry's bytes ("" when none).
  std::string embedded_base_dir(const Entry& entry) const;
  void update_manifest(const Step& step, ManifestCandidate candidate);
  // Stores a result entry: sealed for the local cache and for the remote as
  // the codec says (BlobCodec::compress_local_entries).
  void put_entry(const CacheKey& key, std::string_view payload);
  std::optional<CacheKey> match_remote_manifest(const Step& step, const std::string& raw_base_dirs);
  Manifest open_manifest(const CacheKey& key, const std::string* blob) const;
  ObjectUpdate manifest_update(const CacheKey& key, const KeyRecipe& recipe,
                               const std::vector<ManifestCandidate>& candidates) const;

  TieredStore& store_;
  const PathNormalizer& paths_;
  FileHasher& hasher_;
  BlobCodec codec_;
  // dir_stamp_now() of the current lookup (looked up by string_view: asked
  // for each of thousands of dependencies).
  std::map<std::string, std::string, std::less<>> dir_stamps_;
  // What storing a step learnt of each discovered dependency, by absolute
  // path and stamp: the libstdc++ headers every compile of a build reads
  // are read, hashed and scanned once (they were most of what a cold build
  // spent storing steps). Only files whose stamp was the same before and
  // after the read, and older than the coarsest timestamp granule, so that
  // a rewrite shows as another stamp.
  struct ScannedFile {
    std::string fingerprint;
    const char* unstorable = "";  // unstorable_content()
    ScannedIncludes includes;
  };
  std::map<std::pair<std::string, FileStamp>, ScannedFile> scanned_files_;
};

StepStart step_start();
// True when a file timestamp may be from the start or later. Filesystems
// that keep whole seconds (ext4 with 128-byte inodes, many NFS servers) or
// two (FAT) round timestamps down, so a timestamp without a sub-second part
// is compared with the start rounded down to an even second.
bool modified_since(int64_t timestamp_ns, const StepStart& start);
// A timestamp is ambiguous up to the start's granule end: the coarse clock
// tick of the start, and at least the fine clock at the start (a file
// written just before the step, a tool linked by the step before, may carry
// any timestamp up to that). A miss waits for the coarse clock to pass the
// granule end before its command begins (wait_past_start_granule), so such
// a write came before the command read the file; only later timestamps
// (and, on filesystems keeping whole seconds, any from the start's
// two-second granule) count as written while the command ran.
bool written_during_run(int64_t timestamp_ns, const StepStart& start);
void wait_past_start_granule(const StepStart& start);

}  // namespace edgecache
