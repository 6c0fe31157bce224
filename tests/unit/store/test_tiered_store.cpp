// TieredStore: the local cache first, then the remote; a remote hit fills the
// local cache; a failing remote is switched off after one failure and said
// once, as a warning, never as a failed build. Both tiers are in memory.
#include <gtest/gtest.h>

#include "edgecache/tiered_store.h"
#include "memory_store.h"
#include "remote_test_support.h"

namespace edgecache {
namespace {

using testing::MemoryStore;
using testing::test_key;

const Error kRefused{"connection refused"};

TEST(TieredStore, ALocalHitNeverAsksTheRemote) {
  MemoryStore local, remote;
  local.objects[test_key("a").to_string()] = "blob";
  TieredStore tiered(&local, &remote);
  auto fetched = tiered.get(test_key("a"));
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->blob, "blob");
  EXPECT_EQ(fetched->source, StoreTier::kLocal);
  EXPECT_EQ(remote.gets, 0);
  EXPECT_EQ(tiered.counters()[counter::kBytesRead], 4);
}

TEST(TieredStore, ARemoteHitFillsTheLocalCache) {
  MemoryStore local, remote;
  remote.objects[test_key("a").to_string()] = "blob";
  TieredStore tiered(&local, &remote);
  auto fetched = tiered.get(test_key("a"));
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->source, StoreTier::kRemote);
  EXPECT_EQ(local.objects[test_key("a").to_string()], "blob");
  EXPECT_EQ(tiered.counters()[counter::kRemoteBytesRead], 4);
  // The next lookup is a local hit.
  EXPECT_EQ(tiered.get(test_key("a"))->source, StoreTier::kLocal);
  EXPECT_EQ(remote.gets, 1);
}

TEST(TieredStore, AMissInBothIsNoWarning) {
  MemoryStore local, remote;
  TieredStore tiered(&local, &remote);
  EXPECT_FALSE(tiered.get(test_key("a")));
  EXPECT_TRUE(tiered.warnings().empty());
  EXPECT_FALSE(tiered.remote_skipped());
}

TEST(TieredStore, APutGoesToBothTiersButNotToAReadOnlyRemote) {
  MemoryStore local, remote, read_only("read-only", true);
  TieredStore both(&local, &remote);
  both.put(test_key("a"), "blob");
  EXPECT_EQ(local.objects.count(test_key("a").to_string()), 1u);
  EXPECT_EQ(remote.objects.count(test_key("a").to_string()), 1u);
  EXPECT_EQ(both.counters()[counter::kRemoteBytesWritten], 4);
  TieredStore to_read_only(&local, &read_only);
  to_read_only.put(test_key("b"), "blob");
  EXPECT_EQ(read_only.puts, 0);
}

TEST(TieredStore, AnObjectSealedTwoWaysGoesToEachTierAsItsOwnBlob) {
  MemoryStore local, remote, read_only("read-only", true);
  TieredStore now(&local, &remote);
  EXPECT_TRUE(now.writes_remote());
  now.put(test_key("a"), "local bytes", "remote");
  EXPECT_EQ(local.objects[test_key("a").to_string()], "local bytes");
  EXPECT_EQ(remote.objects[test_key("a").to_string()], "remote");
  EXPECT_EQ(now.counters()[counter::kBytesWritten], 11);
  EXPECT_EQ(now.counters()[counter::kRemoteBytesWritten], 6);
  // Held back for the uploader: the remote's blob is the one kept.
  TieredStore later(&local, &remote);
  later.defer_remote_writes();
  later.put(test_key("b"), "local bytes", "remote");
  later.run_deferred_writes();
  EXPECT_EQ(remote.objects[test_key("b").to_string()], "remote");
  EXPECT_FALSE(TieredStore(&local, &read_only).writes_remote());
  EXPECT_FALSE(TieredStore(&local, nullptr).writes_remote());
}

TEST(TieredStore, WorksWithEitherTierMissing) {
  MemoryStore store;
  store.objects[test_key("a").to_string()] = "blob";
  EXPECT_EQ(TieredStore(&store, nullptr).get(test_key("a"))->source, StoreTier::kLocal);
  EXPECT_EQ(TieredStore(nullptr, &store).get(test_key("a"))->source, StoreTier::kRemote);
  TieredStore none(nullptr, nullptr);
  EXPECT_FALSE(none.get(test_key("a")));
  none.put(test_key("a"), "blob");
  EXPECT_FALSE(none.has_remote());
}

TEST(TieredStore, OneRemoteFailureSwitchesTheRemoteOffForThisProcess) {
  MemoryStore local, remote;
  remote.failure = kRefused;
  int failures = 0;
  RemoteGate gate;
  gate.on_failure = [&](const Error&) { ++failures; };
  TieredStore tiered(&local, &remote, gate);
  EXPECT_FALSE(tiered.get(test_key("a")));
  EXPECT_TRUE(tiered.remote_skipped());
  ASSERT_EQ(tiered.warnings().size(), 1u);
  EXPECT_EQ(tiered.warnings()[0].tier, StoreTier::kRemote);
  EXPECT_EQ(tiered.warnings()[0].text, "remote cache read failed: connection refused");
  EXPECT_EQ(tiered.counters()[counter::kRemoteError], 1);
  // Not asked again: a dead server costs one timeout, not one per lookup.
  EXPECT_FALSE(tiered.get(test_key("b")));
  tiered.put(test_key("b"), "blob");
  EXPECT_EQ(remote.gets, 1);
  EXPECT_EQ(remote.puts, 0);
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(local.objects.count(test_key("b").to_string()), 1u);  // the local cache still works
}

