// StepLedger: what both programs write down after a lookup and after a run.
// The histories are a real directory; the manifests a miss is compared with
// sit in an in-memory store.
#include <gtest/gtest.h>

#include "edgecache/step_ledger.h"
#include "memory_store.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::MemoryStore;
using testing::TempDir;

RunPlace place_in(const std::string& build_dir) {
  return RunPlace{"build:a.o", build_dir, "/src", ""};
}

StoreOutcome stored_as(const std::string& seed) {
  StoreOutcome stored;
  stored.kind = StoreResultKind::kStored;
  stored.result_key = CacheKey{ObjectKind::kResult, hash_bytes(seed)};
  return stored;
}

StoreOutcome skipped_for(const std::string& reason) {
  StoreOutcome skipped;
  skipped.kind = StoreResultKind::kSkipped;
  skipped.reason = reason;
  return skipped;
}

TEST(StepLedger, AHitJoinsTheHistoryAndCountsItsTierAndTheTimeSaved) {
  TempDir dir;
  MemoryStore local;
  StepLedger ledger(dir.path(), {"/src", "/build"}, local);
  ledger.hit(place_in("/build"), "m-1", "r-1", StepOutcome::kRemoteHit, 1200, false);
  EXPECT_EQ(ledger.counters()[counter::kRemoteHit], 1);
  EXPECT_EQ(ledger.counters().count(counter::kLocalHit), 0u);
  EXPECT_EQ(ledger.counters()[counter::kTimeSavedMs], 1200);
  std::vector<StepRun> runs = StepHistory(dir.path()).runs("build:a.o");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, StepOutcome::kRemoteHit);
  EXPECT_EQ(runs[0].input_key, "m-1");
  EXPECT_EQ(runs[0].result_key, "r-1");
  EXPECT_EQ(runs[0].build_dir, "/build");
  EXPECT_EQ(runs[0].base_dirs, "/src:/build");
  EXPECT_EQ(runs[0].why, "");
}

TEST(StepLedger, AVerifiedHitSavesNoTime) {
  TempDir dir;
  MemoryStore local;
  StepLedger ledger(dir.path(), {}, local);
  ledger.hit(place_in("/build"), "m-1", "r-1", StepOutcome::kLocalHit, 1200, true);
  EXPECT_EQ(ledger.counters()[counter::kLocalHit], 1);
  EXPECT_EQ(ledger.counters()[counter::kTimeSavedMs], 0);
}

TEST(StepLedger, AStoredRunJoinsTheHistoryWithWhyItMissed) {
  TempDir dir;
  MemoryStore local;
  StepLedger ledger(dir.path(), {}, local);
  ledger.missed(MissCause::kInputsChanged);
  ledger.stored(place_in("/build"), "m-1", stored_as("x"), "a header changed");
  EXPECT_EQ(ledger.counters()[counter::kMiss], 1);
  EXPECT_EQ(ledger.counters()["miss.inputs-changed"], 1);
  std::vector<StepRun> runs = StepHistory(dir.path()).runs("build:a.o");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, StepOutcome::kRan);
  EXPECT_EQ(runs[0].result_key, stored_as("x").result_key.to_string());
  EXPECT_EQ(runs[0].why, "a header changed");
}

TEST(StepLedger, ARunNotStoredIsCountedByItsReasonAndLeavesNoHistory) {
  TempDir dir;
  MemoryStore local;
  StepLedger ledger(dir.path(), {}, local);
  ledger.stored(place_in("/build"), "m-1", skipped_for("time-macros"), "first build");
  ledger.not_stored("input-changed-during-run");
  EXPECT_EQ(ledger.counters()[counter::kMiss], 2);
  EXPECT_EQ(ledger.counters()["not-stored.time-macros"], 1);
  EXPECT_EQ(ledger.counters()["not-stored.input-changed-during-run"], 1);
  EXPECT_TRUE(StepHistory(dir.path()).runs("build:a.o").empty());
}

TEST(StepLedger, AnUncachedStepIsCountedAndJoinsTheHistoryOnlyWithAPlace) {
  TempDir dir;
  MemoryStore local;
  StepLedger ledger(dir.path(), {}, local);
  ledger.uncached("internal");
  EXPECT_TRUE(StepHistory(dir.path()).runs("build:a.o").empty());
  ledger.uncached("writes-undeclared-files", place_in("/build"), "", "",
                  "not cached: writes undeclared files");
  EXPECT_EQ(ledger.counters()["uncacheable.internal"], 1);
  EXPECT_EQ(ledger.counters()["uncacheable.writes-undeclared-files"], 1);
  std::vector<StepRun> runs = StepHistory(dir.path()).runs("build:a.o");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, StepOutcome::kUncached);
  EXPECT_EQ(runs[0].why, "not cached: writes undeclared files");
  ledger.failed();
  EXPECT_EQ(ledger.counters()[counter::kFailedCommand], 1);
}

// The miss sentence reads the history the ledger wrote: a first build, then
// the same key again after its entry left the cache.
TEST(StepLedger, ExplainsAMissFromTheHistoryItKeeps) {
  TempDir dir;
  MemoryStore local;
  StepLedger ledger(dir.path(), {}, local);
  Step step;
  step.recipe.add("tool", "cc");
  LookupOutcome missed;
  missed.cause = MissCause::kNotInCache;
  const RemoteUse no_remote{RemoteUse::State::kNone, ""};
  EXPECT_EQ(ledger.why_missed(place_in("/build"), missed, step, "m-1", no_remote),
            "first build of this output: no earlier run in the local cache (no remote configured)");
  ledger.stored(place_in("/build"), "m-1", stored_as("x"), "first build");
  EXPECT_NE(ledger.why_missed(place_in("/build"), missed, step, "m-1", no_remote)
                .find("an earlier run stored this step"),
            std::string::npos);
  // A sentence the lookup made itself is passed on as it is.
  missed.cause = MissCause::kCorrupt;
  missed.miss_detail = "corrupt entry r-1: bad checksum";
  EXPECT_EQ(ledger.why_missed(place_in("/build"), missed, step, "m-1", no_remote),
            missed.miss_detail);
}

}  // namespace
}  // namespace edgecache
