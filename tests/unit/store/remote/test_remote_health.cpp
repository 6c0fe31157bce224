#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "edgecache/file_io.h"
#include "remote_test_support.h"
#include "store/remote/remote_health.h"

namespace edgecache {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::system_clock::time_point now{std::chrono::hours(24 * 365 * 55)};
  RemoteHealth::Clock function() {
    return [this] { return now; };
  }
};

class RemoteHealthTest : public ::testing::Test {
 protected:
  RemoteHealth health() { return RemoteHealth(dir_ / "remote-health.json", clock_.function()); }

  TempDir dir_;
  FakeClock clock_;
};

TEST_F(RemoteHealthTest, ThreeFailuresWithinAMinuteSwitchTheRemoteOff) {
  RemoteHealth remote = health();
  EXPECT_FALSE(remote.should_skip());
  EXPECT_FALSE(remote.record_failure("timeout 1"));
  clock_.now += 10s;
  EXPECT_FALSE(remote.record_failure("timeout 2"));
  EXPECT_FALSE(remote.should_skip());
  clock_.now += 10s;
  EXPECT_TRUE(remote.record_failure("timeout 3"));
  EXPECT_TRUE(remote.should_skip());
  EXPECT_TRUE(health().should_skip()) << "another process must see it too";
  EXPECT_FALSE(remote.record_failure("timeout 4")) << "only one call switches it off";
}

TEST_F(RemoteHealthTest, OneTimeoutSwitchesTheRemoteOffAtOnce) {
  RemoteHealth remote = health();
  EXPECT_FALSE(remote.record_failure("HTTP 500"));
  EXPECT_TRUE(remote.record_failure("GET ...: no response", /*timeout=*/true));
  EXPECT_TRUE(health().should_skip()) << "every process skips a silent server after one wait";
}

TEST_F(RemoteHealthTest, FailuresSpreadBeyondTheWindowDoNotSwitchOff) {
  RemoteHealth remote = health();
  EXPECT_FALSE(remote.record_failure("a"));
  clock_.now += 40s;
  EXPECT_FALSE(remote.record_failure("b"));
  clock_.now += 40s;  // 80 s after the first: a new window starts
  EXPECT_FALSE(remote.record_failure("c"));
  EXPECT_FALSE(remote.should_skip());
}

TEST_F(RemoteHealthTest, RemoteComesBackWhenThePauseExpires) {
  RemoteHealth remote = health();
  for (int i = 0; i < 3; ++i) remote.record_failure("down");
  ASSERT_TRUE(remote.should_skip());
  clock_.now += 59s;
  EXPECT_TRUE(remote.should_skip());
  clock_.now += 2s;
  EXPECT_FALSE(remote.should_skip());
  EXPECT_FALSE(remote.record_failure("still down")) << "a fresh count after the pause";
}

TEST_F(RemoteHealthTest, SuccessForgetsEarlierFailures) {
  RemoteHealth remote = health();
  remote.record_failure("a");
  remote.record_failure("b");
  remote.record_success();
  EXPECT_FALSE(remote.record_failure("c"));
  EXPECT_FALSE(remote.should_skip());
}

TEST_F(RemoteHealthTest, ExactlyOneOfManyProcessesSwitchesTheRemoteOff) {
  constexpr int kProcesses = 8;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) _exit(health().record_failure("child") ? 1 : 0);
    children.push_back(pid);
  }
  int switched = 0;
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    switched += WEXITSTATUS(status);
  }
  EXPECT_EQ(switched, 1);
  EXPECT_TRUE(health().should_skip());
}

TEST_F(RemoteHealthTest, CorruptStateFileReadsAsHealthy) {
  for (const char* content :
       {"garbage{", "", "[1,2]", "{\"version\":1,\"failures\":\"x\",\"disabled_until_ms\":[1]}",
        "{\"version\":99,\"disabled_until_ms\":99999999999999}"}) {
    ASSERT_TRUE(write_file_atomic(dir_ / "remote-health.json", content));
    RemoteHealth remote = health();
    EXPECT_FALSE(remote.should_skip()) << content;
    EXPECT_FALSE(remote.record_failure("x")) << content;
    remote.record_success();
  }
}

TEST_F(RemoteHealthTest, CreatesTheStateDirectoryOnFirstFailure) {
  RemoteHealth remote(dir_ / "cache/dir/remote-health.json", clock_.function(),
                      {.max_failures = 1});
  EXPECT_TRUE(remote.record_failure("x"));
  EXPECT_TRUE(remote.should_skip());
}

TEST_F(RemoteHealthTest, UnwritableStateFileNeverCrashes) {
  ASSERT_TRUE(write_file_atomic(dir_ / "blocker", "file"));
  RemoteHealth remote(dir_ / "blocker/remote-health.json", clock_.function(), {.max_failures = 2});
  EXPECT_FALSE(remote.record_failure("x"));
  EXPECT_FALSE(remote.should_skip());
  remote.record_success();
}

}  // namespace
}  // namespace edgecache
