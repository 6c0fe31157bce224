// FileHasher: content fingerprints of files, directories and listings,
// memoized for the life of one hasher (one build) until forget() says a step
// wrote the path.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "edgecache/file_hasher.h"
#include "edgecache/shared_listings.h"
#include "edgecache/step_cache.h"  // step_start()
#include "edgecache/watched_stats.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

TEST(FileHasher, MayExistAnswersFromListingsAndRemembersAbsentDirectories) {
  TempDir dir;
  dir.write("a.h", "a");
  std::filesystem::create_directories(dir.file("sub/deeper"));
  dir.write("sub/deeper/b.h", "b");
  FileHasher hasher;
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
  EXPECT_TRUE(FileHasher().may_exist(dir.file("missing/x.h")));
}

// A parallel compile's temporary (clang writes "x-<8 hex>.o.tmp" and renames it)
// must not change the listing another compile's key holds; a real header
// name that merely looks alike must.
TEST(FileHasher, ListingsIgnoreTemporariesOfBuildProductsOnly) {
  EXPECT_TRUE(is_ignored_listing_name("main-8868b766.o.tmp"));
  EXPECT_TRUE(is_ignored_listing_name("main.o.tmp.1234"));
  EXPECT_FALSE(is_ignored_listing_name("config-8868b766.h.tmp"));
  EXPECT_FALSE(is_ignored_listing_name("main-8868B766.o.tmp"));
}

TEST(FileHasher, FingerprintsAFileByContentADirectoryByNamesAndNothingAsAbsent) {
  TempDir dir;
  FileHasher hasher;
  std::string header = dir.write("a.h", "int a;");
  EXPECT_EQ(hasher.fingerprint(header), hash_bytes("int a;").hex());
  EXPECT_EQ(hasher.fingerprint(dir.file("none.h")), kAbsentFingerprint);
  EXPECT_EQ(hasher.fingerprint(dir.path()).rfind("dir:", 0), 0u);
  EXPECT_FALSE(hasher.hash_file(dir.file("none.h")));
}

// A lookup judges a directory a step listed from its memoized listing; it
// must say what fingerprint() says at store time, build products and
// hidden names included, else every such step would miss forever.
TEST(FileHasher, ALookupFingerprintOfADirectoryIsItsFingerprint) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("lib/sub"));
  dir.write("lib/libz.so", "z");
  dir.write("lib/a.o", "o");
  dir.write("lib/.hidden", "h");
  FileHasher hasher;
  hasher.begin_lookup();
  const std::string lib = dir.file("lib");
  EXPECT_EQ(hasher.lookup_fingerprint_of_directory(lib), FileHasher().fingerprint(lib));
  // Not a directory, or nothing there: as fingerprint() too.
  EXPECT_EQ(hasher.lookup_fingerprint_of_directory(dir.file("lib/libz.so")),
            FileHasher().fingerprint(dir.file("lib/libz.so")));
  EXPECT_EQ(hasher.lookup_fingerprint_of_directory(dir.file("none")), kAbsentFingerprint);
  dir.write("lib/libm.so", "m");
  hasher.begin_lookup();  // a later lookup: the listing is checked again
  EXPECT_EQ(hasher.lookup_fingerprint_of_directory(lib), FileHasher().fingerprint(lib));
}

TEST(FileHasher, ARewrittenFileIsHashedAgain) {
  TempDir dir;
  FileHasher hasher;
  std::string header = dir.write("a.h", "int a;");
  EXPECT_EQ(*hasher.hash_file(header), hash_bytes("int a;"));
  dir.write("a.h", "int b;");  // a new inode and ctime: the memo's stamp no longer matches
  EXPECT_EQ(*hasher.hash_file(header), hash_bytes("int b;"));
}

TEST(FileHasher, ListingsLeaveOutBuildProducts) {
  TempDir dir;
  dir.write("a.h", "");
  std::string before = FileHasher().listing_fingerprint(dir.path());
  EXPECT_EQ(before.rfind(std::string(kListingPrefix), 0), 0u);
  dir.write("a.o", "");
  dir.write("a.o.d", "");
  EXPECT_EQ(FileHasher().listing_fingerprint(dir.path()), before);
  dir.write("b.h", "");
  EXPECT_NE(FileHasher().listing_fingerprint(dir.path()), before);
  EXPECT_EQ(FileHasher().listing_fingerprint(dir.file("none")), kAbsentFingerprint);
}

