#include <gtest/gtest.h>

#include <map>

#include "remote_test_support.h"
#include "store/remote/directory_store.h"
#include "store/remote/http_store.h"
#include "store/remote/sharded_store.h"

namespace edgecache {
namespace {

using testing::code_of;
using testing::TempDir;
using testing::test_key;

std::unique_ptr<Store> directory_store(const std::string& path) {
  return std::make_unique<DirectoryStore>(parse_remote_spec("file://" + path).value());
}

// Servers "file://<dir>/s<i>", each a real directory store.
ShardedStore directory_servers(const TempDir& dir, int count) {
  std::vector<ShardedStore::Server> servers;
  for (int i = 0; i < count; ++i) {
    std::string path = dir / ("s" + std::to_string(i));
    servers.push_back({directory_store(path), "file://" + path, nullptr});
  }
  return ShardedStore(std::move(servers));
}

TEST(ShardedStore, SpreadsKeysEvenlyAcrossThreeServers) {
  TempDir dir;
  ShardedStore store = directory_servers(dir, 3);
  std::map<size_t, int> per_server;
  const int keys = 3000;
  for (int i = 0; i < keys; ++i)
    per_server[store.server_for(test_key("key " + std::to_string(i)))] += 1;
  ASSERT_EQ(per_server.size(), 3u);
  for (auto [server, count] : per_server) {
    EXPECT_GE(count, keys / 3 * 8 / 10) << "server " << server;
    EXPECT_LE(count, keys / 3 * 12 / 10) << "server " << server;
  }
}

TEST(ShardedStore, AddingAServerMovesOnlyTheKeysItWins) {
  TempDir dir;
  ShardedStore three = directory_servers(dir, 3);
  ShardedStore four = directory_servers(dir, 4);
  int moved = 0;
  for (int i = 0; i < 2000; ++i) {
    CacheKey key = test_key("key " + std::to_string(i));
    size_t before = three.server_for(key), after = four.server_for(key);
    if (before != after) {
      EXPECT_EQ(after, 3u) << "a key moved between two old servers";
      ++moved;
    }
  }
  EXPECT_GT(moved, 2000 / 4 * 8 / 10);
  EXPECT_LT(moved, 2000 / 4 * 12 / 10);
}

TEST(ShardedStore, EachKeyIsStoredOnItsServerOnly) {
  TempDir dir;
  ShardedStore store = directory_servers(dir, 2);
  CacheKey key = test_key("one");
  ASSERT_TRUE(store.put(key, "blob").ok());
  Result<std::string> blob = store.get(key);
  ASSERT_TRUE(blob.ok()) << blob.error();
  EXPECT_EQ(*blob, "blob");
  size_t home = store.server_for(key);
  DirectoryStore home_dir(
      parse_remote_spec("file://" + dir / ("s" + std::to_string(home))).value());
  DirectoryStore other_dir(
      parse_remote_spec("file://" + dir / ("s" + std::to_string(1 - home))).value());
  EXPECT_TRUE(home_dir.exists(key).ok());
  EXPECT_EQ(code_of(other_dir.exists(key)), ErrorCode::kNotFound);
}

// One real server that refuses connections among two directories: its keys
// fail once, then are skipped (kUnavailable), and the others keep serving.
TEST(ShardedStore, AFailingServerIsSwitchedOffAloneAndRecordsItsHealth) {
  TempDir dir;
  std::vector<ShardedStore::Server> servers;
  servers.push_back({directory_store(dir / "a"), "file://a", nullptr});
  RemoteSpec refused = parse_remote_spec("http://127.0.0.1:1/cache|connect-timeout=200").value();
  servers.push_back(
      {std::make_unique<HttpStore>(refused), refused.url,
       std::make_unique<RemoteHealth>(dir / "health.json", std::chrono::system_clock::now,
                                      RemoteHealthPolicy{.max_failures = 1})});
  servers.push_back({directory_store(dir / "c"), "file://c", nullptr});
  ShardedStore store(std::move(servers));

  int failures = 0, unavailable = 0, stored = 0;
  for (int i = 0; i < 60; ++i) {
    CacheKey key = test_key("k" + std::to_string(i));
    Status reply = store.put(key, "blob");
    if (store.server_for(key) != 1) {
      EXPECT_TRUE(reply.ok()) << reply.error();
      ++stored;
      continue;
    }
    if (reply.failed()) {
      ++failures;
      EXPECT_NE(reply.error().find("only this server is switched off"), std::string::npos)
          << reply.error();
    } else {
      EXPECT_EQ(code_of(reply), ErrorCode::kUnavailable);
      ++unavailable;
    }
  }
  EXPECT_EQ(failures, 1) << "one failure switches the server off for this process";
  EXPECT_GT(unavailable, 5);
  EXPECT_GT(stored, 20);
  EXPECT_TRUE(store.take_switched_off()) << "this process switched it off: it warns";
  EXPECT_FALSE(store.take_switched_off()) << "and only once";
  EXPECT_TRUE(RemoteHealth(dir / "health.json").should_skip()) << "other processes skip it too";
}

TEST(ShardedStore, ReadOnlyOnlyWhenEveryServerIs) {
  TempDir dir;
  std::vector<ShardedStore::Server> servers;
  servers.push_back(
      {std::make_unique<DirectoryStore>(parse_remote_spec("file://" + dir / "a|read-only").value()),
       "a", nullptr});
  servers.push_back({directory_store(dir / "b"), "b", nullptr});
  ShardedStore store(std::move(servers));
  EXPECT_FALSE(store.read_only());
  EXPECT_NE(store.description().find("2 servers"), std::string::npos);
}

}  // namespace
}  // namespace edgecache
