// The remote helper's wire format, server and client against in-memory
// stores: hits through the helper, the fallback to the direct store when the
// helper is missing or dies, stale sockets, idle exit.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "edgecache/blob_envelope.h"
#include "edgecache/helper_server.h"
#include "edgecache/helper_store.h"
#include "edgecache/manifest.h"
#include "remote_test_support.h"
#include "store/remote/helper_protocol.h"

namespace edgecache {
namespace {

using testing::code_of;
using testing::TempDir;
using testing::test_key;

// A thread-safe store in memory that counts its calls.
class MemoryStore : public Store {
 public:
  std::string description() const override { return "memory"; }
  Result<std::string> get(const CacheKey& key) override {
    std::lock_guard lock(mutex_);
    ++calls;
    auto it = objects_.find(key.to_string());
    if (it == objects_.end()) return Error::not_found();
    return it->second;
  }
  Status put(const CacheKey& key, std::string_view blob) override {
    std::lock_guard lock(mutex_);
    ++calls;
    objects_[key.to_string()] = std::string(blob);
    return ok_status();
  }
  Status exists(const CacheKey& key) override {
    Result<std::string> blob = get(key);
    if (!blob.ok()) return blob.failure();
    return ok_status();
  }
  Status remove(const CacheKey& key) override {
    std::lock_guard lock(mutex_);
    ++calls;
    if (objects_.erase(key.to_string()) == 0) return Error::not_found();
    return ok_status();
  }
  std::atomic<int> calls{0};

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> objects_;
};

// A HelperServer over `store` on its own thread.
class RunningServer {
 public:
  RunningServer(Store& store, const std::string& socket, long idle_ms = 0, bool read_ahead = false)
      : server_(store, {socket, std::chrono::milliseconds(idle_ms), "test helper", read_ahead}),
        thread_([this] { exit_ = server_.run(); }) {
    int error = 0;
    for (int i = 0; i < 2000 && !UnixSocket::connect(socket, &error).valid(); ++i) ::usleep(1000);
  }
  ~RunningServer() {
    server_.stop();
    (void)join();  // the tests that care check the exit themselves
  }
  Result<HelperExit> join() {
    if (thread_.joinable()) thread_.join();
    return exit_;
  }