TEST(TieredStore, AShardedRemoteStaysOnAfterOneServerFails) {
  MemoryStore local, remote;
  remote.failure = kRefused;
  RemoteGate gate;
  gate.whole_remote_off_after_failure = false;
  TieredStore tiered(&local, &remote, gate);
  EXPECT_FALSE(tiered.get(test_key("a")));
  EXPECT_FALSE(tiered.remote_skipped());
  remote.failure.reset();
  remote.objects[test_key("a").to_string()] = "blob";
  EXPECT_EQ(tiered.get(test_key("a"))->source, StoreTier::kRemote);
}

TEST(TieredStore, AClosedGateKeepsTheRemoteOutWithoutAWarning) {
  MemoryStore local, remote;
  RemoteGate gate;
  gate.allowed = [] { return false; };  // another process found it down recently
  TieredStore tiered(&local, &remote, gate);
  EXPECT_FALSE(tiered.get(test_key("a")));
  EXPECT_TRUE(tiered.remote_skipped());
  EXPECT_EQ(remote.gets, 0);
  EXPECT_TRUE(tiered.warnings().empty());
}

TEST(TieredStore, OnlyAHitOrAStoredPutCountsAsRemoteSuccess) {
  MemoryStore local, remote;
  int successes = 0;
  RemoteGate gate;
  gate.on_success = [&] { ++successes; };
  TieredStore tiered(&local, &remote, gate);
  EXPECT_FALSE(tiered.get(test_key("a")));  // a miss says nothing about writes
  EXPECT_EQ(successes, 0);
  tiered.put(test_key("a"), "blob");
  EXPECT_EQ(successes, 1);
  local.objects.clear();
  EXPECT_TRUE(tiered.get(test_key("a")));
  EXPECT_EQ(successes, 2);
}

TEST(TieredStore, AnUnavailableServerIsAMissNotAFailure) {
  MemoryStore local, remote;
  remote.failure = Error::unavailable();
  TieredStore tiered(&local, &remote);
  EXPECT_FALSE(tiered.get(test_key("a")));
  EXPECT_FALSE(tiered.remote_skipped());
  EXPECT_TRUE(tiered.warnings().empty());
  EXPECT_EQ(tiered.counters()[counter::kRemoteError], 0);
}

TEST(TieredStore, ALocalFailureIsAWarningAndTheRemoteStillServes) {
  MemoryStore local, remote;
  local.failure = Error{"disk full"};
  remote.objects[test_key("a").to_string()] = "blob";
  TieredStore tiered(&local, &remote);
  EXPECT_EQ(tiered.get(test_key("a"))->source, StoreTier::kRemote);
  ASSERT_EQ(tiered.warnings().size(), 2u);
  EXPECT_EQ(tiered.warnings()[0].tier, StoreTier::kLocal);
  EXPECT_EQ(tiered.warnings()[0].text, "local cache read failed: disk full");
  EXPECT_EQ(tiered.warnings()[1].text, "local cache write failed: disk full");
  EXPECT_FALSE(tiered.remote_skipped());
}

TEST(TieredStore, DiscardLocalDropsOnlyTheLocalCopy) {
  MemoryStore local, remote;
  local.objects[test_key("a").to_string()] = "corrupt";
  remote.objects[test_key("a").to_string()] = "blob";
  TieredStore tiered(&local, &remote);
  tiered.discard_local(test_key("a"));
  EXPECT_EQ(tiered.get(test_key("a"))->blob, "blob");
}

TEST(TieredStore, DeferredRemoteWritesWaitForRunDeferredWrites) {
  MemoryStore local, remote, read_only("read-only", true);
  TieredStore tiered(&local, &remote);
  tiered.defer_remote_writes();
  tiered.put(test_key("r"), "entry");
  ObjectUpdate update;
  update.merge = [](const std::string* current) {
    return (current ? *current : std::string()) + "+1";
  };
  update.holds_addition = [](const std::string& blob) {
    return blob.find("+1") != std::string::npos;
  };
  const CacheKey manifest = test_key("m", ObjectKind::kManifest);
  tiered.update(manifest, update);
  // The local cache has both at once; the remote nothing yet.
  EXPECT_EQ(local.objects[test_key("r").to_string()], "entry");
  EXPECT_EQ(local.objects[manifest.to_string()], "+1");
  EXPECT_TRUE(remote.objects.empty());
  EXPECT_EQ(remote.gets + remote.puts, 0);
  EXPECT_TRUE(tiered.has_deferred_writes());
  tiered.run_deferred_writes();
  EXPECT_EQ(remote.objects[test_key("r").to_string()], "entry");
  EXPECT_EQ(remote.objects[manifest.to_string()], "+1");
  EXPECT_FALSE(tiered.has_deferred_writes());
  // Nothing is held back for a remote that takes no writes.
  TieredStore to_read_only(&local, &read_only);
  to_read_only.defer_remote_writes();
  to_read_only.put(test_key("r2"), "entry");
  EXPECT_FALSE(to_read_only.has_deferred_writes());
}

}  // namespace
}  // namespace edgecache
