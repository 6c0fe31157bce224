// WatchedStats: a stamp read once is answered from memory until inotify
// reports a change to the file or to a name on its path; catch_up() (each
// lookup's start) is where a change becomes visible. Every way of changing
// what a path leads to must be seen after catch_up().
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "edgecache/watched_stats.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

// Rewrites `path` in place (same inode, same size, other bytes), as an
// editor that writes through the open file does.
void rewrite_in_place(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, content.data(), content.size(), 0), static_cast<ssize_t>(content.size()));
  ::close(fd);
}

// The event mask of every inotify watch this process holds on `path`'s
// inode, as the kernel lists them in /proc/self/fdinfo.
std::vector<uint32_t> watch_masks_on(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  std::ostringstream inode;
  inode << "ino:" << std::hex << st.st_ino << " ";
  std::vector<uint32_t> masks;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fdinfo")) {
    std::ifstream info(fd.path());
    for (std::string line; std::getline(info, line);) {
      if (line.rfind("inotify ", 0) != 0 || line.find(inode.str()) == std::string::npos) continue;
      masks.push_back(
          static_cast<uint32_t>(std::stoul(line.substr(line.find("mask:") + 5), nullptr, 16)));
    }
  }
  return masks;
}

class WatchedStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stats.watching()) GTEST_SKIP() << "no inotify here";
  }
  TempDir dir;
  WatchedStats stats;
};

TEST_F(WatchedStatsTest, AStampIsAnsweredFromMemoryWhileNothingChanges) {
  std::string header = dir.write("a.h", "#define A 1");
  auto first = stats.stat(header);
  ASSERT_TRUE(first);
  EXPECT_EQ(stats.answered(), 0u);
  stats.catch_up();
  EXPECT_EQ(stats.stat(header), first);
  EXPECT_EQ(stats.stat(header), first);
  EXPECT_EQ(stats.answered(), 2u);
}

TEST_F(WatchedStatsTest, AFileRewrittenInPlaceAtTheSameSizeIsReadAgain) {
  std::string header = dir.write("a.h", "#define A 1");
  auto before = stats.stat(header);
  rewrite_in_place(header, "#define A 2");
  stats.catch_up();
  auto after = stats.stat(header);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, *stat_file(header));
  EXPECT_NE(after->ctime_ns, before->ctime_ns);
}

TEST_F(WatchedStatsTest, AFileReplacedByRenameIsReadAgain) {
  std::string header = dir.write("a.h", "#define A 1");
  auto before = stats.stat(header);
  dir.write("a.h", "#define A 22");  // a temporary renamed over it: another inode
  stats.catch_up();
  auto after = stats.stat(header);
  ASSERT_TRUE(after);
  EXPECT_NE(after->inode, before->inode);
  EXPECT_EQ(*after, *stat_file(header));
}

TEST_F(WatchedStatsTest, OnlyATouchIsSeenToo) {
  std::string header = dir.write("a.h", "#define A 1");
  auto before = stats.stat(header);
  struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, header.c_str(), times, 0), 0);
  stats.catch_up();
  EXPECT_EQ(stats.stat(header)->mtime_ns, 1'000'000'000'000'000'000);
  EXPECT_NE(stats.stat(header), before);
}

TEST_F(WatchedStatsTest, AWriteThroughAHardLinkInAnotherDirectoryIsSeen) {
  std::filesystem::create_directories(dir.file("include"));
  std::filesystem::create_directories(dir.file("elsewhere"));
  std::string header = dir.write("include/a.h", "#define A 1");
  ASSERT_EQ(::link(header.c_str(), dir.file("elsewhere/b.h").c_str()), 0);
  auto before = stats.stat(header);
  rewrite_in_place(dir.file("elsewhere/b.h"), "#define A 2");
  stats.catch_up();
  EXPECT_EQ(stats.stat(header), stat_file(header));
  EXPECT_NE(stats.stat(header)->ctime_ns, before->ctime_ns);
}

