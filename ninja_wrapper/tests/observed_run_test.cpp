// The verdict on an observed run, as the run record and explain say it:
// which undeclared files are named, how an untraceable program is told.
#include "observed_run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "edgecache/uncached_reason.h"

namespace edgecache::ninja {
namespace {

namespace fs = std::filesystem;

class ObservedRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "edgecache-observed-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name) {
    std::ofstream(dir_ + "/" + name) << name;
    return dir_ + "/" + name;
  }
  ObservationVerdict judge(const ObservedAccesses& accesses, ObservedStepPaths paths) {
    paths.cwd = dir_;
    return judge_observation(accesses, paths, StepStart{}, hasher_, normalizer_);
  }

  std::string dir_;
  FileHasher hasher_;
  PathNormalizer normalizer_;
};

TEST_F(ObservedRunTest, NamesTheFirstThreeUndeclaredWritesRelativeToTheBuildDir) {
  ObservedAccesses accesses;
  for (const char* name : {"gen.h", "a.inc", "b.inc", "c.inc", "d.inc"})
    accesses.written.insert(write(name));
  accesses.written.insert(dir_ + "/removed.tmp");  // a temporary, gone again
  ObservedStepPaths paths;
  paths.owned.insert(dir_ + "/gen.h");
  const ObservationVerdict verdict = judge(accesses, paths);
  EXPECT_EQ(verdict.uncacheable_reason, "writes-undeclared-files");
  EXPECT_EQ(verdict.detail, "a.inc, b.inc, c.inc (and 1 more)");
  EXPECT_EQ(uncached_sentence(verdict.uncacheable_reason, verdict.detail),
            "not cached: writes undeclared files: a.inc, b.inc, c.inc (and 1 more) (declare them "
            "as outputs, e.g. "
            "OUTPUT or BYPRODUCTS, to cache the step)");
}

// A link probes hundreds of library paths that are not there: each is
// recorded with the stamp of its dir's listing, so a later lookup compares
// one stamp instead of listing the dir (StepCache::dependency_unchanged).
TEST_F(ObservedRunTest, AnAbsentProbeCarriesItsSettledDirsStamp) {
  const std::string settled_dir = "/usr/include";  // unchanged for longer than the granule
  ObservedAccesses accesses;
  accesses.probes.insert(settled_dir + "/edgecache-no-such-library.so");
  accesses.probes.insert(dir_ + "/no-such-library.so");  // a dir made just now: not settled
  const ObservationVerdict verdict = judge(accesses, ObservedStepPaths{});
  ASSERT_EQ(verdict.deps.size(), 2u);
  std::map<std::string, std::string> stamps;
  for (const Dependency& dep : verdict.deps) {
    EXPECT_EQ(dep.fingerprint, kAbsentFingerprint) << dep.path;
    stamps[dep.path] = dep.stamp;
  }
  EXPECT_EQ(stamps[settled_dir + "/edgecache-no-such-library.so"],
            "1:" + stamp_text(*stat_file(settled_dir)));
  // A dir that changed within the granule may change again unseen by its stamp.
  EXPECT_EQ(stamps[dir_ + "/no-such-library.so"], "");
}

TEST_F(ObservedRunTest, TellsUntraceablePrograms) {
  const std::pair<const char*, const char*> cases[] = {
      {"untraceable static binary /opt/gen", "untraceable-static-binary"},
      {"untraceable setuid program /usr/bin/sudo", "untraceable-setuid-program"},
      {"untraceable 32-bit program /opt/old", "untraceable-32-bit-program"},
      {"untraceable program for another machine /opt/arm", "untraceable-foreign-program"},
      {"fexecve (a program run from a descriptor)", "untraceable-program"},
  };
  for (const auto& [message, reason] : cases) {
    ObservedAccesses accesses;
    accesses.untraceable.push_back(message);
    const ObservationVerdict verdict = judge(accesses, {});
    EXPECT_EQ(verdict.uncacheable_reason, reason) << message;
  }
  ObservedAccesses accesses;
  accesses.untraceable.push_back("untraceable static binary /opt/gen");
  const ObservationVerdict verdict = judge(accesses, {});
  EXPECT_EQ(uncached_sentence(verdict.uncacheable_reason, verdict.detail),
            "not cached: untraceable static binary /opt/gen (LD_PRELOAD cannot see what a "
            "statically linked "
            "program reads)");
}

TEST(UncachedReasonTest, UnknownCodesAreStillWords) {
  EXPECT_EQ(uncached_phrase("some-new-reason"), "some new reason");
  EXPECT_EQ(uncached_sentence("some-new-reason", ""), "not cached: some new reason");
  EXPECT_EQ(not_stored_sentence("input-changed-during-run", "in.txt"),
            "not stored: an input changed while the step ran: in.txt");
}

}  // namespace
}  // namespace edgecache::ninja