 private:
  HelperServer server_;
  Result<HelperExit> exit_ = Error{"not run"};
  std::thread thread_;
};

RemoteSpec test_spec() {
  RemoteSpec spec;
  spec.url = "http://127.0.0.1:1/cache";
  spec.connect_timeout_ms = 500;
  spec.first_byte_timeout_ms = 500;
  return spec;
}

HelperLaunch launch_at(const std::string& socket,
                       const std::string& program = "/nonexistent/helper") {
  HelperLaunch launch;
  launch.program = program;
  launch.socket_path = socket;
  return launch;
}

HelperStore::DirectFactory direct_to(MemoryStore* direct) {
  return [direct]() -> std::unique_ptr<Store> {
    // A view of the test's store: the HelperStore owns what it gets.
    struct View : Store {
      explicit View(Store* store) : s(store) {}
      std::string description() const override { return s->description(); }
      Result<std::string> get(const CacheKey& k) override { return s->get(k); }
      Status put(const CacheKey& k, std::string_view b) override { return s->put(k, b); }
      Status exists(const CacheKey& k) override { return s->exists(k); }
      Status remove(const CacheKey& k) override { return s->remove(k); }
      Store* s;
    };
    return std::make_unique<View>(direct);
  };
}

TEST(HelperProtocol, KeyBytesRoundTripForBothKinds) {
  for (ObjectKind kind : {ObjectKind::kManifest, ObjectKind::kResult}) {
    CacheKey key = test_key("k", kind);
    std::string bytes = helper_wire::key_bytes(key);
    EXPECT_EQ(bytes.size(), 32u);
    auto back = helper_wire::key_from_bytes(bytes);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, key);
  }
  EXPECT_FALSE(helper_wire::key_from_bytes(std::string(32, 'x')).has_value());
  EXPECT_FALSE(helper_wire::key_from_bytes("short").has_value());
}

TEST(HelperStore, ServesHitsMissesAndPutsThroughTheHelper) {
  TempDir dir;
  MemoryStore remote, direct;
  RunningServer server(remote, dir / "h.sock");
  HelperStore store(test_spec(), launch_at(dir / "h.sock"), direct_to(&direct));
  EXPECT_EQ(code_of(store.get(test_key("a"))), ErrorCode::kNotFound);
  EXPECT_TRUE(store.put(test_key("a"), std::string(300000, 'z')).ok());
  Result<std::string> blob = store.get(test_key("a"));
  ASSERT_TRUE(blob.ok()) << blob.error();
  EXPECT_EQ(*blob, std::string(300000, 'z'));
  EXPECT_TRUE(store.exists(test_key("a")).ok());
  EXPECT_EQ(code_of(store.exists(test_key("a", ObjectKind::kManifest))), ErrorCode::kNotFound);
  EXPECT_TRUE(store.remove(test_key("a")).ok());
  EXPECT_TRUE(store.used_helper());
  EXPECT_EQ(direct.calls, 0);
  EXPECT_EQ(store.problem(), "");
}

// A manifest naming `result`, as the launcher stores it.
std::string manifest_naming(const CacheKey& key, const CacheKey& result) {
  Manifest manifest;
  manifest.add_candidate(ManifestCandidate{{{"/src/a.h", "f00d", ""}}, result.digest});
  return BlobCodec{}.seal(key, encode_manifest(manifest));
}

bool calls_reach(MemoryStore& store, int calls) {
  for (int i = 0; i < 2000 && store.calls < calls; ++i) ::usleep(1000);
  return store.calls >= calls;
}

TEST(HelperStore, TheEntryAServedManifestNamesIsReadAheadAndServedWithoutAnotherFetch) {
  TempDir dir;
  MemoryStore remote, direct;
  const CacheKey manifest = test_key("m", ObjectKind::kManifest), result = test_key("r");
  (void)remote.put(manifest, manifest_naming(manifest, result));
  (void)remote.put(result, "the entry");
  remote.calls = 0;
  RunningServer server(remote, dir / "h.sock", 0, /*read_ahead=*/true);
  HelperStore store(test_spec(), launch_at(dir / "h.sock"), direct_to(&direct));
  ASSERT_TRUE(store.get(manifest).ok());
  // The helper fetches the entry before the launcher asks for it.
  ASSERT_TRUE(calls_reach(remote, 2)) << "the entry was not read ahead";
  Result<std::string> entry = store.get(result);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(*entry, "the entry");
  EXPECT_EQ(remote.calls, 2);  // served from the read-ahead, not fetched again
  // Asked again: read-ahead serves once, then the store answers.
  ASSERT_TRUE(store.get(result).ok());
  EXPECT_EQ(remote.calls, 3);
}

TEST(HelperStore, AClientThatWroteGetsNoReadAheadForItsReadBacks) {
  TempDir dir;
  MemoryStore remote, direct;
  const CacheKey manifest = test_key("m", ObjectKind::kManifest), result = test_key("r");
  RunningServer server(remote, dir / "h.sock", 0, /*read_ahead=*/true);
  HelperStore store(test_spec(), launch_at(dir / "h.sock"), direct_to(&direct));
  ASSERT_TRUE(store.put(result, "the entry").ok());
  ASSERT_TRUE(store.put(manifest, manifest_naming(manifest, result)).ok());
  ASSERT_TRUE(store.get(manifest).ok());  // an upload reading its manifest back
  ::usleep(200 * 1000);
  EXPECT_EQ(remote.calls, 3) << "the helper read ahead for a writer";
}

TEST(HelperStore, GoesDirectWithOneProblemWhenTheHelperCannotStart) {
  TempDir dir;
  MemoryStore direct;
  HelperStore store(test_spec(), launch_at(dir / "h.sock"), direct_to(&direct));
  EXPECT_EQ(code_of(store.get(test_key("a"))), ErrorCode::kNotFound);
  EXPECT_TRUE(store.put(test_key("a"), "x").ok());
  EXPECT_EQ(direct.calls, 2);
  EXPECT_NE(store.problem().find("not found"), std::string::npos);
  EXPECT_FALSE(store.used_helper());
}

TEST(HelperStore, GoesDirectSilentlyWhenAnOptionalHelperIsMissing) {
  TempDir dir;
  MemoryStore direct;
  HelperLaunch launch = launch_at(dir / "h.sock");
  launch.warn_if_missing = false;
  HelperStore store(test_spec(), launch, direct_to(&direct));
  EXPECT_EQ(code_of(store.get(test_key("a"))), ErrorCode::kNotFound);
  EXPECT_EQ(store.problem(), "");
  EXPECT_EQ(direct.calls, 1);
}

TEST(HelperStore, AHelperThatDiesMidSessionSendsTheNextCallDirect) {
  TempDir dir;
  MemoryStore remote, direct;
  HelperStore store(test_spec(), launch_at(dir / "h.sock"), direct_to(&direct));
  {
    RunningServer server(remote, dir / "h.sock");
    EXPECT_EQ(code_of(store.get(test_key("a"))), ErrorCode::kNotFound);
    // A second client asks the helper to stop, as `kill` would end it.
    int error = 0;
    UnixSocket raw = UnixSocket::connect(dir / "h.sock", &error);
    ASSERT_TRUE(raw.valid());
    EXPECT_EQ(raw.write_all(std::string(1, '\x03'), deadline_in(1000)), IoStatus::kOk);
    auto exit = server.join();
    ASSERT_TRUE(exit.ok());
    EXPECT_EQ(*exit, HelperExit::kStopRequested);
  }
  EXPECT_TRUE(store.put(test_key("b"), "x").ok());
  EXPECT_EQ(direct.calls, 1);
  EXPECT_EQ(store.problem(), "");  // a dead helper is replaced, not worth a warning
}

TEST(HelperServer, ReplacesAStaleSocketFile) {
  TempDir dir;
  std::string path = dir / "h.sock";
  {
    auto old = UnixSocket::listen(path);  // bound, then closed: a crashed helper's leftover
    ASSERT_TRUE(old.ok());
  }
  MemoryStore remote, direct;
  RunningServer server(remote, path);
  HelperStore store(test_spec(), launch_at(path), direct_to(&direct));
  EXPECT_TRUE(store.put(test_key("a"), "x").ok());
  EXPECT_EQ(remote.calls, 1);
  EXPECT_EQ(direct.calls, 0);
}

TEST(HelperServer, RefusesASocketALiveHelperOwns) {
  TempDir dir;
  MemoryStore remote;
  RunningServer first(remote, dir / "h.sock");
  HelperServer second(remote, {dir / "h.sock", std::chrono::milliseconds(0), "second"});
  auto result = second.run();
  EXPECT_FALSE(result.ok());
}

TEST(HelperServer, ExitsWhenIdleAndRemovesItsSocket) {
  TempDir dir;
  MemoryStore remote;
  RunningServer server(remote, dir / "h.sock", 300);
  auto exit = server.join();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, HelperExit::kIdle);
  EXPECT_NE(::access((dir / "h.sock").c_str(), F_OK), 0);
}

