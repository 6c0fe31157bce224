// Atomic writes never follow or replace what is not the cache's own.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgecache/file_io.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

TEST(FileIo, WriteFileAtomicRefusesAFifoAndASymlink) {
  TempDir dir;
  std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(write_file_atomic(fifo, "x"));
  EXPECT_EQ(path_kind(fifo), PathKind::kOther);
  std::string target = dir.write("target", "mine");
  ASSERT_EQ(::symlink("target", dir.file("link").c_str()), 0);
  EXPECT_FALSE(write_file_atomic(dir.file("link"), "x"));
  EXPECT_EQ(path_kind(dir.file("link")), PathKind::kSymlink);
  EXPECT_EQ(*read_file(target), "mine");
}

TEST(FileIo, WriteSymlinkAtomicReplacesTheLinkNeverItsTarget) {
  TempDir dir;
  std::string target = dir.write("old-target", "keep");
  ASSERT_EQ(::symlink("old-target", dir.file("link").c_str()), 0);
  ASSERT_TRUE(write_symlink_atomic(dir.file("link"), "new-target"));
  EXPECT_EQ(*read_symlink(dir.file("link")), "new-target");
  EXPECT_EQ(*read_file(target), "keep");
  ASSERT_TRUE(write_symlink_atomic(dir.file("sub/made"), "../old-target"));
  EXPECT_EQ(*read_file(dir.file("sub/made")), "keep");
}

}  // namespace
}  // namespace edgecache
