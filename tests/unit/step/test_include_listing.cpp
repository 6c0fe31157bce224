#include <gtest/gtest.h>

#include "edgecache/include_listing.h"

namespace edgecache {
namespace {

TEST(IncludeSpellings, LiteralNamesAndComputedOnes) {
  bool computed = false;
  auto found = scan_include_spellings(
      "#include \"a.h\"\n  #  include_next <sys/b.h>\n"
      "#if __has_include(<c.h>) && __has_include_next(\"d/e.h\")\n#endif\n",
      &computed);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].name, "a.h");
  EXPECT_TRUE(found[0].quoted);
  EXPECT_EQ(found[1].name, "sys/b.h");
  EXPECT_FALSE(found[1].quoted);
  EXPECT_EQ(found[2].name, "c.h");
  EXPECT_EQ(found[3].name, "d/e.h");
  EXPECT_FALSE(computed);
  scan_include_spellings("#ifndef __has_include\n#define __has_include(x) 0\n#endif\n", &computed);
  EXPECT_FALSE(computed);
  scan_include_spellings("#include HEADER\n", &computed);
  EXPECT_TRUE(computed);
}

}  // namespace
}  // namespace edgecache
