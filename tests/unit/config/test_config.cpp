#include <gtest/gtest.h>

#include "edgecache/config.h"
#include "test_support.h"

namespace edgecache {
namespace {

ConfigInputs inputs_with(const testing::TempDir& dir, std::map<std::string, std::string> env,
                         std::string cwd = "") {
  env["HOME"] = dir.path();
  ConfigInputs inputs;
  inputs.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  inputs.cwd = cwd.empty() ? dir.path() : cwd;
  return inputs;
}

TEST(Config, DefaultsFollowXdgDirectories) {
  testing::TempDir dir;
  Config config = Config::load(inputs_with(dir, {}));
  EXPECT_EQ(config.cache_dir(), dir.path() + "/.cache/edgecache");
  EXPECT_EQ(config.setting("dir").origin, "default");
  Config xdg = Config::load(inputs_with(dir, {{"XDG_CACHE_HOME", "/x"}}));
  EXPECT_EQ(xdg.cache_dir(), "/x/edgecache");
}

TEST(Config, LayersOverrideInOrder) {
  testing::TempDir dir;
  dir.write(".config/edgecache/config.json",
            R"({"max_size": "1G", "base_dir": "/u", "log": "/user.log"})");
  dir.write("proj/edgecache.json", R"({"max_size": "2G", "remote": "http://h/c"})");
  std::filesystem::create_directories(dir.file("proj/sub/deeper"));
  auto inputs = inputs_with(dir, {{"EDGECACHE_MAX_SIZE", "3G"}}, dir.file("proj/sub/deeper"));
  inputs.command_line["log"] = "/cli.log";
  Config config = Config::load(inputs);
  EXPECT_TRUE(config.errors().empty());
  EXPECT_EQ(config.max_size(), 3ull << 30);
  EXPECT_EQ(config.setting("max_size").origin, "env EDGECACHE_MAX_SIZE");
  EXPECT_EQ(config.remote(), "http://h/c");
  EXPECT_EQ(config.setting("remote").origin, dir.file("proj/edgecache.json"));
  EXPECT_EQ(config.base_dirs(), std::vector<std::string>{"/u"});
  EXPECT_EQ(config.log_file(), "/cli.log");
  EXPECT_EQ(config.setting("log").origin, "command line");
}

TEST(Config, BadValuesAreReportedAndTheLowerLayerKept) {
  testing::TempDir dir;
  dir.write(".config/edgecache/config.json", R"({"max_size": "lots", "colour": "blue"})");
  Config config = Config::load(inputs_with(dir, {{"EDGECACHE_NO_REMOTE", "perhaps"}}));
  ASSERT_EQ(config.errors().size(), 3u);
  EXPECT_EQ(config.max_size(), 5ull << 30);
  EXPECT_FALSE(config.no_remote());
  std::string all;
  for (auto& e : config.errors()) all += e + "\n";
  EXPECT_NE(all.find("\"lots\" for max_size"), std::string::npos);
  EXPECT_NE(all.find("unknown key \"colour\""), std::string::npos);
  EXPECT_NE(all.find("\"perhaps\" for no_remote"), std::string::npos);
}

TEST(Config, CompressionIsOnUnlessSwitchedOffAndTakesOnlyBooleans) {
  testing::TempDir dir;
  EXPECT_TRUE(Config::load(inputs_with(dir, {})).compression());
  Config off = Config::load(inputs_with(dir, {{"EDGECACHE_COMPRESSION", "false"}}));
  EXPECT_TRUE(off.errors().empty());
  EXPECT_FALSE(off.compression());
  Config bad = Config::load(inputs_with(dir, {{"EDGECACHE_COMPRESSION", "fast"}}));
  ASSERT_EQ(bad.errors().size(), 1u);
  EXPECT_NE(bad.errors()[0].find("\"fast\" for compression"), std::string::npos);
  EXPECT_TRUE(bad.compression());
}

TEST(Config, LocalEntriesAreCompressedOnlyWhenAskedAndWhenCompressionIsOn) {
  testing::TempDir dir;
  EXPECT_FALSE(Config::load(inputs_with(dir, {})).local_compression());
  EXPECT_TRUE(Config::load(inputs_with(dir, {{"EDGECACHE_LOCAL_COMPRESSION", "true"}}))
                  .local_compression());
  EXPECT_FALSE(Config::load(inputs_with(dir, {{"EDGECACHE_LOCAL_COMPRESSION", "true"},
                                              {"EDGECACHE_COMPRESSION", "false"}}))
                   .local_compression());
  Config bad = Config::load(inputs_with(dir, {{"EDGECACHE_LOCAL_COMPRESSION", "yes please"}}));
  ASSERT_EQ(bad.errors().size(), 1u);
  EXPECT_FALSE(bad.local_compression());
}

TEST(Config, BackgroundUploadsAreOffInCiUnlessTheUserSaysOtherwise) {
  testing::TempDir dir;
  EXPECT_TRUE(Config::load(inputs_with(dir, {})).background_uploads());
  EXPECT_FALSE(Config::load(inputs_with(dir, {{"CI", "true"}})).background_uploads());
  EXPECT_FALSE(Config::load(inputs_with(dir, {{"CI", "1"}})).background_uploads());
  EXPECT_TRUE(Config::load(inputs_with(dir, {{"CI", "false"}})).background_uploads());
  EXPECT_TRUE(Config::load(inputs_with(dir, {{"CI", ""}})).background_uploads());
  EXPECT_TRUE(
      Config::load(inputs_with(dir, {{"CI", "true"}, {"EDGECACHE_BACKGROUND_UPLOADS", "true"}}))
          .background_uploads());
  EXPECT_FALSE(Config::load(inputs_with(dir, {{"EDGECACHE_BACKGROUND_UPLOADS", "false"}}))
                   .background_uploads());
  Config bad = Config::load(inputs_with(dir, {{"EDGECACHE_BACKGROUND_UPLOADS", "sometimes"}}));
  EXPECT_EQ(bad.errors().size(), 1u);
  EXPECT_TRUE(bad.background_uploads());
}

TEST(Config, MalformedJsonFileIsIgnoredWithAnError) {
  testing::TempDir dir;
  dir.write(".config/edgecache/config.json", "{ not json");
  Config config = Config::load(inputs_with(dir, {}));
  ASSERT_EQ(config.errors().size(), 1u);
  EXPECT_NE(config.errors()[0].find("not a JSON object"), std::string::npos);
}

TEST(Config, BaseDirDefaultsToTheBuildTreeAroundTheWorkingDir) {
  testing::TempDir dir;
  dir.write("b1/CMakeCache.txt",
            "# comment\nCMAKE_HOME_DIRECTORY:INTERNAL=" + dir.file("src") + "\n");
  std::filesystem::create_directories(dir.file("b1/CMakeFiles/x.dir"));
  Config config = Config::load(inputs_with(dir, {}, dir.file("b1/CMakeFiles/x.dir")));
  EXPECT_EQ(config.setting("base_dir").value, dir.file("src") + ":" + dir.file("b1"));
  EXPECT_EQ(config.setting("base_dir").origin, "default from " + dir.file("b1/CMakeCache.txt"));
  // Any explicit value wins, an empty one (base dirs off) included.
  Config off = Config::load(inputs_with(dir, {{"EDGECACHE_BASEDIR", ""}}, dir.file("b1")));
  EXPECT_TRUE(off.base_dirs().empty());
  // Outside a build tree there is no default.
  EXPECT_EQ(Config::load(inputs_with(dir, {})).setting("base_dir").value, "");
}

TEST(Config, ParsesSizesAndBooleans) {
  EXPECT_EQ(parse_size("500M"), 500ull << 20);
  EXPECT_EQ(parse_size("2GiB"), 2ull << 30);
  EXPECT_EQ(parse_size("1024"), 1024u);
  EXPECT_FALSE(parse_size("big"));
  EXPECT_FALSE(parse_size("-1G"));
  EXPECT_FALSE(parse_size("5X"));
  EXPECT_EQ(parse_bool("yes"), true);
  EXPECT_EQ(parse_bool("0"), false);
  EXPECT_FALSE(parse_bool("maybe"));
}

}  // namespace
}  // namespace edgecache