// A header generated mid-build into a searched directory must be seen by
// the lookups after it: the step that wrote it calls forget().
TEST(FileHasher, ForgetMakesAWriteVisibleToTheSameHasher) {
  TempDir dir;
  FileHasher hasher;
  std::string listing = hasher.listing_fingerprint(dir.path());
  EXPECT_FALSE(hasher.may_exist(dir.file("gen/config.h")));
  std::filesystem::create_directories(dir.file("gen"));
  std::string generated = dir.write("gen/config.h", "#define X 1");
  EXPECT_EQ(hasher.listing_fingerprint(dir.path()), listing);  // memoized: not seen yet
  EXPECT_FALSE(hasher.may_exist(generated));
  hasher.forget(generated);
  EXPECT_TRUE(hasher.may_exist(generated));
  EXPECT_NE(hasher.listing_fingerprint(dir.path()), listing);
  EXPECT_EQ(hasher.fingerprint(generated), hash_bytes("#define X 1").hex());
}

// edgecache-ninja's lookups on other threads have hashers of their own:
// what the main thread's hasher forgets reaches them through its listener,
// and a write the listener relays is seen there as by the first hasher.
TEST(FileHasher, ForgetTellsItsListenerSoAnotherHasherSeesTheWriteToo) {
  TempDir dir;
  FileHasher main_thread;
  FileHasher worker;
  std::vector<std::string> relayed;
  main_thread.set_forget_listener([&](const std::string& path) {
    relayed.push_back(path);
    worker.forget(path);
  });
  EXPECT_FALSE(worker.may_exist(dir.file("gen/config.h")));
  std::filesystem::create_directories(dir.file("gen"));
  std::string generated = dir.write("gen/config.h", "#define X 1");
  EXPECT_FALSE(worker.may_exist(generated));  // memoized: not seen yet
  main_thread.forget(generated);
  EXPECT_EQ(relayed, std::vector<std::string>{generated});
  EXPECT_TRUE(worker.may_exist(generated));
  EXPECT_EQ(worker.fingerprint(generated), hash_bytes("#define X 1").hex());
}

// edgecache-ninja memoizes listings for the whole build, but each lookup
// checks the ones it consults (one stat): a header another process adds in
// a directory listed by an earlier lookup (or in a subdirectory that
// listing lacked) is seen by the next lookup; within one lookup the
// listing stands. A read again that finds other names says when.
// `watched`: how edgecache-ninja checks the stamp (from memory while inotify
// reports no name change in the dir), or nullptr for a stat each time.
void expect_a_lookup_sees_a_header_added_since_an_earlier_lookup(WatchedStats* watched) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // settled: checked by its stamp
  const std::string inc = dir.file("inc");
  FileHasher hasher;
  hasher.set_watched_stats(watched);
  hasher.begin_lookup();
  const int64_t first_lookup = step_start().coarse_ns;
  EXPECT_FALSE(hasher.may_exist(dir.file("inc/b.h")));
  EXPECT_FALSE(hasher.may_exist(dir.file("inc/sub/c.h")));
  const std::string before = hasher.listing_fingerprint(inc);
  hasher.begin_lookup();  // a lookup that checks the stamp (watched: keeps it) before the change
  EXPECT_FALSE(hasher.may_exist(dir.file("inc/b.h")));
  std::ofstream(dir.file("inc/b.h")) << "b";  // created in place, not renamed there
  std::filesystem::create_directories(dir.file("inc/sub"));
  dir.write("inc/sub/c.h", "c");
  EXPECT_FALSE(hasher.may_exist(dir.file("inc/b.h")));  // the same lookup: as listed
  EXPECT_FALSE(hasher.names_changed_since(inc, first_lookup));

  hasher.begin_lookup();
  EXPECT_TRUE(hasher.may_exist(dir.file("inc/b.h")));
  EXPECT_TRUE(hasher.may_exist(dir.file("inc/sub/c.h")));
  EXPECT_TRUE(hasher.exists(dir.file("inc/sub/c.h")));
  EXPECT_NE(hasher.listing_fingerprint(inc), before);
  EXPECT_TRUE(hasher.names_changed_since(inc, first_lookup));
}

TEST(FileHasher, ALookupSeesAHeaderAddedSinceAnEarlierLookupListedTheDir) {
  expect_a_lookup_sees_a_header_added_since_an_earlier_lookup(nullptr);
}

TEST(FileHasher, ALookupSeesAHeaderAddedSinceAnEarlierLookupListedTheDirWhenStampsAreWatched) {
  WatchedStats watched;
  if (!watched.watching()) GTEST_SKIP() << "no inotify here";
  expect_a_lookup_sees_a_header_added_since_an_earlier_lookup(&watched);
}

