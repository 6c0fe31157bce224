// The change check's clock: a file written before a step starts is never
// taken as written while it ran, and one written after its command began
// always is, whichever clock the kernel stamped it with.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "edgecache/step_cache.h"
#include "test_support.h"

namespace edgecache {
namespace {

constexpr int64_t kMs = 1'000'000;

int64_t newest_time(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return std::max(int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                  int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec);
}

void overwrite(const std::string& path, const char* text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_GT(::write(fd, text, 1), 0);
  ::close(fd);
}

TEST(StepStart, TimestampAheadOfCoarseClockBeforeStartIsNotDuringRun) {
  // A late tick: the coarse clock 6 ms behind the fine one at the start. A
  // fine-grained timestamp 5 ms past the coarse reading was written before.
  const StepStart start{1'000'000 * kMs, 1'000'000 * kMs + 6 * kMs + 123};
  EXPECT_FALSE(written_during_run(start.coarse_ns + 5 * kMs + 7, start));
  EXPECT_FALSE(written_during_run(start.fine_ns, start));
  EXPECT_TRUE(written_during_run(start.fine_ns + 1, start));
  EXPECT_FALSE(written_during_run(start.coarse_ns - 1, start));
  EXPECT_TRUE(modified_since(start.coarse_ns, start));
}

TEST(StepStart, FileWrittenJustBeforeStartIsNeverDuringRun) {
  // Reading a file's times makes the kernel stamp its next change from the
  // fine clock (multigrain timestamps), which a late tick leaves more than a
  // tick ahead of the coarse clock: as a tool linked by the step before.
  testing::TempDir dir;
  const std::string path = dir.file("tool");
  for (int i = 0; i < 3000; ++i) {
    overwrite(path, "a");
    newest_time(path);
    overwrite(path, "b");
    const StepStart start = step_start();
    ASSERT_FALSE(written_during_run(newest_time(path), start)) << "iteration " << i;
  }
}

TEST(StepStart, FileWrittenAfterTheCommandBeganIsDuringRun) {
  testing::TempDir dir;
  const std::string path = dir.file("input");
  for (int i = 0; i < 200; ++i) {
    overwrite(path, "a");
    newest_time(path);
    const StepStart start = step_start();
    wait_past_start_granule(start);  // the command begins
    overwrite(path, "b");
    ASSERT_TRUE(written_during_run(newest_time(path), start)) << "iteration " << i;
  }
}

}  // namespace
}  // namespace edgecache
