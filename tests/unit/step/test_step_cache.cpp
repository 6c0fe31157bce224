// StepCache, the logic both programs share: a step stored after a real run
// comes back on a lookup (outputs at this step's paths, stdout and stderr to
// replay); anything the key does not cover makes a miss with a cause. The
// store is in memory; the step's files are real files in a temp dir.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "edgecache/file_io.h"
#include "edgecache/step_cache.h"
#include "memory_store.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::MemoryStore;
using testing::TempDir;

// One cache as a face builds it (cache_session.h does this from the config):
// a local store, no remote, the step cache over them.
struct Cache {
  explicit Cache(std::vector<std::string> base_dirs = {}) : paths(std::move(base_dirs)) {}
  MemoryStore local;
  TieredStore tiered{&local, nullptr};
  PathNormalizer paths;
  FileHasher hasher;
  StepCache steps{tiered, paths, hasher};
};

// A step that writes `dir`/out.o from the command "cc -c a.c".
Step compile_step(const TempDir& dir, const std::string& flag = "-O1") {
  Step step;
  step.recipe.add("tool", "cc");
  step.recipe.add("arg", flag);
  step.outputs = {{"object", dir.file("out.o"), false}};
  return step;
}

// Runs `step` "for real" (writes its output) and stores it.
StoreOutcome run_and_store(Cache& cache, const Step& step, const std::string& object) {
  StepStart start = step_start();
  EXPECT_TRUE(write_file_atomic(step.outputs[0].path, object));
  return cache.steps.store(step, "stdout text", "warning: x", 42, start);
}

TEST(StepCache, AStoredStepIsRestoredAndItsOutputReplayed) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  EXPECT_EQ(cache.steps.lookup(step).result, LookupResult::kMiss);
  StoreOutcome stored = run_and_store(cache, step, "object bytes");
  ASSERT_EQ(stored.kind, StoreResultKind::kStored) << stored.reason;
  std::filesystem::remove(dir.file("out.o"));

  LookupOutcome found = cache.steps.lookup(step);
  ASSERT_EQ(found.result, LookupResult::kHit) << found.miss_detail;
  EXPECT_EQ(found.source, StoreTier::kLocal);
  EXPECT_EQ(found.result_key, stored.result_key);
  EXPECT_EQ(*read_file(dir.file("out.o")), "object bytes");
  EXPECT_EQ(found.entry.stdout_text, "stdout text");
  EXPECT_EQ(found.entry.stderr_text, "warning: x");
  EXPECT_EQ(found.entry.duration_ms, 42u);
}

TEST(StepCache, AnyChangeInTheRecipeIsAMissNotInCache) {
  TempDir dir;
  Cache cache;
  run_and_store(cache, compile_step(dir, "-O1"), "object bytes");
  LookupOutcome found = cache.steps.lookup(compile_step(dir, "-O2"));
  EXPECT_EQ(found.result, LookupResult::kMiss);
  EXPECT_EQ(found.cause, MissCause::kNotInCache);
  EXPECT_STREQ(miss_cause_name(found.cause), "not-in-cache");
}

TEST(StepCache, ACorruptEntryIsAMissThatIsCountedAndDropped) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  cache.local.objects[cache.steps.input_key(step).to_string()] = "not an envelope";
  LookupOutcome found = cache.steps.lookup(step);
  EXPECT_EQ(found.result, LookupResult::kMiss);
  EXPECT_EQ(found.cause, MissCause::kCorrupt);
  EXPECT_EQ(cache.tiered.counters()[counter::kCorruptEntry], 1);
  EXPECT_TRUE(cache.local.objects.empty());  // never read again
}

TEST(StepCache, AnEntryWithoutAnOutputTheStepDeclaresIsNoHit) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  run_and_store(cache, step, "object bytes");
  step.outputs.push_back({"depfile", dir.file("out.o.d"), true});
  LookupOutcome found = cache.steps.lookup(step);
  EXPECT_EQ(found.result, LookupResult::kMiss);
  EXPECT_EQ(found.cause, MissCause::kRestoreFailed);
  EXPECT_EQ(found.miss_detail, "entry lacks output depfile");
}

TEST(StepCache, AMissingOutputAfterTheRunIsNotStored) {
  TempDir dir;
  Cache cache;
  StoreOutcome stored = cache.steps.store(compile_step(dir), "", "", 1, step_start());
  EXPECT_EQ(stored.kind, StoreResultKind::kSkipped);
  EXPECT_EQ(stored.reason, "output-missing");
  EXPECT_TRUE(cache.local.objects.empty());
}

