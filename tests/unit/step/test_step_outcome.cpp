// StepOutcome: one vocabulary for what happened to a step, spelled the same
// in the run record and the step history as before it was one enum, so
// records and histories written by earlier versions still read.
#include <gtest/gtest.h>

#include "edgecache/file_io.h"
#include "edgecache/hash.h"
#include "edgecache/run_record.h"
#include "edgecache/step_history.h"
#include "edgecache/step_outcome.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

TEST(StepOutcome, EveryOutcomeReadsBackFromItsName) {
  for (StepOutcome outcome : kStepOutcomes)
    EXPECT_EQ(parse_step_outcome(outcome_name(outcome)), outcome);
  EXPECT_EQ(parse_step_outcome("hit"), std::nullopt);
  EXPECT_EQ(parse_step_outcome(""), std::nullopt);
}

TEST(StepOutcome, KeepsTheSpellingsOnDisk) {
  EXPECT_STREQ(outcome_name(StepOutcome::kLocalHit), "local-hit");
  EXPECT_STREQ(outcome_name(StepOutcome::kRemoteHit), "remote-hit");
  EXPECT_STREQ(outcome_name(StepOutcome::kRan), "ran");
  EXPECT_STREQ(outcome_name(StepOutcome::kUncached), "uncached");
  EXPECT_STREQ(outcome_words(StepOutcome::kRemoteHit), "remote hit");
  EXPECT_STREQ(history_outcome_name(StepOutcome::kRan), "stored");
  EXPECT_EQ(parse_step_outcome("stored"), StepOutcome::kRan);
}

TEST(StepOutcome, OnlyHitsAreHits) {
  EXPECT_TRUE(is_hit(StepOutcome::kLocalHit));
  EXPECT_TRUE(is_hit(StepOutcome::kRemoteHit));
  EXPECT_FALSE(is_hit(StepOutcome::kRan));
  EXPECT_FALSE(is_hit(StepOutcome::kUncached));
  EXPECT_EQ(hit_from(StoreTier::kLocal), StepOutcome::kLocalHit);
  EXPECT_EQ(hit_from(StoreTier::kRemote), StepOutcome::kRemoteHit);
}

// A history file as version 2 wrote it, with the outcomes as strings: read
// into the enum, and written back with the same spelling.
TEST(StepOutcome, HistoryWrittenBeforeTheEnumStillReads) {
  TempDir dir;
  const std::string identity = "build:a.o";
  const std::string hex = hash_bytes(identity).hex();
  ASSERT_TRUE(make_directories(dir.path() + "/history/" + hex.substr(0, 2)));
  dir.write("history/" + hex.substr(0, 2) + "/" + hex + ".json",
            R"({"identity":"build:a.o","runs":[)"
            R"({"input":"m-1","result":"r-1","outcome":"remote-hit","time_ms":3},)"
            R"({"input":"m-1","result":"r-1","outcome":"stored","time_ms":2},)"
            R"({"input":"m-0","result":"","outcome":"something-new","time_ms":1},)"
            R"({"input":"m-0","result":"","outcome":"uncached","time_ms":0}]})");
  StepHistory history(dir.path());
  std::vector<StepRun> runs = history.runs(identity);
  ASSERT_EQ(runs.size(), 3u);  // the run with an unknown outcome is left out
  EXPECT_EQ(runs[0].outcome, StepOutcome::kRemoteHit);
  EXPECT_EQ(runs[1].outcome, StepOutcome::kRan);
  EXPECT_EQ(runs[2].outcome, StepOutcome::kUncached);

  StepRun local;
  local.input_key = "m-2";
  local.result_key = "r-2";
  local.outcome = StepOutcome::kLocalHit;
  history.record(identity, local);
  auto text = read_file(dir.path() + "/history/" + hex.substr(0, 2) + "/" + hex + ".json");
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find(R"("outcome":"local-hit")"), std::string::npos) << *text;
  EXPECT_NE(text->find(R"("outcome":"stored")"), std::string::npos) << *text;
  EXPECT_EQ(text->find(R"("outcome":"ran")"), std::string::npos) << *text;
}

TEST(StepOutcome, RunRecordRoundTripsEveryOutcome) {
  RunRecord record(0);
  for (StepOutcome outcome : kStepOutcomes) {
    EdgeRecord edge;
    edge.output = outcome_name(outcome);
    edge.outcome = outcome;
    record.add(edge);
  }
  auto parsed = parse_run_record(record.to_json(1'000'000'000));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  ASSERT_EQ(parsed->edges.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(parsed->edges[i].outcome, kStepOutcomes[i]);
  EXPECT_EQ(parsed->totals.local_hits, 1u);
  EXPECT_EQ(parsed->totals.remote_hits, 1u);
  EXPECT_EQ(parsed->totals.ran, 1u);
  EXPECT_EQ(parsed->totals.uncached, 1u);
  EXPECT_NE(record.to_json(0).find(R"("remote-hit")"), std::string::npos);
}

}  // namespace
}  // namespace edgecache
