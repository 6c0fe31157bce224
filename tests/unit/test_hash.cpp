#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "edgecache/file_hasher.h"
#include "edgecache/hash.h"
#include "test_support.h"

using edgecache::Hash128;
using edgecache::Hasher;
using edgecache::hash_bytes;

TEST(Hash, StreamingEqualsOneShot) {
  Hasher hasher;
  hasher.update("hello ");
  hasher.update("world");
  EXPECT_EQ(hasher.digest(), hash_bytes("hello world"));
}

TEST(Hash, FieldsAreLengthPrefixedSoBoundariesMatter) {
  Hasher ab_c, a_bc;
  ab_c.update_field("ab");
  ab_c.update_field("c");
  a_bc.update_field("a");
  a_bc.update_field("bc");
  EXPECT_NE(ab_c.digest(), a_bc.digest());
}

TEST(Hash, HexRoundTrips) {
  Hash128 h = hash_bytes("x");
  ASSERT_EQ(h.hex().size(), 32u);
  EXPECT_EQ(Hash128::from_hex(h.hex()), h);
}

TEST(Hash, MalformedHexIsRejected) {
  EXPECT_FALSE(Hash128::from_hex("zz"));
  EXPECT_FALSE(Hash128::from_hex(std::string(32, 'g')));
  EXPECT_FALSE(Hash128::from_hex(std::string(31, 'a')));
}

#include "edgecache/key_recipe.h"

namespace {

edgecache::KeyRecipe recipe_of(std::vector<std::string> args, std::string source_hash) {
  edgecache::KeyRecipe recipe;
  recipe.add("tool", "abc");
  for (auto& arg : args) recipe.add("arg", arg);
  recipe.add("input:@BASE0@/a.cpp", source_hash);
  return recipe;
}

TEST(KeyRecipe, AnInsertedFlagIsOneAdditionNotAShiftOfEveryArgument) {
  auto before = recipe_of({"-Wall", "-std=gnu++17", "-c", "a.cpp"}, "h1");
  auto after = recipe_of({"-O2", "-Wall", "-std=gnu++17", "-c", "a.cpp"}, "h1");
  EXPECT_EQ(describe_recipe_changes(before, after), std::vector<std::string>{"added arg: -O2"});
}

TEST(KeyRecipe, AReplacedFlagAndAChangedInputAreNamed) {
  auto before = recipe_of({"-O1", "-c", "a.cpp"}, "h1");
  auto after = recipe_of({"-O2", "-c", "a.cpp"}, "h2");
  EXPECT_EQ(describe_recipe_changes(before, after),
            (std::vector<std::string>{"changed arg: -O1 -> -O2", "changed input:@BASE0@/a.cpp: h1 -> h2"}));
  EXPECT_NE(before.digest(), after.digest());
  EXPECT_TRUE(describe_recipe_changes(before, before).empty());
}

}  // namespace

TEST(FileHasher, MayExistAnswersFromListingsAndRemembersAbsentDirectories) {
  edgecache::testing::TempDir dir;
  dir.write("a.h", "a");
  std::filesystem::create_directories(dir.file("sub/deeper"));
  dir.write("sub/deeper/b.h", "b");
  edgecache::FileHasher hasher;
  EXPECT_TRUE(hasher.may_exist(dir.file("a.h")));
  EXPECT_TRUE(hasher.may_exist(dir.file("sub/deeper/b.h")));
  EXPECT_FALSE(hasher.may_exist(dir.file("c.h")));
  for (int i = 0; i < 2; ++i) {  // the second round is answered from the remembered absence
    EXPECT_FALSE(hasher.may_exist(dir.file("missing/x.h")));
    EXPECT_FALSE(hasher.may_exist(dir.file("missing/deeper/y.h")));
    EXPECT_FALSE(hasher.may_exist(dir.file("sub/missing/z.h")));
    EXPECT_TRUE(hasher.may_exist(dir.file("sub/deeper/b.h")));
  }
  // Memoized for the life of one hasher; a new one sees the new file.
  std::filesystem::create_directories(dir.file("missing"));
  dir.write("missing/x.h", "x");
  EXPECT_TRUE(edgecache::FileHasher().may_exist(dir.file("missing/x.h")));
}

// A parallel compile's temporary (clang writes "x-<8 hex>.o.tmp" and renames it)
// must not change the listing another compile's key holds; a real header
// name that merely looks alike must.
TEST(FileHasher, ListingsIgnoreTemporariesOfBuildProductsOnly) {
  EXPECT_TRUE(edgecache::is_ignored_listing_name("main-8868b766.o.tmp"));
  EXPECT_TRUE(edgecache::is_ignored_listing_name("main.o.tmp.1234"));
  EXPECT_FALSE(edgecache::is_ignored_listing_name("config-8868b766.h.tmp"));
  EXPECT_FALSE(edgecache::is_ignored_listing_name("main-8868B766.o.tmp"));
}