TEST(StepCache, AnInputEditedWhileTheStepRanIsNotStored) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  std::string source = dir.write("a.c", "int a;");
  step.recipe.add_hash("input:" + source, hash_bytes("int a;"));
  StepStart start = step_start();
  wait_past_start_granule(start);  // as a miss does before running the command
  dir.write("a.c", "int b;");      // the user saves the file mid-compile
  ASSERT_TRUE(write_file_atomic(step.outputs[0].path, "object bytes"));
  StoreOutcome stored = cache.steps.store(step, "", "", 1, start);
  EXPECT_EQ(stored.kind, StoreResultKind::kSkipped);
  EXPECT_EQ(stored.reason, "input-changed-during-run");
}

// A header appears in a search dir while the compiler runs, and another
// lookup of the build (edgecache-ninja checks memoized listings on each)
// reads that dir again: the step's store must not record the names from
// after the run, with an object made before the header was there.
TEST(StepCache, ASearchDirWhoseNamesChangedWhileTheStepRanIsNotStored) {
  TempDir dir;
  Cache cache;
  std::filesystem::create_directories(dir.file("gen"));
  std::string header = dir.write("src/config.h", "#define V 1\n");
  std::string source = dir.write("a.c", "#include \"config.h\"\nint a = V;\n");
  Step step = compile_step(dir);
  step.recipe.add_hash("input:" + source, hash_bytes("#include \"config.h\"\nint a = V;\n"));
  step.scan_for_macros = true;
  step.include_search.bracket_dirs = {dir.file("gen"), dir.file("src")};
  step.discovered_deps_file = dir.write("out.o.d", "out.o: " + source + " " + header + "\n");
  cache.hasher.begin_lookup();  // the step's own lookup: a miss
  StepStart start = step_start();
  cache.steps.read_listings_before_run(step);
  wait_past_start_granule(start);              // as a miss does before running the command
  dir.write("gen/config.h", "#define V 2\n");  // while the compiler runs
  cache.hasher.begin_lookup();                 // another edge's lookup...
  EXPECT_TRUE(cache.hasher.may_exist(dir.file("gen/config.h")));  // ...sees it
  ASSERT_TRUE(write_file_atomic(step.outputs[0].path, "object made with src/config.h"));
  StoreOutcome stored = cache.steps.store(step, "", "", 1, start);
  EXPECT_EQ(stored.kind, StoreResultKind::kSkipped);
  EXPECT_EQ(stored.reason, "input-changed-during-run");
}

// A step with a depfile is looked up in two levels: the input key names a
// manifest whose candidates list the discovered headers and their hashes.
TEST(StepCache, AChangedDiscoveredHeaderIsAMissThatNamesIt) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  std::string header = dir.write("a.h", "#define A 1");
  step.discovered_deps_file = dir.write("out.o.d", "out.o: " + header + "\n");
  StoreOutcome stored = run_and_store(cache, step, "object bytes");
  ASSERT_EQ(stored.kind, StoreResultKind::kStored) << stored.reason;
  EXPECT_EQ(cache.steps.input_key(step).kind, ObjectKind::kManifest);
  EXPECT_EQ(cache.steps.lookup(step).result, LookupResult::kHit);

  dir.write("a.h", "#define A 2");
  Cache fresh;  // a later build: no memoized hashes
  fresh.local.objects = cache.local.objects;
  LookupOutcome found = fresh.steps.lookup(step);
  EXPECT_EQ(found.result, LookupResult::kMiss);
  EXPECT_EQ(found.cause, MissCause::kInputsChanged);
  EXPECT_NE(found.miss_detail.find(header), std::string::npos) << found.miss_detail;
}

// Storing remembers what it read of each discovered header by path and
// stamp (the libstdc++ headers every compile of a build reads are read
// once); a header rewritten between two stores has another stamp and is
// read again, even at the same size.
TEST(StepCache, AHeaderRewrittenBetweenTwoStoresOfOneBuildIsReadAgain) {
  TempDir dir;
  Cache cache;
  std::string header = dir.write("a.h", "#define A 1 /* padding */");
  // Older than the coarsest timestamp granule: its stamp may be remembered.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto step_with_header = [&](const std::string& flag) {
    Step step = compile_step(dir, flag);
    step.discovered_deps_file = dir.write("out.o.d", "out.o: " + header + "\n");
    step.scan_for_macros = true;
    return step;
  };
  Step first = step_with_header("-O1");
  ASSERT_EQ(run_and_store(cache, first, "one").kind, StoreResultKind::kStored);
  Step second = step_with_header("-O2");  // the same header, remembered
  ASSERT_EQ(run_and_store(cache, second, "two").kind, StoreResultKind::kStored);
  EXPECT_EQ(cache.steps.lookup(second).result, LookupResult::kHit);

  dir.write("a.h", "#define A __DATE__ /*x*/");                // the same size
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // before the next step starts
  StoreOutcome third = run_and_store(cache, step_with_header("-O3"), "three");
  EXPECT_EQ(third.kind, StoreResultKind::kSkipped);
  EXPECT_EQ(third.reason, "time-macros");
}

