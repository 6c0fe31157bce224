// StepHistory: the runs of each step, newest first, in the cache dir. A run
// equal to the newest one is not written again (every warm hit records one).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "edgecache/step_history.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

StepRun run_of(const std::string& input, const std::string& result, const std::string& why = "") {
  StepRun run;
  run.outcome = StepOutcome::kLocalHit;
  run.input_key = input;
  run.result_key = result;
  run.build_dir = "/build";
  run.why = why;
  return run;
}

// The one history file under `dir` ("" when none).
std::string history_file(const TempDir& dir) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.file("history")))
    if (entry.is_regular_file() && entry.path().extension() == ".json") return entry.path();
  return "";
}

// Its inode: a write replaces the file (atomically), so a new inode means
// it was written.
ino_t history_inode(const TempDir& dir) {
  struct stat st {};
  return ::stat(history_file(dir).c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(StepHistory, ARunEqualToTheNewestIsNotWrittenAgainAndAnyOtherIs) {
  TempDir dir;
  StepHistory history(dir.path());
  history.record("build:a.o", run_of("m-1", "r-1", "first build"));
  const ino_t first = history_inode(dir);
  ASSERT_NE(first, 0u);

  history.record("build:a.o", run_of("m-1", "r-1"));  // a warm hit: nothing new
  EXPECT_EQ(history_inode(dir), first);
  ASSERT_EQ(history.runs("build:a.o").size(), 1u);

  // Each of the fields compared, changed alone, is a new run.
  history.record("build:a.o", run_of("m-1", "r-2"));
  history.record("build:a.o", run_of("m-2", "r-2"));
  StepRun elsewhere = run_of("m-2", "r-2");
  elsewhere.build_dir = "/other";
  history.record("build:a.o", elsewhere);
  history.record("build:a.o", run_of("m-2", "r-2", "another reason"));
  auto runs = history.runs("build:a.o");
  ASSERT_EQ(runs.size(), 5u);
  EXPECT_EQ(runs[0].why, "another reason");
  EXPECT_EQ(runs[1].build_dir, "/other");
  EXPECT_EQ(runs[2].input_key, "m-2");
  EXPECT_EQ(runs[3].result_key, "r-2");
  EXPECT_EQ(runs[4].why, "first build");
}

// A newest run this edgecache cannot read (another version's outcome) is
// skipped as runs() skips it: the next one decides.
TEST(StepHistory, ANewestRunWithAnUnknownOutcomeIsJudgedAsRunsReadsIt) {
  TempDir dir;
  StepHistory history(dir.path());
  history.record("build:a.o", run_of("m-1", "r-1"));
  const std::string path = history_file(dir);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string runs = "\"runs\":[";
  const size_t at = text.find(runs);
  ASSERT_NE(at, std::string::npos);
  text.insert(at + runs.size(),
              "{\"build_dir\":\"/build\",\"input\":\"m-9\",\"outcome\":\"from-the-future\","
              "\"result\":\"r-9\"},");
  std::ofstream(path) << text;
  ASSERT_EQ(history.runs("build:a.o").size(), 1u);

  history.record("build:a.o", run_of("m-1", "r-1"));
  EXPECT_EQ(history.runs("build:a.o").size(), 1u) << "equal to the newest run it can read";
}

}  // namespace
}  // namespace edgecache