// A listing's stamp lets a later lookup skip reading the dir: it must be
// taken before the names are read, change with any entry added, and be left
// out when the dir's last change could share a timestamp with a later one.
TEST(FileHasher, ListingStampIsRecordedOnlyForDirsSettledBeforeTheRead) {
  edgecache::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the coarsest timestamp granule
  const std::string inc = dir.file("inc");
  std::string stamp = edgecache::FileHasher().listing_stamp(inc);
  ASSERT_FALSE(stamp.empty());
  EXPECT_EQ(stamp, edgecache::stamp_text(*edgecache::stat_file(inc)));
  dir.write("inc/b.h", "b");  // a new header: the dir's stamp is no longer the recorded one
  EXPECT_NE(stamp, edgecache::stamp_text(*edgecache::stat_file(inc)));
  // Changed "in the future" (a clock step, another machine's timestamp): no stamp, the names are read each time.
  timespec later[2] = {{0, UTIME_OMIT}, {std::time(nullptr) + 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, inc.c_str(), later, 0), 0);
  EXPECT_EQ(edgecache::FileHasher().listing_stamp(inc), "");
  EXPECT_EQ(edgecache::FileHasher().listing_stamp(dir.file("missing")), "");
}

// A filesystem may keep timestamps coarser than the clock ticks (100 ns on
// NTFS and SMB, 10 ms on exFAT, whole seconds on ext4 with small inodes):
// a timestamp truncated to such a granule looks older than the clock read
// before the stamp, yet an entry added a moment later, in the same granule,
// gets the very same timestamp and leaves the stamp as it was. So a dir
// changed within the coarsest granule (two seconds) before its names are
// read records no stamp: its names are read again on every lookup.
TEST(FileHasher, NoListingStampForADirChangedWithinTheCoarsestTimestampGranule) {
  edgecache::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the clock tick of the write, not its granule
  EXPECT_EQ(edgecache::FileHasher().listing_stamp(dir.file("inc")), "");
  // The fingerprint is still made (and still compared on every lookup).
  EXPECT_NE(edgecache::FileHasher().listing_fingerprint(dir.file("inc")), "absent");
}

// The fingerprint is kept with the listing it was made from (edgecache-ninja
// asks for it on every compile edge); a write by a step of the build drops both.
TEST(FileHasher, ListingFingerprintIsMemoizedUntilAStepWritesInTheDir) {
  edgecache::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  edgecache::FileHasher hasher;
  const std::string before = hasher.listing_fingerprint(dir.file("inc"));
  dir.write("inc/b.h", "b");
  EXPECT_EQ(hasher.listing_fingerprint(dir.file("inc")), before);
  hasher.forget(dir.file("inc/b.h"));
  EXPECT_NE(hasher.listing_fingerprint(dir.file("inc")), before);
  EXPECT_EQ(hasher.listing_fingerprint(dir.file("inc")), edgecache::FileHasher().listing_fingerprint(dir.file("inc")));
}

// Lookups ahead of the build key a step from the digests its inputs are
// predicted to have; only a hasher given the predictions answers from them,
// and for a predicted path the prediction beats what an older build left.
TEST(FileHasher, AnswersFromPredictionsOnlyWhenGivenThem) {
  edgecache::testing::TempDir dir;
  dir.write("old.o", "stale bytes");
  edgecache::PredictedFiles predictions(dir.file(""));
  predictions.predict("new.o", hash_bytes("future bytes"));
  predictions.predict(dir.file("old.o"), hash_bytes("fresh bytes"));

  edgecache::FileHasher disk;
  EXPECT_FALSE(disk.hash_file(dir.file("new.o")));
  EXPECT_FALSE(disk.may_exist(dir.file("new.o")));
  EXPECT_EQ(disk.hash_file(dir.file("old.o")), hash_bytes("stale bytes"));
  EXPECT_FALSE(disk.predicted(dir.file("new.o")));

  edgecache::FileHasher ahead;
  ahead.set_predictions(&predictions);
  EXPECT_EQ(ahead.hash_file(dir.file("new.o")), hash_bytes("future bytes"));
  EXPECT_EQ(ahead.fingerprint(dir.file("sub/../new.o")), hash_bytes("future bytes").hex());
  EXPECT_TRUE(ahead.may_exist(dir.file("new.o")));
  EXPECT_EQ(ahead.hash_file(dir.file("old.o")), hash_bytes("fresh bytes"));
  EXPECT_EQ(ahead.fingerprint(dir.file("unpredicted.o")), edgecache::kAbsentFingerprint);

  // A generated header's include dir, not made yet: listed as it will be.
  predictions.predict("gen/version.h", hash_bytes("#define V 1"));
  EXPECT_TRUE(ahead.may_exist(dir.file("gen")));
  EXPECT_EQ(disk.listing_fingerprint(dir.file("gen")), edgecache::kAbsentFingerprint);
  std::filesystem::create_directories(dir.file("gen"));
  dir.write("gen/version.h", "#define V 1");
  EXPECT_EQ(ahead.listing_fingerprint(dir.file("gen")), edgecache::FileHasher().listing_fingerprint(dir.file("gen")));
}