TEST(StepCache, AManifestWhoseResultIsGoneSaysSo) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  step.discovered_deps_file = dir.write("out.o.d", "out.o: " + dir.write("a.h", "") + "\n");
  StoreOutcome stored = run_and_store(cache, step, "object bytes");
  ASSERT_EQ(stored.kind, StoreResultKind::kStored) << stored.reason;
  cache.local.objects.erase(stored.result_key.to_string());  // evicted
  LookupOutcome found = cache.steps.lookup(step);
  EXPECT_EQ(found.cause, MissCause::kEntryGone);
}

// compile_step() that also writes out.o.d, the depfile it discovers its headers from.
Step compile_step_with_depfile(const TempDir& dir) {
  Step step = compile_step(dir);
  step.discovered_deps_file = dir.file("out.o.d");
  step.outputs.push_back({"depfile", dir.file("out.o.d"), true});
  return step;
}

// Base dirs make keys path-independent: a teammate's checkout at another
// path hits what this one stored, and gets the outputs at its own paths.
TEST(StepCache, ACheckoutAtAnotherPathHitsThroughBaseDirPlaceholders) {
  TempDir mine, theirs;
  Cache here({mine.path()}), there({theirs.path()});
  for (const TempDir* dir : {&mine, &theirs}) dir->write("a.h", "#define A 1");
  Step step = compile_step_with_depfile(mine);
  mine.write("out.o.d", "out.o: " + mine.file("a.h") + "\n");
  StoreOutcome stored = run_and_store(here, step, "object bytes");
  ASSERT_EQ(stored.kind, StoreResultKind::kStored) << stored.reason;

  there.local.objects = here.local.objects;  // a shared remote, in effect
  LookupOutcome found = there.steps.lookup(compile_step_with_depfile(theirs));
  ASSERT_EQ(found.result, LookupResult::kHit) << found.miss_detail;
  EXPECT_EQ(*read_file(theirs.file("out.o")), "object bytes");
  EXPECT_EQ(*read_file(theirs.file("out.o.d")), "out.o: " + theirs.file("a.h") + "\n");
}

// edgecache-ninja hands a `deps = gcc` edge's depfile to Ninja in memory:
// the output asked for is not written, and its bytes are those a restore
// would have written there (this checkout's paths).
TEST(StepCache, AnOutputLeftInMemoryIsHandedBackAsItWouldBeWrittenAndNotWritten) {
  TempDir mine, theirs;
  Cache here({mine.path()}), there({theirs.path()});
  for (const TempDir* dir : {&mine, &theirs}) dir->write("a.h", "#define A 1");
  mine.write("out.o.d", "out.o: " + mine.file("a.h") + "\n");
  ASSERT_EQ(run_and_store(here, compile_step_with_depfile(mine), "object bytes").kind,
            StoreResultKind::kStored);

  there.local.objects = here.local.objects;
  const Step step = compile_step_with_depfile(theirs);
  FoundEntry found;
  ASSERT_EQ(there.steps.locate(step, &found).result, LookupResult::kHit);
  const std::string depfile = theirs.file("out.o.d");
  RestoreOutcome restored = there.steps.restore_found(step, found, false, &depfile);
  ASSERT_TRUE(restored.restored) << restored.detail;
  EXPECT_EQ(*read_file(theirs.file("out.o")), "object bytes");
  ASSERT_TRUE(restored.in_memory.has_value());
  EXPECT_EQ(*restored.in_memory, "out.o: " + theirs.file("a.h") + "\n");
  EXPECT_FALSE(std::filesystem::exists(depfile)) << "left in memory, not written";

  // Without the request, it is written as before, and nothing is handed back.
  RestoreOutcome written = there.steps.restore_found(step, found);
  ASSERT_TRUE(written.restored) << written.detail;
  EXPECT_FALSE(written.in_memory.has_value());
  EXPECT_EQ(*read_file(depfile), "out.o: " + theirs.file("a.h") + "\n");
}

