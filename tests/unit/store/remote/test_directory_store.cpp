#include <gtest/gtest.h>

#include <filesystem>

#include "store/remote/directory_store.h"
#include "edgecache/file_io.h"
#include "remote_test_support.h"

namespace edgecache {
namespace {

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
  ASSERT_EQ(store.put(key, std::string("bytes\0more", 10)).status, StoreStatus::kOk);
  std::string blob;
  ASSERT_EQ(store.get(key, &blob).status, StoreStatus::kOk);
  EXPECT_EQ(blob, std::string("bytes\0more", 10));
  EXPECT_TRUE(
      std::filesystem::is_regular_file(dir / remote_object_path(RemoteLayout::kPlain, key)));
}

TEST(DirectoryStore, SharesObjectsBetweenStoresOnTheSameDirectory) {
  TempDir dir;
  DirectoryStore machine_a(file_spec(dir.path()));
  DirectoryStore machine_b(file_spec(dir.path(), "|read-only"));
  ASSERT_TRUE(machine_a.put(test_key("shared"), "object").ok());
  std::string blob;
  EXPECT_TRUE(machine_b.get(test_key("shared"), &blob).ok());
  EXPECT_EQ(blob, "object");
}

TEST(DirectoryStore, MissingObjectIsNotFound) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path() + "/not/yet/created"));
  std::string blob = "stale";
  EXPECT_EQ(store.get(test_key("missing"), &blob).status, StoreStatus::kNotFound);
  EXPECT_TRUE(blob.empty());
  EXPECT_EQ(store.exists(test_key("missing")).status, StoreStatus::kNotFound);
  EXPECT_EQ(store.remove(test_key("missing")).status, StoreStatus::kNotFound);
}

TEST(DirectoryStore, ExistsAndRemoveSeeTheObject) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path(), "|layout=bazel"));
  CacheKey key = test_key("b");
  ASSERT_TRUE(store.put(key, "x").ok());
  EXPECT_TRUE(std::filesystem::exists(dir / ("ac/" + key.hex64())));
  EXPECT_EQ(store.exists(key).status, StoreStatus::kOk);
  EXPECT_EQ(store.remove(key).status, StoreStatus::kOk);
  EXPECT_EQ(store.exists(key).status, StoreStatus::kNotFound);
}

TEST(DirectoryStore, ReadOnlyStoreRefusesWritesWithoutWriting) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path(), "|read-only"));
  EXPECT_TRUE(store.read_only());
  StoreReply reply = store.put(test_key("c"), "x");
  EXPECT_EQ(reply.status, StoreStatus::kError);
  EXPECT_NE(reply.message.find("read-only"), std::string::npos);
  EXPECT_EQ(store.remove(test_key("c")).status, StoreStatus::kError);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_NE(store.description().find("read-only"), std::string::npos);
}

TEST(DirectoryStore, UnwritableDirectoryIsAnErrorNotACrash) {
  // A regular file where a directory should be: mkdir fails even for root,
  // which chmod-based tests would not achieve.
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "blocker", "file"));
  DirectoryStore store(file_spec(dir / "blocker/cache"));
  StoreReply reply = store.put(test_key("d"), "x");
  EXPECT_EQ(reply.status, StoreStatus::kError);
  EXPECT_FALSE(reply.message.empty());
  std::string blob;
  EXPECT_EQ(store.get(test_key("d"), &blob).status, StoreStatus::kNotFound);
}

TEST(DirectoryStore, ObjectOverTheSizeLimitIsAnError) {
  TempDir dir;
  DirectoryStore store(file_spec(dir.path()), /*max_object_bytes=*/16);
  ASSERT_TRUE(store.put(test_key("big"), std::string(17, 'x')).ok());
  std::string blob;
  StoreReply reply = store.get(test_key("big"), &blob);
  EXPECT_EQ(reply.status, StoreStatus::kError);
  EXPECT_NE(reply.message.find("limit"), std::string::npos);
  EXPECT_TRUE(blob.empty());
}

TEST(DirectoryStore, SpecWithoutDirectoryNeverTouchesTheFileSystem) {
  Result<RemoteSpec> http = parse_remote_spec("http://host/cache");
  ASSERT_TRUE(http.ok());
  DirectoryStore store(*http);
  std::string blob;
  EXPECT_EQ(store.put(test_key("e"), "x").status, StoreStatus::kError);
  EXPECT_EQ(store.get(test_key("e"), &blob).status, StoreStatus::kError);
  EXPECT_EQ(store.exists(test_key("e")).status, StoreStatus::kError);
}

}  // namespace
}  // namespace edgecache