// edgecache-ninja's lookup threads share what one read of a settled
// directory, through any path to it, and only at the stamp it was read at.
TEST(FileHasher, HashersShareAListingOnlyAtTheStampItWasReadAt) {
  WatchedStats watched;
  if (!watched.watching()) GTEST_SKIP() << "no inotify here";
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::filesystem::create_directory_symlink(dir.file("inc"), dir.file("alias"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // settled
  auto hasher_sharing = [&](SharedListings* shared) {
    auto hasher = std::make_unique<FileHasher>();
    hasher->set_watched_stats(&watched);
    hasher->set_shared_listings(shared);
    hasher->begin_lookup();
    return hasher;
  };
  SharedListings shared;
  EXPECT_TRUE(hasher_sharing(&shared)->may_exist(dir.file("inc/a.h")));
  const std::optional<FileStamp> read_at = stat_file(dir.file("inc"));
  ASSERT_TRUE(read_at.has_value());
  ASSERT_NE(shared.find(*read_at), nullptr) << "a settled dir's read is kept for the others";

  // A read kept at the dir's stamp answers another hasher, by another path,
  // without reading the dir (a name only that read has shows it).
  SharedListings planted;
  planted.keep(*read_at, std::make_shared<const std::vector<std::string>>(
                             std::vector<std::string>{".", "..", "a.h", "planted.h"}));
  auto other = hasher_sharing(&planted);
  EXPECT_TRUE(other->may_exist(dir.file("alias/planted.h")));

  // A name added changes the stamp: the read kept at the old one is not used.
  dir.write("inc/b.h", "b");
  other->begin_lookup();
  EXPECT_TRUE(other->may_exist(dir.file("alias/b.h")));
  EXPECT_FALSE(other->may_exist(dir.file("alias/planted.h")));
  auto fresh = hasher_sharing(&planted);
  EXPECT_TRUE(fresh->may_exist(dir.file("inc/b.h")));
  EXPECT_FALSE(fresh->may_exist(dir.file("inc/planted.h")));
}

// The pch probes (a .gch beside each header a source includes, in each
// search dir) answer from listings in edgecache-ninja: a pch made after one
// lookup probed for it is found by the next.
TEST(FileHasher, APchProbeFindsAPchMadeSinceTheLastLookupWhenStampsAreWatched) {
  WatchedStats watched;
  if (!watched.watching()) GTEST_SKIP() << "no inotify here";
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // settled: checked by its stamp
  FileHasher hasher;
  hasher.set_watched_stats(&watched);
  hasher.begin_lookup();
  EXPECT_FALSE(hasher.probe_exists(dir.file("inc/a.h.gch")));
  EXPECT_FALSE(hasher.probe_exists(dir.file("inc/sub/a.h.gch")));
  EXPECT_TRUE(hasher.probe_exists(dir.file("inc/a.h")));
  dir.write("inc/a.h.gch", "pch");
  std::filesystem::create_directories(dir.file("inc/sub"));
  dir.write("inc/sub/a.h.gch", "pch");
  hasher.begin_lookup();
  EXPECT_TRUE(hasher.probe_exists(dir.file("inc/a.h.gch")));
  EXPECT_TRUE(hasher.probe_exists(dir.file("inc/sub/a.h.gch")));
}

// Without lookups (the launcher: one per process) nothing is checked again.
TEST(FileHasher, WithoutLookupsAListingStaysAsRead) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  FileHasher hasher;
  EXPECT_FALSE(hasher.may_exist(dir.file("inc/b.h")));
  dir.write("inc/b.h", "b");
  EXPECT_FALSE(hasher.may_exist(dir.file("inc/b.h")));
}

// A listing's stamp lets a later lookup skip reading the dir: it must be
// taken before the names are read, change with any entry added, and be left
// out when the dir's last change could share a timestamp with a later one.
TEST(FileHasher, ListingStampIsRecordedOnlyForDirsSettledBeforeTheRead) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::this_thread::sleep_for(
      std::chrono::milliseconds(2100));  // past the coarsest timestamp granule
  const std::string inc = dir.file("inc");
  std::string stamp = FileHasher().listing_stamp(inc);
  ASSERT_FALSE(stamp.empty());
  EXPECT_EQ(stamp, stamp_text(*stat_file(inc)));
  EXPECT_TRUE(stamp_text_is(*stat_file(inc), stamp));
  dir.write("inc/b.h", "b");  // a new header: the dir's stamp is no longer the recorded one
  EXPECT_NE(stamp, stamp_text(*stat_file(inc)));
  EXPECT_FALSE(stamp_text_is(*stat_file(inc), stamp));
  // Changed "in the future" (a clock step, another machine's timestamp): no stamp, the names are
  // read each time.
  timespec later[2] = {{0, UTIME_OMIT}, {std::time(nullptr) + 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, inc.c_str(), later, 0), 0);
  EXPECT_EQ(FileHasher().listing_stamp(inc), "");
  EXPECT_EQ(FileHasher().listing_stamp(dir.file("missing")), "");
}