TEST(StepCache, AResultEmbeddingTheCheckoutPathServesOnlyThatCheckout) {
  TempDir mine, theirs;
  Cache here({mine.path()}), there({theirs.path()});
  Step step = compile_step(mine);
  StoreOutcome stored = run_and_store(here, step, "debug info: " + mine.file("a.c"));
  ASSERT_EQ(stored.kind, StoreResultKind::kStored) << stored.reason;
  there.local.objects = here.local.objects;
  LookupOutcome found = there.steps.lookup(compile_step(theirs));
  EXPECT_EQ(found.result, LookupResult::kMiss);
  EXPECT_EQ(found.cause, MissCause::kEmbeddedPath);
  EXPECT_EQ(here.steps.lookup(step).result, LookupResult::kHit);
}

// A step writing two outputs: out.o and out.txt.
Step two_output_step(const TempDir& dir) {
  Step step = compile_step(dir);
  step.outputs.push_back({"output:1", dir.file("out.txt"), false});
  return step;
}

StoreOutcome run_and_store_two(Cache& cache, const Step& step, const std::string& object,
                               const std::string& text) {
  EXPECT_TRUE(write_file_atomic(step.outputs[1].path, text));
  return run_and_store(cache, step, object);
}

TEST(StepCache, LocateDecidesTheHitAndWritesNothingUntilRestoreFound) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  ASSERT_EQ(run_and_store(cache, step, "object bytes").kind, StoreResultKind::kStored);
  std::filesystem::remove(dir.file("out.o"));

  FoundEntry found;
  LookupOutcome located = cache.steps.locate(step, &found);
  ASSERT_EQ(located.result, LookupResult::kHit) << located.miss_detail;
  EXPECT_EQ(found.result_key, located.result_key);
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.o")));

  RestoreOutcome restored = cache.steps.restore_found(step, found);
  ASSERT_TRUE(restored.restored) << restored.detail;
  cache.steps.settle_restore(step, found, restored);
  EXPECT_EQ(*read_file(dir.file("out.o")), "object bytes");
  EXPECT_EQ(restored.entry.stdout_text, "stdout text");
  EXPECT_EQ(restored.entry.stderr_text, "warning: x");
  EXPECT_EQ(restored.entry.duration_ms, 42u);
  EXPECT_TRUE(restored.entry.files.empty()) << "the files' bytes are only kept when asked for";
}

TEST(StepCache, ReadLaterLeavesTheLocalObjectToTheRestoreAndCountsItsBytesThere) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  StoreOutcome stored = run_and_store(cache, step, "object bytes");
  ASSERT_EQ(stored.kind, StoreResultKind::kStored);
  std::filesystem::remove(dir.file("out.o"));
  const int gets_before = cache.local.gets;

  FoundEntry found;
  LookupOutcome located = cache.steps.locate(step, &found, EntryRead::kReadLater);
  ASSERT_EQ(located.result, LookupResult::kHit) << located.miss_detail;
  EXPECT_EQ(located.source, StoreTier::kLocal);
  EXPECT_TRUE(found.blob.empty());
  EXPECT_EQ(found.read_from, &cache.local);
  EXPECT_EQ(cache.local.gets, gets_before) << "the decision reads no object";

  RestoreOutcome restored = cache.steps.restore_found(step, found);
  ASSERT_TRUE(restored.restored) << restored.detail;
  EXPECT_EQ(cache.local.gets, gets_before + 1);
  EXPECT_EQ(restored.bytes_read, cache.local.objects[stored.result_key.to_string()].size());
  const int64_t counted = cache.tiered.counters()[counter::kBytesRead];
  cache.steps.settle_restore(step, found, restored);
  EXPECT_EQ(cache.tiered.counters()[counter::kBytesRead],
            counted + static_cast<int64_t>(restored.bytes_read));
  EXPECT_EQ(*read_file(dir.file("out.o")), "object bytes");
}

TEST(StepCache, ALocalObjectGoneBeforeItsReadLaterIsAFailedRestoreNotAHit) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  StoreOutcome stored = run_and_store(cache, step, "object bytes");
  std::filesystem::remove(dir.file("out.o"));
  FoundEntry found;
  ASSERT_EQ(cache.steps.locate(step, &found, EntryRead::kReadLater).result, LookupResult::kHit);
  cache.local.objects.erase(stored.result_key.to_string());  // evicted meanwhile

  RestoreOutcome restored = cache.steps.restore_found(step, found);
  EXPECT_FALSE(restored.restored);
  EXPECT_EQ(restored.cause, MissCause::kRestoreFailed);
  EXPECT_EQ(restored.detail.rfind("cannot read entry", 0), 0u) << restored.detail;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.o")));
  cache.steps.settle_restore(step, found, restored);
}

