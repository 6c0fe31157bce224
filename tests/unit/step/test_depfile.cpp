#include <gtest/gtest.h>

#include "step/depfile.h"

namespace edgecache {
namespace {

TEST(Depfile, ParsesContinuationsEscapesAndPhonyRules) {
  auto depfile = parse_depfile("out.o: a.c /x/with\\ space.h \\\n  b.h\r\nb.h:\n\na$$b.h:\n");
  ASSERT_TRUE(depfile) << depfile.error();
  EXPECT_EQ(depfile->targets, (std::vector<std::string>{"out.o", "b.h", "a$b.h"}));
  EXPECT_EQ(depfile->dependencies, (std::vector<std::string>{"a.c", "/x/with space.h", "b.h"}));
}

TEST(Depfile, MalformedTextIsAnError) {
  EXPECT_FALSE(parse_depfile(": a.h\n"));
  EXPECT_FALSE(parse_depfile("target-without-colon a.h\n"));
  EXPECT_TRUE(parse_depfile(""));
}

}  // namespace
}  // namespace edgecache