// A filesystem may keep timestamps coarser than the clock ticks (100 ns on
// NTFS and SMB, 10 ms on exFAT, whole seconds on ext4 with small inodes):
// a timestamp truncated to such a granule looks older than the clock read
// before the stamp, yet an entry added a moment later, in the same granule,
// gets the very same timestamp and leaves the stamp as it was. So a dir
// changed within the coarsest granule (two seconds) before its names are
// read records no stamp: its names are read again on every lookup.
TEST(FileHasher, NoListingStampForADirChangedWithinTheCoarsestTimestampGranule) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::this_thread::sleep_for(
      std::chrono::milliseconds(50));  // past the clock tick of the write, not its granule
  EXPECT_EQ(FileHasher().listing_stamp(dir.file("inc")), "");
  // The fingerprint is still made (and still compared on every lookup).
  EXPECT_NE(FileHasher().listing_fingerprint(dir.file("inc")), "absent");
}

// The fingerprint is kept with the listing it was made from (edgecache-ninja
// asks for it on every compile edge); a write by a step of the build drops both.
TEST(FileHasher, ListingFingerprintIsMemoizedUntilAStepWritesInTheDir) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  FileHasher hasher;
  const std::string before = hasher.listing_fingerprint(dir.file("inc"));
  dir.write("inc/b.h", "b");
  EXPECT_EQ(hasher.listing_fingerprint(dir.file("inc")), before);
  hasher.forget(dir.file("inc/b.h"));
  EXPECT_NE(hasher.listing_fingerprint(dir.file("inc")), before);
  EXPECT_EQ(hasher.listing_fingerprint(dir.file("inc")),
            FileHasher().listing_fingerprint(dir.file("inc")));
}

// Ahead of the build, a predicted file's restore in flight (its atomic
// write's temporary beside it) lists as the file it becomes: a prefetch
// lookup racing with the restore pool keys its step as after the restore.
// Without predictions the temporary is listed as it is.
TEST(FileHasher, ListingAheadOfTheBuildCountsARestoreInFlightAsItsFile) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("gen"));
  dir.write("gen/version.h.tmp.4242.7.123456", "half");
  PredictedFiles predictions(dir.file(""));
  predictions.predict(dir.file("gen/version.h"), hash_bytes("whole"));
  FileHasher during;
  during.set_predictions(&predictions);
  const std::string while_writing = during.listing_fingerprint(dir.file("gen"));
  const auto names_while_writing = during.fingerprint(dir.file("gen"));
  EXPECT_NE(FileHasher().listing_fingerprint(dir.file("gen")), kAbsentFingerprint);

  std::filesystem::rename(dir.file("gen/version.h.tmp.4242.7.123456"), dir.file("gen/version.h"));
  FileHasher after;
  after.set_predictions(&predictions);
  EXPECT_EQ(while_writing, after.listing_fingerprint(dir.file("gen")));
  EXPECT_EQ(names_while_writing, after.fingerprint(dir.file("gen")));
}

