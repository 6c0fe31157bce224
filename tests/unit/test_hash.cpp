#include <gtest/gtest.h>

#include <filesystem>

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
