#include <gtest/gtest.h>

#include "compiler/compiler_memo.h"
#include "edgecache/file_io.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

TEST(CompilerMemo, AMemoIsReadFromItsFileOnceThenKeptForTheProcess) {
  TempDir dir;
  const std::string path = dir.write("identity", "first");
  EXPECT_EQ(read_compiler_memo(path), "first");
  // A memo's name says all its content depends on: the same name never
  // needs the file again (edgecache-ninja keys every compile of a build).
  ASSERT_TRUE(write_file_atomic(path, "changed behind the process's back"));
  EXPECT_EQ(read_compiler_memo(path), "first");
}

TEST(CompilerMemo, AWrittenMemoIsOnDiskAndKept) {
  TempDir dir;
  const std::string path = dir / "version";
  write_compiler_memo(path, "g++ (Debian 12.2.0-14) 12.2.0");
  auto on_disk = read_file(path);
  ASSERT_TRUE(on_disk);
  EXPECT_EQ(*on_disk, "g++ (Debian 12.2.0-14) 12.2.0");
  ASSERT_EQ(::unlink(path.c_str()), 0);
  EXPECT_EQ(read_compiler_memo(path), "g++ (Debian 12.2.0-14) 12.2.0");
}

TEST(CompilerMemo, NoFileIsNoMemo) {
  TempDir dir;
  EXPECT_EQ(read_compiler_memo(dir / "absent"), std::nullopt);
  // Not remembered as absent: a memo written later by another process counts.
  dir.write("absent", "later");
  EXPECT_EQ(read_compiler_memo(dir / "absent"), "later");
}

}  // namespace
}  // namespace edgecache