// Lookups ahead of the build key a step from the digests its inputs are
// predicted to have; only a hasher given the predictions answers from them,
// and for a predicted path the prediction beats what an older build left.
TEST(FileHasher, AnswersFromPredictionsOnlyWhenGivenThem) {
  TempDir dir;
  dir.write("old.o", "stale bytes");
  PredictedFiles predictions(dir.file(""));
  predictions.predict("new.o", hash_bytes("future bytes"));
  predictions.predict(dir.file("old.o"), hash_bytes("fresh bytes"));

  FileHasher disk;
  EXPECT_FALSE(disk.hash_file(dir.file("new.o")));
  EXPECT_FALSE(disk.may_exist(dir.file("new.o")));
  EXPECT_EQ(disk.hash_file(dir.file("old.o")), hash_bytes("stale bytes"));
  EXPECT_FALSE(disk.predicted(dir.file("new.o")));

  FileHasher ahead;
  ahead.set_predictions(&predictions);
  EXPECT_EQ(ahead.hash_file(dir.file("new.o")), hash_bytes("future bytes"));
  EXPECT_EQ(ahead.fingerprint(dir.file("sub/../new.o")), hash_bytes("future bytes").hex());
  EXPECT_TRUE(ahead.may_exist(dir.file("new.o")));
  EXPECT_EQ(ahead.hash_file(dir.file("old.o")), hash_bytes("fresh bytes"));
  EXPECT_EQ(ahead.fingerprint(dir.file("unpredicted.o")), kAbsentFingerprint);

  // A generated header's include dir, not made yet: listed as it will be.
  predictions.predict("gen/version.h", hash_bytes("#define V 1"));
  EXPECT_TRUE(ahead.may_exist(dir.file("gen")));
  EXPECT_EQ(disk.listing_fingerprint(dir.file("gen")), kAbsentFingerprint);
  std::filesystem::create_directories(dir.file("gen"));
  dir.write("gen/version.h", "#define V 1");
  EXPECT_EQ(ahead.listing_fingerprint(dir.file("gen")),
            FileHasher().listing_fingerprint(dir.file("gen")));
}

TEST(FileHasher, AheadOfTheBuildAStepsOutputDirectoriesExist) {
  // Ninja makes "out/sub" before the step writing out/sub/v.h runs: keyed
  // ahead of the build, the step sees it as it will then (empty), and its
  // parent lists it; a hasher without predictions only sees the disk.
  TempDir dir;
  TempDir made;
  std::filesystem::create_directories(made.file("out/sub"));
  FileHasher real;
  const std::string empty_dir = real.fingerprint(made.file("out/sub"));
  const std::string empty_listing = real.listing_fingerprint(made.file("out/sub"));
  const std::string out_listing = real.listing_fingerprint(made.file("out"));
  ASSERT_EQ(empty_dir.rfind("dir:", 0), 0u);

  PredictedFiles predictions(dir.file(""));
  FileHasher disk;
  disk.set_expected_directories({dir.file("out/sub")});  // ignored: no predictions
  EXPECT_EQ(disk.fingerprint(dir.file("out/sub")), kAbsentFingerprint);
  EXPECT_EQ(disk.listing_fingerprint(dir.file("out/sub")), kAbsentFingerprint);
  EXPECT_FALSE(disk.may_exist(dir.file("out/sub")));
  EXPECT_FALSE(disk.predicted_directory(dir.file("out/sub")));

  FileHasher ahead;
  ahead.set_predictions(&predictions);
  EXPECT_EQ(ahead.fingerprint(dir.file("out/sub")), kAbsentFingerprint);
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
  EXPECT_EQ(ahead.fingerprint(dir.file("out/sub")), kAbsentFingerprint);
}

// pch probes ask for a few names in dirs nothing else reads: one lstat each
// (a dangling symlink counts, as in a listing), or the listing when a lookup
// already memoized it (then the answer agrees with may_exist()).
TEST(FileHasher, ExistsAsksTheMemoizedListingOrLstat) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  std::filesystem::create_symlink("nowhere.h", dir.file("inc/dangling.h"));
  FileHasher hasher;
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

// A pch probe in a dir an include lookup already listed: a memoized ancestor
// listing without the next name down answers, as it does for may_exist().
TEST(FileHasher, ExistsAnswersFromAMemoizedAncestorThatLacksTheNextName) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inc"));
  dir.write("inc/a.h", "a");
  FileHasher hasher;
  hasher.listing_fingerprint(dir.file("inc"));  // memoized now: no sub/ in it
  std::filesystem::create_directories(dir.file("inc/sub"));
  dir.write("inc/sub/x.h.gch", "pch");
  // (exists() first: may_exist() would remember inc/sub as absent.)
  EXPECT_FALSE(hasher.exists(dir.file("inc/sub/x.h.gch")));
  EXPECT_FALSE(hasher.may_exist(dir.file("inc/sub/x.h.gch")));
  // A step of the build made it (forget): seen, from one lstat.
  hasher.forget(dir.file("inc/sub/x.h.gch"));
  EXPECT_TRUE(hasher.exists(dir.file("inc/sub/x.h.gch")));
  EXPECT_FALSE(hasher.exists(dir.file("inc/sub/y.h.gch")));
}

}  // namespace
}  // namespace edgecache
