// HttpStore against a real nginx (WebDAV), started by tests/fixtures/nginx_fixture.sh.
// If nginx cannot start, every test here fails: nothing is skipped.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "edgecache/file_io.h"
#include "remote_test_support.h"
#include "store/remote/http_store.h"

namespace edgecache {
namespace {

using testing::code_of;
using testing::read_or_empty;
using testing::TempDir;
using testing::test_key;
using Clock = std::chrono::steady_clock;

std::string fixture_script() {
  const char* source_dir = std::getenv("EDGECACHE_SOURCE_DIR");
  if (source_dir != nullptr) return std::string(source_dir) + "/tests/fixtures/nginx_fixture.sh";
  // Run by hand: the script sits beside this file's directory.
  return (std::filesystem::path(__FILE__).parent_path().parent_path() / "fixtures/nginx_fixture.sh")
      .string();
}

// A TCP socket on 127.0.0.1 that listens and never accepts: the kernel
// completes the handshake, the request is sent, and no answer ever comes.
// With `listening` false the port is closed again at once: connection refused.
class LocalSocket {
 public:
  explicit LocalSocket(bool listening) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    if (listening) {
      ::listen(fd_, 16);
    } else {
      close_fd();
    }
  }
  ~LocalSocket() { close_fd(); }
  LocalSocket(const LocalSocket&) = delete;
  LocalSocket& operator=(const LocalSocket&) = delete;
  int port() const { return port_; }

