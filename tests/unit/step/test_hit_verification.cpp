// parse_verify_mode, sampled_for_verify and compare_real_run: what --verify
// accepts, which hits it samples, and how a difference is described.
#include <gtest/gtest.h>

#include "edgecache/hit_verification.h"
#include "test_support.h"

namespace edgecache {
namespace {

TEST(HitVerification, ParsesOffFractionAllAndStrict) {
  EXPECT_FALSE(parse_verify_mode("")->enabled());
  EXPECT_FALSE(parse_verify_mode("off")->enabled());
  EXPECT_DOUBLE_EQ(parse_verify_mode("all")->fraction, 1.0);
  EXPECT_DOUBLE_EQ(parse_verify_mode("0.05")->fraction, 0.05);
  EXPECT_TRUE(parse_verify_mode("strict")->strict);
  EXPECT_FALSE(parse_verify_mode("1")->strict);
}

TEST(HitVerification, RejectsMalformedValues) {
  for (const char* bad : {"sometimes", "1.5", "-0.1", "0.5x", "nan"})
    EXPECT_FALSE(parse_verify_mode(bad)) << bad;
}

TEST(HitVerification, SamplesTheSameKeysEveryTimeAndAboutTheFraction) {
  const VerifyMode tenth{0.1, false};
  int sampled = 0;
  for (int i = 0; i < 2000; ++i) {
    CacheKey key{ObjectKind::kManifest, hash_bytes("edge " + std::to_string(i))};
    const bool first = sampled_for_verify(tenth, key);
    EXPECT_EQ(first, sampled_for_verify(tenth, key));
    EXPECT_TRUE(sampled_for_verify(VerifyMode{1.0, false}, key));
    EXPECT_FALSE(sampled_for_verify(VerifyMode{}, key));
    sampled += first;
  }
  EXPECT_GT(sampled, 120);
  EXPECT_LT(sampled, 280);
}

TEST(HitVerification, ReportsFirstDifferingByteAndSizes) {
  testing::TempDir dir;
  Step step;
  step.outputs = {{"object", dir.write("x.o", "abcdXfgh"), false},
                  {"output:1", dir.write("same", "s"), false}};
  Entry entry;
  entry.files = {{"object", 0644, "abcdefg"}, {"output:1", 0644, "s"}};
  VerifyOutcome outcome = compare_real_run(step, entry, 0, PathNormalizer(), {});
  ASSERT_TRUE(outcome.mismatch());
  ASSERT_EQ(outcome.differences.size(), 1u);
  EXPECT_EQ(outcome.differences[0].first_difference, 4u);
  EXPECT_EQ(outcome.describe(), "object " + step.outputs[0].path +
                                    ": first difference at byte 4, 7 bytes cached, 8 real");
}

TEST(HitVerification, DepfilesCompareByTheFilesTheyName) {
  testing::TempDir dir;
  Step step;
  step.outputs = {{"depfile", dir.write("a.o.d", "a.o: a.c \\\n  b.h c.h\n"), true}};
  Entry entry;
  entry.files = {{"depfile", 0644, "a.o: a.c b.h \\\n c.h\n"}};
  EXPECT_FALSE(compare_real_run(step, entry, 0, PathNormalizer(), {}).mismatch());
  entry.files = {{"depfile", 0644, "a.o: a.c b.h\n"}};
  EXPECT_TRUE(compare_real_run(step, entry, 0, PathNormalizer(), {}).mismatch());
}

TEST(HitVerification, IgnorePatternsMatchPathOrFileName) {
  testing::TempDir dir;
  Step step;
  step.outputs = {{"output:0", dir.write("stamp.txt", "2"), false}};
  Entry entry;
  entry.files = {{"output:0", 0644, "1"}};
  EXPECT_TRUE(compare_real_run(step, entry, 0, PathNormalizer(), {"*.o"}).mismatch());
  VerifyOutcome ignored = compare_real_run(step, entry, 0, PathNormalizer(), {"*.o", "stamp.*"});
  EXPECT_FALSE(ignored.mismatch());
  EXPECT_EQ(ignored.ignored.size(), 1u);
  EXPECT_FALSE(compare_real_run(step, entry, 0, PathNormalizer(), {dir.path() + "/*"}).mismatch());
}

TEST(HitVerification, ExitStatusAndMissingOutputsAreDifferences) {
  testing::TempDir dir;
  Step step;
  step.outputs = {{"object", dir.file("never-written.o"), false}};
  Entry entry;
  entry.files = {{"object", 0644, "bytes"}};
  VerifyOutcome failed = compare_real_run(step, entry, 1, PathNormalizer(), {});
  EXPECT_EQ(failed.describe(), "exit status 0 cached, 1 real");
  VerifyOutcome missing = compare_real_run(step, entry, 0, PathNormalizer(), {});
  ASSERT_EQ(missing.differences.size(), 1u);
  EXPECT_TRUE(missing.differences[0].missing);
}

}  // namespace
}  // namespace edgecache
