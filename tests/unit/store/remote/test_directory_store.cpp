#include <gtest/gtest.h>

#include <filesystem>

#include "edgecache/file_io.h"
#include "remote_test_support.h"
#include "store/remote/directory_store.h"

namespace edgecache {
namespace {

using testing::code_of;
using testing::TempDir;
using testing::test_key;

RemoteSpec file_spec(const std::string& directory, const std::string& attributes = "") {
  Result<RemoteSpec> spec = parse_remote_spec("file://" + directory + attributes);
  EXPECT_TRUE(spec.ok()) << (spec.ok() ? "" : spec.error());
  return spec.ok() ? *spec : RemoteSpec{};
}

TEST(DirectoryStore, RoundTripsABlobUnderThePlainLayout) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path()));
  CacheKey key = test_key("a");
  ASSERT_TRUE(store.put(key, std::string("bytes\0more", 10)).ok());
  Result<std::string> blob = store.get(key);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob, std::string("bytes\0more", 10));
  EXPECT_TRUE(
      std::filesystem::is_regular_file(dir / remote_object_path(RemoteLayout::kPlain, key)));
}

TEST(DirectoryStore, SharesObjectsBetweenStoresOnTheSameDirectory) {
  TempDir dir;
  DirectoryStore machine_a(file_spec(dir.path()));
  DirectoryStore machine_b(file_spec(dir.path(), "|read-only"));
  ASSERT_TRUE(machine_a.put(test_key("shared"), "object").ok());
  Result<std::string> blob = machine_b.get(test_key("shared"));
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob, "object");
}

TEST(DirectoryStore, MissingObjectIsNotFound) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path() + "/not/yet/created"));
  EXPECT_EQ(code_of(store.get(test_key("missing"))), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store.exists(test_key("missing"))), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store.remove(test_key("missing"))), ErrorCode::kNotFound);
}

TEST(DirectoryStore, ExistsAndRemoveSeeTheObject) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path(), "|layout=bazel"));
  CacheKey key = test_key("b");
  ASSERT_TRUE(store.put(key, "x").ok());
  EXPECT_TRUE(std::filesystem::exists(dir / ("ac/" + key.hex64())));
  EXPECT_TRUE(store.exists(key).ok());
  EXPECT_TRUE(store.remove(key).ok());
  EXPECT_EQ(code_of(store.exists(key)), ErrorCode::kNotFound);
}

TEST(DirectoryStore, ReadOnlyStoreRefusesWritesWithoutWriting) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path(), "|read-only"));
  EXPECT_TRUE(store.read_only());
  Status written = store.put(test_key("c"), "x");
  EXPECT_EQ(code_of(written), ErrorCode::kFailed);
  EXPECT_NE(written.error().find("read-only"), std::string::npos);
  EXPECT_EQ(code_of(store.remove(test_key("c"))), ErrorCode::kFailed);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_NE(store.description().find("read-only"), std::string::npos);
}

TEST(DirectoryStore, UnwritableDirectoryIsAnErrorNotACrash) {
  // A regular file where a directory should be: mkdir fails even for root,
  // which chmod-based tests would not achieve.
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "blocker", "file"));
  DirectoryStore store(file_spec(dir / "blocker/cache"));
  Status written = store.put(test_key("d"), "x");
  EXPECT_EQ(code_of(written), ErrorCode::kFailed);
  EXPECT_FALSE(written.error().empty());
  EXPECT_EQ(code_of(store.get(test_key("d"))), ErrorCode::kNotFound);
}

TEST(DirectoryStore, ObjectOverTheSizeLimitIsAnError) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path()), /*max_object_bytes=*/16);
  ASSERT_TRUE(store.put(test_key("big"), std::string(17, 'x')).ok());
  Result<std::string> blob = store.get(test_key("big"));
  EXPECT_EQ(code_of(blob), ErrorCode::kFailed);
  EXPECT_NE(blob.error().find("limit"), std::string::npos);
}

TEST(DirectoryStore, SpecWithoutDirectoryNeverTouchesTheFileSystem) {
  Result<RemoteSpec> http = parse_remote_spec("http://host/cache");
  ASSERT_TRUE(http.ok());
  DirectoryStore store(*http);
  EXPECT_EQ(code_of(store.put(test_key("e"), "x")), ErrorCode::kFailed);
  EXPECT_EQ(code_of(store.get(test_key("e"))), ErrorCode::kFailed);
  EXPECT_EQ(code_of(store.exists(test_key("e"))), ErrorCode::kFailed);
}

}  // namespace
}  // namespace edgecache
