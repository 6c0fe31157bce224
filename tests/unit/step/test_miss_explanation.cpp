// explain_miss and explain_output: a miss in words, from what the lookup saw,
// the step's history of earlier runs and their manifests. The manifests sit
// in an in-memory store; the history is a real directory.
#include <gtest/gtest.h>

#include "edgecache/blob_envelope.h"
#include "edgecache/manifest.h"
#include "edgecache/miss_explanation.h"
#include "edgecache/path_normalizer.h"
#include "memory_store.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::seal_blob;

using testing::MemoryStore;
using testing::TempDir;

KeyRecipe recipe_with(std::vector<std::string> args) {
  KeyRecipe recipe;
  recipe.add("tool", "cc");
  for (std::string& arg : args) recipe.add("arg", std::move(arg));
  return recipe;
}

// Stores the manifest an earlier run of `recipe` left, and returns that run.
StepRun earlier_run(MemoryStore& store, const KeyRecipe& recipe, const std::string& result_seed) {
  Manifest manifest;
  manifest.recipe = recipe;
  CacheKey key{ObjectKind::kManifest, recipe.digest()};
  EXPECT_TRUE(store.put(key, seal_blob(ObjectKind::kManifest, encode_manifest(manifest))).ok());
  StepRun run;
  run.input_key = key.to_string();
  run.result_key = CacheKey{ObjectKind::kResult, hash_bytes(result_seed)}.to_string();
  run.outcome = StepOutcome::kRan;
  run.time_ms = 1'700'000'000'000;
  return run;
}

std::string explain(const KeyRecipe& recipe, const std::vector<StepRun>& history,
                    MemoryStore& store, RemoteUse remote = {}) {
  LookupOutcome missed;  // kMiss, kNotInCache: the lookup found nothing under the key
  CacheKey key{ObjectKind::kManifest, recipe.digest()};
  return explain_miss(missed, recipe, key.to_string(), RunPlace{}, history, remote, store);
}

TEST(MissExplanation, AFirstBuildSaysWhereElseTheCacheLooked) {
  MemoryStore store;
  KeyRecipe recipe = recipe_with({"-O2"});
  EXPECT_EQ(explain(recipe, {}, store),
            "first build of this output: no earlier run in the local cache (no remote configured)");
  EXPECT_EQ(explain(recipe, {}, store, {RemoteUse::State::kOff, "no_remote is set"}),
            "not in the local cache, and the remote was off for this run (no_remote is set)");
  EXPECT_EQ(explain(recipe, {}, store, {RemoteUse::State::kOn, ""}),
            "first build of this output: no earlier run anywhere in the cache");
}

TEST(MissExplanation, AChangedFlagIsNamedAgainstTheClosestEarlierRun) {
  MemoryStore store;
  std::vector<StepRun> history{earlier_run(store, recipe_with({"-O1", "-g"}), "newer"),
                               earlier_run(store, recipe_with({"-O1"}), "older")};
  EXPECT_EQ(explain(recipe_with({"-O2"}), history, store),
            "changed since the closest earlier run: changed arg: -O1 -> -O2");
}

TEST(MissExplanation, AKnownKeyWithoutItsEntryWasEvicted) {
  MemoryStore store;
  KeyRecipe recipe = recipe_with({"-O2"});
  StepRun same = earlier_run(store, recipe, "result");
  std::string why = explain(recipe, {same}, store);
  EXPECT_EQ(
      why.rfind(
          "an earlier run stored this step (2023-11-14 22:13:20 UTC), but its entry is no longer",
          0),
      0u)
      << why;
  EXPECT_NE(why.find("; no remote is configured"), std::string::npos) << why;
}

TEST(MissExplanation, WithoutTheEarlierManifestsItSaysItCannotCompare) {
  MemoryStore store, empty;
  StepRun run = earlier_run(store, recipe_with({"-O1"}), "result");
  EXPECT_EQ(explain(recipe_with({"-O2"}), {run}, empty),
            "changed since the earlier runs of this output, whose manifests are no longer in the "
            "local cache");
}

TEST(MissExplanation, WhatTheLookupSawIsPassedOnInItsOwnWords) {
  MemoryStore store;
  LookupOutcome lookup;
  lookup.cause = MissCause::kInputsChanged;
  lookup.miss_detail =
      "changed header or discovered input: /src/a.h differs from the newest stored run";
  EXPECT_EQ(explain_miss(lookup, recipe_with({}), "m-0", RunPlace{}, {}, RemoteUse{}, store),
            lookup.miss_detail);
  lookup.cause = MissCause::kEntryGone;
  lookup.miss_detail = "a stored run matches, but its result entry is not in the cache";
  EXPECT_EQ(explain_miss(lookup, recipe_with({}), "m-0", RunPlace{}, {},
                         RemoteUse{RemoteUse::State::kReadOnly, ""}, store),
            lookup.miss_detail + "; the remote is read-only, so it never got it");
}

TEST(MissExplanation, ExplainOutputComparesTheLastRunWithTheClosestEarlierOne) {
  TempDir dir;
  MemoryStore store;
  StepHistory history(dir.path());
  std::string output = dir.file("out.o");
  std::string identity = run_place_of(output).identity;
  StepRun older = earlier_run(store, recipe_with({"-O1"}), "older");
  StepRun latest = earlier_run(store, recipe_with({"-O2"}), "latest");
  latest.why = "changed since the closest earlier run: changed arg: -O1 -> -O2";
  history.record(identity, older);
  history.record(identity, latest);

  auto lines = explain_output(output, store, history);
  ASSERT_TRUE(lines) << lines.error();
  EXPECT_EQ(*lines,
            (std::vector<std::string>{
                "last run: stored, input key " + latest.input_key + ", result " + latest.result_key,
                "why it missed: " + latest.why,
                "closest earlier run: stored, input key " + older.input_key,
                "  changed arg: -O1 -> -O2",
            }));
}

TEST(MissExplanation, ExplainOutputOfAnUnknownFileIsAnError) {
  TempDir dir;
  MemoryStore store;
  auto lines = explain_output(dir.file("never-built.o"), store, StepHistory(dir.path()));
  ASSERT_FALSE(lines);
  EXPECT_NE(lines.error().find("the cache has no record of"), std::string::npos);
}

}  // namespace
}  // namespace edgecache