 private:
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_;
  int port_ = 0;
};

class HttpStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_dir_ = std::make_unique<TempDir>();
    std::string command = "bash '" + fixture_script() + "' start '" + server_dir_->path() + "' >'" +
                          (*server_dir_ / "fixture.log") + "' 2>&1";
    if (std::system(command.c_str()) != 0) return;
    Result<std::string> port = read_file(*server_dir_ / "port");
    if (port) port_ = std::atoi(port->c_str());
  }

  static void TearDownTestSuite() {
    std::string command = "bash '" + fixture_script() + "' stop '" + server_dir_->path() + "'";
    (void)std::system(command.c_str());
    server_dir_.reset();
    port_ = 0;
  }

  void SetUp() override {
    ASSERT_GT(port_, 0) << "nginx did not start:\n"
                        << read_or_empty(*server_dir_ / "fixture.log")
                        << read_or_empty(*server_dir_ / "error.log");
  }

  static std::string base_url(const std::string& path = "") {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  static RemoteSpec spec(const std::string& text) {
    Result<RemoteSpec> parsed = parse_remote_spec(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() ? *parsed : RemoteSpec{};
  }

  static std::string access_log() { return read_or_empty(*server_dir_ / "access.log"); }

  // nginx logs a request after it has answered it: poll briefly for the line.
  static bool access_log_has(const std::string& needle) {
    for (int i = 0; i < 100; ++i) {
      if (access_log().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  static std::string data_path(const std::string& relative) {
    return *server_dir_ / ("data/" + relative);
  }

  static inline std::unique_ptr<TempDir> server_dir_;
  static inline int port_ = 0;
};

TEST_F(HttpStoreTest, RoundTripsABlobInThePlainLayout) {
  HttpStore store(spec(base_url("/plain")));
  CacheKey key = test_key("plain");
  std::string content("entry\0with\xff bytes", 17);
  ASSERT_TRUE(store.put(key, content).ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(
      data_path("plain/" + remote_object_path(RemoteLayout::kPlain, key))));
  Result<std::string> reply = store.get(key);
  ASSERT_TRUE(reply.ok()) << reply.error();
  EXPECT_EQ(*reply, content);
}

TEST_F(HttpStoreTest, RoundTripsABlobInTheBazelLayout) {
  HttpStore store(spec(base_url("/bazel|layout=bazel")));
  CacheKey key = test_key("bazel");
  ASSERT_TRUE(store.put(key, "result").ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(data_path("bazel/ac/" + key.hex64())));
  EXPECT_EQ(store.object_url(key), base_url("/bazel/ac/" + key.hex64()));
  Result<std::string> blob = store.get(key);
  ASSERT_TRUE(blob.ok()) << blob.error();
  EXPECT_EQ(*blob, "result");
}

TEST_F(HttpStoreTest, LargeBlobRoundTrips) {
  HttpStore store(spec(base_url("/large")));
  std::string content(3 << 20, 'L');  // over curl's 1 MiB "Expect: 100-continue" threshold
  ASSERT_TRUE(store.put(test_key("large"), content).ok());
  Result<std::string> blob = store.get(test_key("large"));
  ASSERT_TRUE(blob.ok()) << blob.error();
  EXPECT_EQ(*blob, content);
}

TEST_F(HttpStoreTest, ExistsAsksWithHeadAndRemoveDeletes) {
  HttpStore store(spec(base_url("/head")));
  CacheKey key = test_key("head");
  EXPECT_EQ(code_of(store.exists(key)), ErrorCode::kNotFound);
  ASSERT_TRUE(store.put(key, "x").ok());
  EXPECT_TRUE(store.exists(key).ok());
  EXPECT_TRUE(access_log_has("\"HEAD /head/"));
  EXPECT_TRUE(store.remove(key).ok());
  EXPECT_EQ(code_of(store.exists(key)), ErrorCode::kNotFound);
}

TEST_F(HttpStoreTest, MissingObjectIsNotFound) {
  HttpStore store(spec(base_url("/missing")));
  Result<std::string> reply = store.get(test_key("never stored"));
  EXPECT_EQ(code_of(reply), ErrorCode::kNotFound) << reply.error();
}

TEST_F(HttpStoreTest, ServerErrorIsAnErrorNamingTheStatus) {
  HttpStore store(spec(base_url("/fail500")));
  Result<std::string> reply = store.get(test_key("x"));
  EXPECT_EQ(code_of(reply), ErrorCode::kFailed);
  EXPECT_NE(reply.error().find("HTTP 500"), std::string::npos) << reply.error();
  EXPECT_EQ(code_of(store.put(test_key("x"), "x")), ErrorCode::kFailed);
}

TEST_F(HttpStoreTest, RefusedConnectionFailsFast) {
  LocalSocket closed(/*listening=*/false);
  HttpStore store(
      spec("http://127.0.0.1:" + std::to_string(closed.port()) + "|connect-timeout=5000"));
  auto start = Clock::now();
  Result<std::string> reply = store.get(test_key("x"));
  EXPECT_EQ(code_of(reply), ErrorCode::kFailed) << reply.error();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
}

TEST_F(HttpStoreTest, SilentServerTimesOutWithinTheTimeout) {
  LocalSocket silent(/*listening=*/true);
  ASSERT_GT(silent.port(), 0);
  HttpStore store(spec("http://127.0.0.1:" + std::to_string(silent.port()) + "|timeout=300"));
  auto start = Clock::now();
  Result<std::string> reply = store.get(test_key("x"));
  auto elapsed = Clock::now() - start;
  EXPECT_EQ(code_of(reply), ErrorCode::kTimeout) << reply.error();
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
}

TEST_F(HttpStoreTest, SendsBearerTokenAndExtraHeaders) {
  RemoteSpec with_token = spec(base_url("/token|header=X-Team=core"));
  with_token.bearer_token = "tok-s3cret-123";
  HttpStore store(with_token);
  ASSERT_TRUE(store.put(test_key("token"), "x").ok());
  EXPECT_TRUE(access_log_has("auth=\"Bearer tok-s3cret-123\" team=\"core\"")) << access_log();
}

TEST_F(HttpStoreTest, SendsBasicAuthFromTheUrl) {
  std::string url = base_url("/basic");
  url.insert(std::string("http://").size(), "alice:pw-s3cret%21@");
  HttpStore store(spec(url));
  ASSERT_TRUE(store.put(test_key("basic"), "x").ok());
  // base64("alice:pw-s3cret!")
  EXPECT_TRUE(access_log_has("auth=\"Basic YWxpY2U6cHctczNjcmV0IQ==\"")) << access_log();
}

TEST_F(HttpStoreTest, MessagesNeverContainThePasswordOrToken) {
  LocalSocket silent(/*listening=*/true);
  LocalSocket closed(/*listening=*/false);
  for (const std::string& where :
       {base_url("/fail500"), "http://127.0.0.1:" + std::to_string(silent.port()),
        "http://127.0.0.1:" + std::to_string(closed.port())}) {
    std::string url = where;
    url.insert(std::string("http://").size(), "alice:pw-s3cret@");
    RemoteSpec remote = spec(url + "|timeout=200|header=X-Api-Key=key-s3cret");
    remote.bearer_token = "tok-s3cret";
    HttpStore store(remote);
    auto check = [&where](const auto& reply) {
      EXPECT_TRUE(reply.failed()) << where;
      EXPECT_EQ(reply.error().find("s3cret"), std::string::npos) << reply.error();
      EXPECT_NE(reply.error().find("***@"), std::string::npos) << reply.error();
    };
    check(store.get(test_key("x")));
    check(store.put(test_key("x"), "x"));
    check(store.exists(test_key("x")));
    EXPECT_EQ(store.description().find("s3cret"), std::string::npos) << store.description();
  }
}

TEST_F(HttpStoreTest, BodyOverTheSizeLimitIsAnError) {
  HttpStore writer(spec(base_url("/limit")));
  ASSERT_TRUE(writer.put(test_key("big"), std::string(4096, 'b')).ok());
  HttpStore reader(spec(base_url("/limit")), /*max_body_bytes=*/1024);
  Result<std::string> reply = reader.get(test_key("big"));
  EXPECT_EQ(code_of(reply), ErrorCode::kFailed);
  EXPECT_NE(reply.error().find("limit"), std::string::npos) << reply.error();
}

TEST_F(HttpStoreTest, ReadOnlyStoreSendsNoWrites) {
  HttpStore store(spec(base_url("/readonly|read-only")));
  EXPECT_TRUE(store.read_only());
  EXPECT_EQ(code_of(store.put(test_key("ro"), "x")), ErrorCode::kFailed);
  EXPECT_EQ(code_of(store.remove(test_key("ro"))), ErrorCode::kFailed);
  EXPECT_EQ(access_log().find("/readonly/"), std::string::npos);
}

TEST_F(HttpStoreTest, ReturnsCorruptBytesAsTheyAre) {
  // Judging the bytes is the entry decoder's job; the store hands them over.
  HttpStore store(spec(base_url("/corrupt")));
  CacheKey key = test_key("corrupt");
  ASSERT_TRUE(write_file_atomic(
      data_path("corrupt/" + remote_object_path(RemoteLayout::kPlain, key)), "garbage"));
  Result<std::string> blob = store.get(key);
  ASSERT_TRUE(blob.ok()) << blob.error();
  EXPECT_EQ(*blob, "garbage");
}

TEST_F(HttpStoreTest, ReusesOneConnectionForSuccessiveCalls) {
  HttpStore store(spec(base_url("/reuse")));
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store.put(test_key("reuse" + std::to_string(i)), "x").ok());
  ASSERT_TRUE(access_log_has(remote_object_path(RemoteLayout::kPlain, test_key("reuse4"))));
  // The fixture logs nginx's connection serial number as conn=N.
  std::string log = access_log();
  std::set<std::string> connections;
  for (size_t at = log.find("/reuse/"); at != std::string::npos; at = log.find("/reuse/", at + 1)) {
    size_t conn = log.find("conn=", at);
    connections.insert(log.substr(conn, log.find('\n', conn) - conn));
  }
  EXPECT_EQ(connections.size(), 1u) << log;
}

TEST_F(HttpStoreTest, ServesCallsFromSeveralThreadsAtOnce) {
  HttpStore store(spec(base_url("/threads")));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, &failures, t] {
      for (int i = 0; i < 20; ++i) {
        CacheKey key = test_key(std::to_string(t) + "/" + std::to_string(i));
        if (!store.put(key, key.to_string()).ok()) {
          ++failures;
          continue;
        }
        Result<std::string> blob = store.get(key);
        if (!blob.ok() || *blob != key.to_string()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace edgecache
