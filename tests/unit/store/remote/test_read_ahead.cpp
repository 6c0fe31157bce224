// The remote helper's read-ahead (store/remote/read_ahead.h): the entries a
// served manifest names are fetched ahead and served from memory, but only to
// the client that got the manifest, only for the exact key fetched, once, and
// within a memory bound.

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "edgecache/blob_envelope.h"
#include "edgecache/manifest.h"
#include "remote_test_support.h"
#include "store/remote/read_ahead.h"

namespace edgecache {
namespace {

using testing::test_key;

// A thread-safe store in memory that counts the gets of each key.
class CountingStore : public Store {
 public:
  std::string description() const override { return "counting"; }
  Result<std::string> get(const CacheKey& key) override {
    std::lock_guard lock(mutex_);
    ++gets_[key.to_string()];
    auto it = objects_.find(key.to_string());
    if (it == objects_.end()) return Error::not_found();
    return it->second;
  }
  Status put(const CacheKey& key, std::string_view blob) override {
    std::lock_guard lock(mutex_);
    objects_[key.to_string()] = std::string(blob);
    return ok_status();
  }
  Status exists(const CacheKey&) override { return Error::not_found(); }
  Status remove(const CacheKey&) override { return Error::not_found(); }
  int gets_of(const CacheKey& key) {
    std::lock_guard lock(mutex_);
    return gets_[key.to_string()];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> objects_;
  std::map<std::string, int> gets_;
};

// A sealed manifest naming `results`, newest first.
std::string manifest_naming(const CacheKey& key, const std::vector<CacheKey>& results) {
  Manifest manifest;
  for (auto it = results.rbegin(); it != results.rend(); ++it) {
    manifest.add_candidate(ManifestCandidate{{{"/h" + it->to_string(), "f", ""}}, it->digest});
  }
  return BlobCodec{}.seal(key, encode_manifest(manifest));
}

// Waits until the read-ahead has fetched `count` objects (fetched or dropped).
void wait_for_fetches(CountingStore& store, const std::vector<CacheKey>& keys) {
  for (int i = 0; i < 2000; ++i) {
    bool all = true;
    for (const CacheKey& key : keys) all = all && store.gets_of(key) > 0;
    if (all) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

struct Fixture {
  CountingStore store;
  CacheKey manifest = test_key("m", ObjectKind::kManifest);
  CacheKey first = test_key("r1");
  CacheKey second = test_key("r2");
  CacheKey other = test_key("r3");
  Fixture() {
    (void)store.put(first, "entry one");
    (void)store.put(second, "entry two");
    (void)store.put(other, "entry three");
  }
};

TEST(ReadAhead, TheEntriesAServedManifestNamesComeFromMemory) {
  Fixture f;
  ReadAhead ahead(f.store);
  ahead.after_manifest(7, f.manifest, manifest_naming(f.manifest, {f.first, f.second}));
  wait_for_fetches(f.store, {f.first, f.second});
  auto got = ahead.take(7, f.first, deadline_in(5000));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, "entry one");
  EXPECT_EQ(f.store.gets_of(f.first), 1);  // the read-ahead's fetch only
  EXPECT_EQ(ahead.counts().served, 1);
}

TEST(ReadAhead, NeverServesAKeyThatWasNotAskedOrToAnotherClient) {
  Fixture f;
  ReadAhead ahead(f.store);
  ahead.after_manifest(7, f.manifest, manifest_naming(f.manifest, {f.first, f.second}));
  wait_for_fetches(f.store, {f.first, f.second});
  // A key the manifest did not name: nothing read ahead answers it.
  EXPECT_FALSE(ahead.take(7, f.other, deadline_in(100)).has_value());
  // Another launcher's connection: not its read-ahead.
  EXPECT_FALSE(ahead.take(8, f.first, deadline_in(100)).has_value());
  // Each key gets its own bytes, once.
  auto second = ahead.take(7, f.second, deadline_in(5000));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, "entry two");
  auto first = ahead.take(7, f.first, deadline_in(5000));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, "entry one");
  EXPECT_FALSE(ahead.take(7, f.first, deadline_in(100)).has_value());
  // A manifest key is never answered from memory.
  EXPECT_FALSE(ahead.take(7, f.manifest, deadline_in(100)).has_value());
}

TEST(ReadAhead, AWriteOrADisconnectDropsWhatWasReadAhead) {
  Fixture f;
  ReadAhead ahead(f.store);
  ahead.after_manifest(7, f.manifest, manifest_naming(f.manifest, {f.first, f.second}));
  wait_for_fetches(f.store, {f.first, f.second});
  ahead.forget(f.first);
  EXPECT_FALSE(ahead.take(7, f.first, deadline_in(100)).has_value());
  ahead.end_client(7);
  EXPECT_FALSE(ahead.take(7, f.second, deadline_in(100)).has_value());
}

TEST(ReadAhead, HoldsNoMoreThanItsMemoryBound) {
  Fixture f;
  ReadAheadLimits limits;
  limits.max_bytes = 12;  // "entry one" fits, "entry two" no longer does
  ReadAhead ahead(f.store, limits);
  ahead.after_manifest(7, f.manifest, manifest_naming(f.manifest, {f.first, f.second}));
  wait_for_fetches(f.store, {f.first, f.second});
  for (int i = 0; i < 2000 && ahead.counts().dropped == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(ahead.counts().dropped, 1);
  int served = (ahead.take(7, f.first, deadline_in(100)) ? 1 : 0) +
               (ahead.take(7, f.second, deadline_in(100)) ? 1 : 0);
  EXPECT_EQ(served, 1);
}

TEST(ReadAhead, OnlyTheNewestCandidatesAreReadAhead) {
  Fixture f;
  ReadAheadLimits limits;
  limits.per_manifest = 1;
  ReadAhead ahead(f.store, limits);
  ahead.after_manifest(7, f.manifest, manifest_naming(f.manifest, {f.first, f.second}));
  wait_for_fetches(f.store, {f.first});
  EXPECT_EQ(ahead.counts().started, 1);
  EXPECT_TRUE(ahead.take(7, f.first, deadline_in(5000)).has_value());
  EXPECT_EQ(f.store.gets_of(f.second), 0);
}

TEST(ReadAhead, AnUnreadableManifestReadsNothingAhead) {
  Fixture f;
  ReadAhead ahead(f.store);
  ahead.after_manifest(7, f.manifest, "not an envelope");
  ahead.after_manifest(7, f.first,
                       manifest_naming(f.first, {f.second}));  // a result key: never parsed
  EXPECT_EQ(ahead.counts().started, 0);
}

}  // namespace
}  // namespace edgecache
