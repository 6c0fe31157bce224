#include <gtest/gtest.h>

#include "edgecache/path_normalizer.h"

namespace edgecache {
namespace {

TEST(PathNormalizer, ReplacesBaseDirsOnlyAtPathBoundaries) {
  PathNormalizer paths({"/home/me/src"});
  EXPECT_EQ(paths.normalize("-I/home/me/src/include"), "-I@BASE0@/include");
  EXPECT_EQ(paths.normalize("/home/me/srcx/a.h"), "/home/me/srcx/a.h");
  EXPECT_EQ(paths.normalize("-ffile-prefix-map=/home/me/src=."), "-ffile-prefix-map=@BASE0@=.");
  EXPECT_EQ(paths.restore("@BASE0@/a.h"), "/home/me/src/a.h");
  PathNormalizer other({"/elsewhere/checkout"});
  EXPECT_EQ(other.restore(paths.normalize("x.o: /home/me/src/a.c")),
            "x.o: /elsewhere/checkout/a.c");
}

TEST(PathNormalizer, NestedBaseDirsKeepTheirConfiguredNumbers) {
  PathNormalizer a({"/a/src", "/a/src/build"});
  PathNormalizer b({"/bb/src", "/bb/src/build"});
  EXPECT_EQ(a.normalize("/a/src/build/x.o /a/src/y.c"), "@BASE1@/x.o @BASE0@/y.c");
  EXPECT_EQ(a.normalize("/a/src/build/x.o"), b.normalize("/bb/src/build/x.o"));
}

TEST(PathNormalizer, ReplacesEveryOccurrenceAndKeepsTheTextAroundThem) {
  PathNormalizer paths({"/s", "/b"});
  EXPECT_EQ(paths.normalize("/s"), "@BASE0@");
  EXPECT_EQ(paths.normalize("/s/a /b/c:/s"), "@BASE0@/a @BASE1@/c:@BASE0@");
  EXPECT_EQ(paths.normalize("x/sy /sz /s"), "x/sy /sz @BASE0@");
  EXPECT_EQ(paths.normalize(""), "");
  EXPECT_EQ(paths.restore("@BASE1@@BASE0@/x @BASE2@ @BASE0@"), "/b/s/x @BASE2@ /s");
  EXPECT_EQ(paths.restore("no placeholder @ here"), "no placeholder @ here");
  EXPECT_EQ(paths.restore("@BASE0@x"), "@BASE0@x");  // not at a path boundary
}

TEST(PathNormalizer, AbsolutePathIsLexicallyClean) {
  EXPECT_EQ(absolute_path("../b/./c.h", "/x/y"), "/x/b/c.h");
  EXPECT_EQ(absolute_path("/p//q/", "/ignored"), "/p/q");
}

}  // namespace
}  // namespace edgecache
