// Outputs as they are on disk: what the cache refuses to replace, symlinks
// as symlinks, unchanged outputs left alone.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgecache/file_hasher.h"
#include "edgecache/file_io.h"
#include "edgecache/step_outputs.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::TempDir;

int64_t mtime_ns(const std::string& path) { return lstat_file(path)->mtime_ns; }

TEST(StepOutputs, RestatStepLeavesAnOutputHoldingTheCachedBytesAlone) {
  TempDir dir;
  Step step;
  step.keep_unchanged_outputs = true;
  StepOutput output{"output:0", dir.write("out", "same"), false};
  struct timespec old_times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, output.path.c_str(), old_times, 0), 0);
  EntryFile file{"output:0", 0644, "same"};
  ASSERT_TRUE(restore_output(step, output, file, "same"));
  EXPECT_EQ(mtime_ns(output.path), int64_t{1000000000} * 1000000000);
  step.keep_unchanged_outputs = false;  // as a real rewrite: newer mtime
  ASSERT_TRUE(restore_output(step, output, file, "same"));
  EXPECT_GT(mtime_ns(output.path), int64_t{1000000000} * 1000000000);
}

TEST(StepOutputs, SymlinkOutputsComeBackAsSymlinksOnlyForStepsThatOwnThem) {
  TempDir dir;
  Step step;
  step.symlink_outputs = true;
  ASSERT_EQ(::symlink("libfoo.so.1", dir.file("libfoo.so").c_str()), 0);
  StepOutput output{"output:1", dir.file("libfoo.so"), false};
  step.outputs.push_back(output);
  ASSERT_FALSE(check_output_paths(&step));
  std::string reason;
  // The run left the link as it was: written through, not made.
  EXPECT_FALSE(capture_output(step, output, &reason));
  EXPECT_EQ(reason, "output-written-through-symlink");
  step.symlinks_before_run.clear();
  auto captured = capture_output(step, output, &reason);
  ASSERT_TRUE(captured);
  EXPECT_EQ(captured->kind, EntryFileKind::kSymlink);
  EXPECT_EQ(captured->content, "libfoo.so.1");
  ::unlink(output.path.c_str());
  ASSERT_TRUE(restore_output(step, output, *captured, captured->content));
  EXPECT_EQ(*read_symlink(output.path), "libfoo.so.1");
  step.symlink_outputs = false;  // a compile: never
  EXPECT_TRUE(check_output_paths(&step));
  EXPECT_FALSE(restore_output(step, output, *captured, captured->content));
}

TEST(StepOutputs, ADeviceOutputIsNeverCheckedAsCacheable) {
  Step step;
  step.symlink_outputs = true;
  step.outputs.push_back({"object", "/dev/null", false});
  auto hazard = check_output_paths(&step);
  ASSERT_TRUE(hazard);
  EXPECT_NE(hazard->find("character device"), std::string::npos);
}

}  // namespace
}  // namespace edgecache