TEST(FileHasher, AheadOfTheBuildAStepsOutputDirectoriesExist) {
  // Ninja makes "out/sub" before the step writing out/sub/v.h runs: keyed
  // ahead of the build, the step sees it as it will then (empty), and its
  // parent lists it; a hasher without predictions only sees the disk.
  edgecache::testing::TempDir dir;
  edgecache::testing::TempDir made;
  std::filesystem::create_directories(made.file("out/sub"));
  edgecache::FileHasher real;
  const std::string empty_dir = real.fingerprint(made.file("out/sub"));
  const std::string empty_listing = real.listing_fingerprint(made.file("out/sub"));
  const std::string out_listing = real.listing_fingerprint(made.file("out"));
  ASSERT_EQ(empty_dir.rfind("dir:", 0), 0u);

  edgecache::PredictedFiles predictions(dir.file(""));
  edgecache::FileHasher disk;
  disk.set_expected_directories({dir.file("out/sub")});  // ignored: no predictions
  EXPECT_EQ(disk.fingerprint(dir.file("out/sub")), edgecache::kAbsentFingerprint);
  EXPECT_EQ(disk.listing_fingerprint(dir.file("out/sub")), edgecache::kAbsentFingerprint);
  EXPECT_FALSE(disk.may_exist(dir.file("out/sub")));
  EXPECT_FALSE(disk.predicted_directory(dir.file("out/sub")));

  edgecache::FileHasher ahead;
  ahead.set_predictions(&predictions);
  EXPECT_EQ(ahead.fingerprint(dir.file("out/sub")), edgecache::kAbsentFingerprint);
  ahead.set_expected_directories({dir.file("out/sub")});
  EXPECT_TRUE(ahead.predicted_directory(dir.file("out/sub")));
  EXPECT_TRUE(ahead.predicted_directory(dir.file("out")));
  EXPECT_TRUE(ahead.may_exist(dir.file("out/sub")));
  EXPECT_FALSE(ahead.may_exist(dir.file("out/sub/v.h")));
  EXPECT_EQ(ahead.fingerprint(dir.file("out/sub")), empty_dir);
  EXPECT_EQ(ahead.listing_fingerprint(dir.file("out/sub")), empty_listing);
  EXPECT_EQ(ahead.listing_fingerprint(dir.file("out")), out_listing);
  // The next step's directories replace them.
  ahead.set_expected_directories({});
  EXPECT_FALSE(ahead.predicted_directory(dir.file("out/sub")));
  EXPECT_EQ(ahead.fingerprint(dir.file("out/sub")), edgecache::kAbsentFingerprint);
}

// pch probes ask for a few names in dirs nothing else reads: one lstat each
// (a dangling symlink counts, as in a listing), or the listing when a lookup
// already memoized it (then the answer agrees with may_exist()).
TEST(FileHasher, ExistsAsksTheMemoizedListingOrLstat) {
  edgecache::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::filesystem::create_symlink("nowhere.h", dir.file("inc/dangling.h"));
  edgecache::FileHasher hasher;
  EXPECT_TRUE(hasher.exists(dir.file("inc/a.h")));
  EXPECT_TRUE(hasher.exists(dir.file("inc/dangling.h")));
  EXPECT_FALSE(hasher.exists(dir.file("inc/b.h")));
  EXPECT_FALSE(hasher.exists(dir.file("missing/a.h")));
  hasher.listing_fingerprint(dir.file("inc"));  // memoized now
  dir.write("inc/b.h", "b");
  EXPECT_EQ(hasher.exists(dir.file("inc/b.h")), hasher.may_exist(dir.file("inc/b.h")));
  hasher.forget(dir.file("inc/b.h"));
  EXPECT_TRUE(hasher.exists(dir.file("inc/b.h")));
}