TEST_F(WatchedStatsTest, ADirectoryAboveSwappedForAnotherIsSeen) {
  std::filesystem::create_directories(dir.file("include"));
  std::filesystem::create_directories(dir.file("other"));
  std::string header = dir.write("include/a.h", "#define A 1");
  dir.write("other/a.h", "#define A 2 /* another file */");
  auto before = stats.stat(header);
  std::filesystem::rename(dir.file("include"), dir.file("old"));
  std::filesystem::rename(dir.file("other"), dir.file("include"));
  stats.catch_up();
  auto after = stats.stat(header);
  ASSERT_TRUE(after);
  EXPECT_NE(after->inode, before->inode);
  EXPECT_EQ(*after, *stat_file(header));
}

TEST_F(WatchedStatsTest, ADirectoryStampIsReadAgainWhenANameInItChanges) {
  std::filesystem::create_directories(dir.file("include"));
  auto first = stats.stat_directory(dir.file("include"));
  ASSERT_TRUE(first);
  stats.catch_up();
  EXPECT_EQ(stats.stat_directory(dir.file("include")), first);
  EXPECT_EQ(stats.answered(), 1u);
  dir.write("include/new.h", "new");
  stats.catch_up();
  EXPECT_EQ(stats.stat_directory(dir.file("include")), stat_file(dir.file("include")));
  std::filesystem::rename(dir.file("include/new.h"), dir.file("include/renamed.h"));
  stats.catch_up();
  EXPECT_EQ(stats.stat_directory(dir.file("include")), stat_file(dir.file("include")));
  std::filesystem::remove(dir.file("include/renamed.h"));
  stats.catch_up();
  EXPECT_EQ(stats.stat_directory(dir.file("include")), stat_file(dir.file("include")));
  EXPECT_EQ(stats.answered(), 1u);
}

TEST_F(WatchedStatsTest, FilesAndDirectoriesAreKeptOnlyAsWhatTheyWereAskedAs) {
  std::filesystem::create_directories(dir.file("include"));
  std::string header = dir.write("include/a.h", "a");
  // A file's watch does not report a directory's names, nor the reverse.
  stats.stat(dir.file("include"));
  stats.stat_directory(header);
  stats.catch_up();
  EXPECT_EQ(stats.stat(dir.file("include")), stat_file(dir.file("include")));
  EXPECT_EQ(stats.stat_directory(header), stat_file(header));
  EXPECT_EQ(stats.answered(), 0u);
}

TEST_F(WatchedStatsTest, DirectoriesAreWatchedForTheirNamesOnly) {
  // Any event a directory's entries raise, asked of a directory, makes the
  // kernel visit every name it has cached there at each watch: a third of
  // a warm build's start on a busy /tmp. Files have their own watches.
  constexpr uint32_t kEntryEvents =
      IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN;
  std::filesystem::create_directories(dir.file("include/fmt"));
  std::string header = dir.write("include/fmt/core.h", "core");
  stats.stat(header);
  stats.exists(dir.file("include/fmt/core.h.gch"));
  stats.stat_directory(dir.file("include"));
  for (const std::string& directory : {dir.file("include"), dir.file("include/fmt")}) {
    std::vector<uint32_t> masks = watch_masks_on(directory);
    ASSERT_FALSE(masks.empty()) << directory;
    for (uint32_t mask : masks) EXPECT_EQ(mask & kEntryEvents, 0u) << directory;
  }
  std::vector<uint32_t> file_masks = watch_masks_on(header);
  ASSERT_EQ(file_masks.size(), 1u);
  EXPECT_EQ(file_masks[0] & (IN_MODIFY | IN_ATTRIB), IN_MODIFY | IN_ATTRIB);
}

