#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "edgecache/include_listing.h"
#include "test_support.h"

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

TEST(IncludeSpellings, DigraphTrigraphAndHeaderUnitImportsAreLookupsToo) {
  bool computed = false;
  auto found = scan_include_spellings(
      "%:include \"di.h\"\n?\?=include <tri.h>\nimport <unit.h>;\nexport import \"eu.h\";\n"
      "import named.module;\n",
      &computed);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].name, "di.h");
  EXPECT_EQ(found[1].name, "tri.h");
  EXPECT_EQ(found[2].name, "unit.h");
  EXPECT_EQ(found[3].name, "eu.h");
  EXPECT_FALSE(computed);
}

// Writes an empty file (or `content`) at `name`, making its directories.
void put(const testing::TempDir& dir, const std::string& name, const std::string& content = "") {
  std::filesystem::create_directories(std::filesystem::path(dir.file(name)).parent_path());
  dir.write(name, content);
}

// The fingerprints a compile of `source` (which reads `header` too) records
// for its search dirs, each from a fresh hasher: what a later lookup sees.
std::map<std::string, std::string> listing_deps(const testing::TempDir& dir,
                                                const std::string& source_text) {
  IncludeSearch search;
  search.bracket_dirs = {dir.file("build"), dir.file("inc")};
  search.cwd = dir.path();
  IncludeListings listings(search);
  listings.add_file(dir.file("src/main.c"), source_text);
  listings.add_file(dir.file("inc/lib/api.h"), "#include <stdio.h>\n");
  FileHasher hasher;
  PathNormalizer paths;
  std::vector<Dependency> deps;
  listings.finish(&deps, hasher, paths);
  std::map<std::string, std::string> by_dir;
  for (const Dependency& dep : deps) by_dir[dep.path] = dep.fingerprint;
  return by_dir;
}

TEST(IncludeListings, AFileNoLookupAsksForLeavesTheKeyAlone) {
  testing::TempDir dir;
  put(dir, "src/main.c");
  put(dir, "inc/lib/api.h");
  put(dir, "build/config.h");
  const std::string source = "#include <config.h>\n#include <lib/api.h>\n";
  const auto before = listing_deps(dir, source);
  ASSERT_EQ(before.count(dir.file("build")), 1u);
  EXPECT_EQ(before.at(dir.file("build")).rfind(std::string(kProbedPrefix), 0), 0u);
  // The build links an executable beside the generated header.
  put(dir, "build/tool", "ELF");
  put(dir, "build/lib-notes.txt");
  EXPECT_EQ(listing_deps(dir, source), before);
}

TEST(IncludeListings, AFileByAProbedNameChangesTheKey) {
  const std::string source = "#include <config.h>\n#include <lib/api.h>\n";
  for (const std::string added : {"build/lib/api.h", "build/stdio.h", "build/config.h.gch",
                                  "inc/config.h", "build/lib/api.h.gch"}) {
    testing::TempDir dir;
    put(dir, "src/main.c");
    put(dir, "inc/lib/api.h");
    put(dir, "build/config.h");
    const auto before = listing_deps(dir, source);
    put(dir, added);
    EXPECT_NE(listing_deps(dir, source), before) << added << " was not noticed";
  }
}

TEST(IncludeListings, AComputedIncludeKeysWholeListings) {
  testing::TempDir dir;
  put(dir, "src/main.c");
  put(dir, "inc/lib/api.h");
  put(dir, "build/config.h");
  const std::string source = "#include <config.h>\n#include HEADER\n";
  const auto before = listing_deps(dir, source);
  EXPECT_EQ(before.at(dir.file("build")).rfind(std::string(kListingPrefix), 0), 0u);
  put(dir, "build/anything");
  EXPECT_NE(listing_deps(dir, source), before);
}

TEST(FileHasher, ProbedNamesTravelWithTheFingerprint) {
  testing::TempDir dir;
  put(dir, "a.h");
  FileHasher hasher;
  const std::string fingerprint = hasher.probed_fingerprint(dir.path(), {"a.h", "b.h"});
  EXPECT_EQ(FileHasher::probed_names_of(fingerprint), (std::vector<std::string>{"a.h", "b.h"}));
  EXPECT_EQ(FileHasher::probed_names_of(hasher.probed_fingerprint(dir.path(), {})),
            std::vector<std::string>{});
  EXPECT_FALSE(FileHasher::probed_names_of(hasher.listing_fingerprint(dir.path())));
  EXPECT_EQ(hasher.probed_fingerprint(dir.file("none"), {"a.h"}), kAbsentFingerprint);
}

}  // namespace
}  // namespace edgecache
