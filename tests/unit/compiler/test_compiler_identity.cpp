// Which compiler ran is the content of the file its path leads to, however
// many symlinks lead there, and a change to that file is a new identity
// even within one process, which asks for it at every compile of a build.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "edgecache/compiler_identity.h"
#include "edgecache/hash.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

// Rewrites `path` in place (same inode, same size), as an upgrade that
// overwrites a binary would.
void overwrite_in_place(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);
}

TEST(CompilerIdentity, ACompilerReachedThroughSymlinksIsTheFileItLandsOn) {
  TempDir dir;
  const std::string binary = dir.write("g++-12", "the compiler's bytes");
  ASSERT_EQ(::symlink("g++-12", (dir / "g++").c_str()), 0);
  ASSERT_EQ(::symlink(binary.c_str(), (dir / "c++").c_str()), 0);
  auto identity = compiler_identity(dir / "c++", dir / "cache");
  ASSERT_TRUE(identity) << identity.error();
  EXPECT_EQ(*identity, hash_bytes("the compiler's bytes"));
  EXPECT_EQ(*compiler_identity(dir / "g++", dir / "cache"), *identity);
}

TEST(CompilerIdentity, ABinaryRewrittenInPlaceIsAnotherCompilerInTheSameProcess) {
  TempDir dir;
  const std::string binary = dir.write("cc", "version one");
  ASSERT_EQ(*compiler_identity(binary, dir / "cache"), hash_bytes("version one"));
  overwrite_in_place(binary, "version two");
  EXPECT_EQ(*compiler_identity(binary, dir / "cache"), hash_bytes("version two"));
}

TEST(CompilerIdentity, ASymlinkRetargetedIsTheNewTargetsIdentity) {
  TempDir dir;
  dir.write("gcc-12", "gcc twelve");
  dir.write("gcc-13", "gcc thirteen");
  ASSERT_EQ(::symlink("gcc-12", (dir / "cc").c_str()), 0);
  ASSERT_EQ(*compiler_identity(dir / "cc", dir / "cache"), hash_bytes("gcc twelve"));
  ASSERT_EQ(::unlink((dir / "cc").c_str()), 0);
  ASSERT_EQ(::symlink("gcc-13", (dir / "cc").c_str()), 0);
  EXPECT_EQ(*compiler_identity(dir / "cc", dir / "cache"), hash_bytes("gcc thirteen"));
}

TEST(CompilerIdentity, AMissingCompilerIsAnErrorNamingIt) {
  TempDir dir;
  auto identity = compiler_identity(dir / "no-such-cc", dir / "cache");
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().find("no-such-cc"), std::string::npos);
}

}  // namespace
}  // namespace edgecache
