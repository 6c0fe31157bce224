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

// One buffer for a thread's reads: each read gives exactly that file,
// whatever the buffer held or how large it grew.
TEST(FileIo, ReadFileIntoReusesTheBufferAndGivesEachFileExactly) {
  TempDir dir;
  const std::string large(300000, 'L');
  ReadBuffer buffer;
  ASSERT_TRUE(read_file_into(dir.write("small", "tiny"), &buffer));
  EXPECT_EQ(buffer.view(), "tiny");
  ASSERT_TRUE(read_file_into(dir.write("large", large), &buffer));
  EXPECT_EQ(buffer.view(), large);
  const size_t grown = buffer.capacity();
  ASSERT_TRUE(read_file_into(dir.write("empty", ""), &buffer));
  EXPECT_EQ(buffer.view(), "");
  ASSERT_TRUE(read_file_into(dir.file("small"), &buffer));
  EXPECT_EQ(buffer.view(), "tiny");
  EXPECT_EQ(buffer.capacity(), grown) << "kept for the next read";
  EXPECT_FALSE(read_file_into(dir.file("missing"), &buffer));
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
