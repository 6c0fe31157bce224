#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "edgecache/local_store.h"
#include "test_support.h"

namespace edgecache {
namespace {

CacheKey key_for(const std::string& text, ObjectKind kind = ObjectKind::kResult) {
  return CacheKey{kind, hash_bytes(text)};
}

TEST(LocalStore, PutThenGetReturnsTheBlob) {
  testing::TempDir dir;
  LocalStore store(dir.path(), 0);
  ASSERT_TRUE(store.put(key_for("a"), "blob-a").ok());
  Result<std::string> blob = store.get(key_for("a"));
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob, "blob-a");
  EXPECT_EQ(store.get(key_for("b")).code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store.exists(key_for("a")).ok());
  EXPECT_EQ(store.usage().files, 1u);
  EXPECT_EQ(store.usage().bytes, 6u);
}

TEST(LocalStore, ManifestAndResultWithTheSameDigestDoNotCollide) {
  testing::TempDir dir;
  LocalStore store(dir.path(), 0);
  ASSERT_TRUE(store.put(key_for("x", ObjectKind::kManifest), "manifest").ok());
  ASSERT_TRUE(store.put(key_for("x", ObjectKind::kResult), "result").ok());
  Result<std::string> blob = store.get(key_for("x", ObjectKind::kManifest));
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob, "manifest");
}

TEST(LocalStore, SizeLimitEvictsLeastRecentlyUsedWithoutFullScan) {
  testing::TempDir dir;
  // 16 shards of 1 KiB each; every object is 300 bytes.
  LocalStore store(dir.path(), 16 * 1024);
  std::vector<CacheKey> keys;
  for (int i = 0; i < 400; ++i) {
    keys.push_back(key_for(std::to_string(i)));
    ASSERT_TRUE(store.put(keys.back(), std::string(300, 'x')).ok());
  }
  EXPECT_LE(store.usage().bytes, 16u * 1024);
  int present = 0;
  for (const CacheKey& key : keys) present += store.exists(key).ok() ? 1 : 0;
  EXPECT_GT(present, 16);
  EXPECT_LT(present, 60);
  // The newest object survives eviction.
  EXPECT_TRUE(store.exists(keys.back()).ok());
}

TEST(LocalStore, TrimAndCleanReduceTheRecordedUsage) {
  testing::TempDir dir;
  LocalStore store(dir.path(), 0);
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(store.put(key_for(std::to_string(i)), std::string(1000, 'y')).ok());
  EXPECT_EQ(store.usage().bytes, 100000u);
  ASSERT_TRUE(store.trim(16 * 2000));
  EXPECT_LE(store.usage().bytes, 16u * 2000);
  ASSERT_TRUE(store.clean());
  EXPECT_EQ(store.usage().bytes, 0u);
  EXPECT_EQ(store.usage().files, 0u);
}

TEST(LocalStore, UnwritableDirectoryIsAnErrorValue) {
  testing::TempDir dir;
  std::string file = dir.write("plain-file", "x");
  LocalStore store(file + "/cache", 0);
  Status written = store.put(key_for("a"), "blob");
  EXPECT_EQ(written.code(), ErrorCode::kFailed);
  EXPECT_FALSE(written.error().empty());
}

TEST(LocalStore, ConcurrentWritersNeverExposeAPartialObject) {
  testing::TempDir dir;
  const int kWriters = 8;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    if (pid == 0) {
      LocalStore store(dir.path(), 64 * 1024);
      for (int i = 0; i < 200; ++i) {
        // Every writer writes the same keys with full-length, uniform content.
        std::string content(1000 + i, static_cast<char>('a' + w));
        (void)store.put(key_for(std::to_string(i % 50)),
                        content);  // a lost race is fine: readers check
        if (Result<std::string> blob = store.get(key_for(std::to_string((i + 7) % 50)));
            blob.ok()) {
          if (blob->empty() || blob->find_first_not_of((*blob)[0]) != std::string::npos) _exit(3);
        }
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a reader saw a torn object";
  }
  for (auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos);
  }
}

}  // namespace
}  // namespace edgecache
