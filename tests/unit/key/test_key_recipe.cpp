// KeyRecipe: a key as an ordered list of named fields, and the changes
// between two recipes in words (what `edgecache explain` prints).
#include <gtest/gtest.h>

#include <string>
#include <vector>

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
            (std::vector<std::string>{"changed arg: -O1 -> -O2",
                                      "changed input:@BASE0@/a.cpp: h1 -> h2"}));
  EXPECT_NE(before.digest(), after.digest());
  EXPECT_TRUE(describe_recipe_changes(before, before).empty());
}

// The order of flags is part of the key: a swap is named as a move, not
// as the same flag removed and added.
TEST(KeyRecipe, AFlagMovedElsewhereIsNamedAsMoved) {
  auto before = recipe_of({"-fmap=a", "-fmap=b", "-c", "a.cpp"}, "h1");
  auto after = recipe_of({"-fmap=b", "-fmap=a", "-c", "a.cpp"}, "h1");
  EXPECT_EQ(describe_recipe_changes(before, after), std::vector<std::string>{"moved arg: -fmap=a"});
}

}  // namespace