TEST(StepCache, ACorruptEntryFoundAfterTheHitDecisionWritesNothingAndIsDiscarded) {
  TempDir dir;
  Cache cache;
  Step step = two_output_step(dir);
  ASSERT_EQ(run_and_store_two(cache, step, "object bytes", "text").kind, StoreResultKind::kStored);
  std::filesystem::remove(dir.file("out.o"));
  std::filesystem::remove(dir.file("out.txt"));

  FoundEntry found;
  ASSERT_EQ(cache.steps.locate(step, &found).result, LookupResult::kHit);
  found.blob[found.blob.size() - 3] ^= 0x55;  // in the zstd frame
  RestoreOutcome restored = cache.steps.restore_found(step, found);
  EXPECT_FALSE(restored.restored);
  EXPECT_EQ(restored.cause, MissCause::kCorrupt);
  EXPECT_EQ(restored.detail.rfind("corrupt entry", 0), 0u) << restored.detail;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.o")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.txt")));

  cache.steps.settle_restore(step, found, restored);
  EXPECT_EQ(cache.local.objects.count(found.result_key.to_string()), 0u)
      << "a corrupt entry is dropped";
  LookupOutcome again = cache.steps.lookup(step);
  EXPECT_EQ(again.result, LookupResult::kMiss);
}

TEST(StepCache, ARestoreThatCannotWriteAnOutputIsAFailureNotAHit) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  ASSERT_EQ(run_and_store(cache, step, "object bytes").kind, StoreResultKind::kStored);
  // Its directory is now a file: no output can be written there.
  Step elsewhere = step;
  dir.write("blocked", "a file, not a directory");
  elsewhere.outputs[0].path = dir.file("blocked/out.o");
  FoundEntry found;
  ASSERT_EQ(cache.steps.locate(elsewhere, &found).result, LookupResult::kHit);
  RestoreOutcome restored = cache.steps.restore_found(elsewhere, found);
  EXPECT_FALSE(restored.restored);
  EXPECT_EQ(restored.cause, MissCause::kRestoreFailed);
  EXPECT_NE(restored.detail.find("cannot restore"), std::string::npos) << restored.detail;
  cache.steps.settle_restore(elsewhere, found, restored);
  EXPECT_EQ(cache.local.objects.count(found.result_key.to_string()), 1u) << "a good entry stays";
  // lookup() says the same: a miss the caller runs for real.
  LookupOutcome looked = cache.steps.lookup(elsewhere);
  EXPECT_EQ(looked.result, LookupResult::kMiss);
  EXPECT_EQ(looked.cause, MissCause::kRestoreFailed);
}

TEST(StepCache, AnOutputBeingRestoredOnAnotherThreadIsNeverSeenHalfWritten) {
  TempDir dir;
  Cache cache;
  Step step = compile_step(dir);
  std::string big(24 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 5);
  ASSERT_EQ(run_and_store(cache, step, big).kind, StoreResultKind::kStored);
  std::filesystem::remove(dir.file("out.o"));
  FoundEntry found;
  ASSERT_EQ(cache.steps.locate(step, &found).result, LookupResult::kHit);

  std::atomic<bool> done{false};
  std::atomic<int> partial{0};
  std::thread reader([&] {
    // Ninja, or a dependent's lookup, reading the path meanwhile.
    while (!done) {
      struct stat st {};
      if (::stat(dir.file("out.o").c_str(), &st) == 0 &&
          static_cast<size_t>(st.st_size) != big.size())
        ++partial;
    }
  });
  RestoreOutcome restored;
  std::thread writer([&] { restored = cache.steps.restore_found(step, found); });
  writer.join();
  done = true;
  reader.join();
  ASSERT_TRUE(restored.restored) << restored.detail;
  EXPECT_EQ(partial, 0) << "the output was visible before it was complete";
  EXPECT_EQ(*read_file(dir.file("out.o")), big);
}

TEST(StepCache, ModifiedSinceRoundsWholeSecondTimestampsDown) {
  const int64_t second = 1'000'000'000;
  const int64_t at = 101 * second + 500'000'000;  // 101.5 s
  const StepStart start{at, at};
  EXPECT_TRUE(modified_since(at, start));
  EXPECT_FALSE(modified_since(at - 1, start));
  // A filesystem keeping whole seconds (or FAT's two): 100 s may be 101.9 s.
  EXPECT_TRUE(modified_since(100 * second, start));
  EXPECT_FALSE(modified_since(99 * second, start));
}

}  // namespace
}  // namespace edgecache