TEST(HelperServer, ExitsWhenItsSocketFileIsRemoved) {
  TempDir dir;
  MemoryStore remote;
  RunningServer server(remote, dir / "h.sock");
  ::unlink((dir / "h.sock").c_str());
  auto exit = server.join();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(*exit, HelperExit::kSocketGone);
}

TEST(HelperStore, ManyClientsAtOnceShareOneHelper) {
  TempDir dir;
  MemoryStore remote, direct;
  RunningServer server(remote, dir / "h.sock");
  std::vector<std::thread> clients;
  std::atomic<int> hits{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      HelperStore store(test_spec(), launch_at(dir / "h.sock"), direct_to(&direct));
      std::string key = "k" + std::to_string(i);
      if (!store.put(test_key(key), key).ok()) return;
      Result<std::string> blob = store.get(test_key(key));
      if (blob.ok() && *blob == key) ++hits;
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(hits, 8);
  EXPECT_EQ(direct.calls, 0);
}

TEST(HelperSocketPath, IsPrivateAndDependsOnTheRemote) {
  HelperLaunch a = helper_launch_for("http://h/c|layout=bazel", "tok", "/bin/helper", 600);
  HelperLaunch b = helper_launch_for("http://h/c", "", "/bin/helper", 600);
  ASSERT_EQ(a.attributes.size(), 2u);
  EXPECT_EQ(a.attributes[0], (std::pair<std::string, std::string>{"layout", "bazel"}));
  EXPECT_EQ(a.attributes[1].first, "bearer-token");
  auto path_a = helper_socket_path(a);
  auto path_b = helper_socket_path(b);
  ASSERT_TRUE(path_a.ok());
  ASSERT_TRUE(path_b.ok());
  EXPECT_NE(*path_a, *path_b);
  struct stat st {};
  std::string socket_dir = path_a->substr(0, path_a->find_last_of('/'));
  ASSERT_EQ(::stat(socket_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
}

}  // namespace
}  // namespace edgecache