TEST_F(WatchedStatsTest, AnAbsentNameIsRememberedUntilItIsCreated) {
  std::string probe = dir.file("a.h.gch");
  EXPECT_FALSE(stats.exists(probe));
  stats.catch_up();
  EXPECT_FALSE(stats.exists(probe));
  EXPECT_EQ(stats.answered(), 1u);
  dir.write("a.h.gch", "pch");
  stats.catch_up();
  EXPECT_TRUE(stats.exists(probe));
  EXPECT_TRUE(stats.stat(probe));
}

TEST_F(WatchedStatsTest, ANameUnderAMissingDirectoryIsSeenWhenBothAreCreated) {
  std::string probe = dir.file("fmt/core.h.gch");
  EXPECT_FALSE(stats.exists(probe));
  stats.catch_up();
  EXPECT_FALSE(stats.exists(probe));
  std::filesystem::create_directories(dir.file("fmt"));
  dir.write("fmt/core.h.gch", "pch");
  stats.catch_up();
  EXPECT_TRUE(stats.exists(probe));
}

TEST_F(WatchedStatsTest, ARetargetedSymlinkIsFollowedEveryTime) {
  std::string a = dir.write("a.h", "a");
  std::string b = dir.write("b.h", "bb");
  ASSERT_EQ(::symlink(a.c_str(), dir.file("link.h").c_str()), 0);
  EXPECT_EQ(stats.stat(dir.file("link.h"))->size, 1u);
  ASSERT_EQ(::symlink(b.c_str(), dir.file("link.tmp").c_str()), 0);
  std::filesystem::rename(dir.file("link.tmp"), dir.file("link.h"));
  // Not even catch_up(): a symlink is never kept.
  EXPECT_EQ(stats.stat(dir.file("link.h"))->size, 2u);
}

TEST_F(WatchedStatsTest, ASymlinkedDirectoryAboveIsNeverTrusted) {
  std::filesystem::create_directories(dir.file("real"));
  std::filesystem::create_directories(dir.file("other"));
  dir.write("real/a.h", "a");
  dir.write("other/a.h", "bb");
  ASSERT_EQ(::symlink(dir.file("real").c_str(), dir.file("include").c_str()), 0);
  EXPECT_EQ(stats.stat(dir.file("include/a.h"))->size, 1u);
  ASSERT_EQ(::symlink(dir.file("other").c_str(), dir.file("include.tmp").c_str()), 0);
  std::filesystem::rename(dir.file("include.tmp"), dir.file("include"));
  EXPECT_EQ(stats.stat(dir.file("include/a.h"))->size, 2u);
  EXPECT_EQ(stats.answered(), 0u);
}

TEST_F(WatchedStatsTest, FilesOnFilesystemsOthersChangeAreNeverKept) {
  // /proc stands for them here: not a filesystem this kernel's inotify
  // sees every change of (as NFS, SMB and FUSE are not).
  ASSERT_TRUE(stats.stat("/proc/version"));
  ASSERT_TRUE(stats.stat("/proc/version"));
  EXPECT_EQ(stats.answered(), 0u);
}

TEST_F(WatchedStatsTest, ForgetMakesTheNextStatReadTheDisk) {
  std::string output = dir.write("out.o", "1");
  stats.stat(output);
  rewrite_in_place(output, "2");
  stats.forget(output);  // a step of the build wrote it; no catch_up yet
  EXPECT_EQ(stats.stat(output), stat_file(output));
  EXPECT_EQ(stats.answered(), 0u);
}

TEST(WatchedStats, PastItsShareOfTheUsersWatchesItAsksTheDisk) {
  TempDir dir;
  std::string header = dir.write("a.h", "#define A 1");
  WatchedStats stats(0);  // no watch at all may be taken
  ASSERT_EQ(stats.stat(header), stat_file(header));
  rewrite_in_place(header, "#define A 2");
  EXPECT_EQ(stats.stat(header), stat_file(header));
  EXPECT_EQ(stats.answered(), 0u);
}

}  // namespace
}  // namespace edgecache
