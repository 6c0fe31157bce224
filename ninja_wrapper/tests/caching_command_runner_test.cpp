// CachingCommandRunner under Ninja's real Builder and deps log, with hooks
// that fake a cache: what a hit must and must not do for the build.
#include "caching_command_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "build_summary.h"
#include "depfile_shelf.h"
#include "ninja/build.h"
#include "ninja/build_log.h"
#include "ninja/deps_log.h"
#include "ninja/disk_interface.h"
#include "ninja/graph.h"
#include "ninja/manifest_parser.h"
#include "ninja/state.h"
#include "ninja/status.h"
#include "subprocess_command_runner.h"

namespace edgecache::ninja {
namespace {

namespace fs = std::filesystem;

// Compiles are `cp` plus a gcc-style depfile naming hdr.h; every command
// appends its output's name to ran.log, so the log says what really ran.
constexpr const char* kManifest = R"(
rule cc
  command = echo $out >> ran.log && cp $in $out && echo "$out: $in hdr.h" > $out.d
  depfile = $out.d
  deps = gcc
rule gen
  command = echo $out >> ran.log && touch $out
  generator = 1
rule interactive
  command = echo $out >> ran.log && touch $out
  pool = console
build a.o: cc a.c
build b.o: cc b.c
build gen.out: gen
build console.out: interactive
build all: phony a.o b.o gen.out console.out
)";

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A cache that "holds" the outputs named in `cached`: a hit writes the
/// output and its depfile, as a real restore must.
class FakeCacheHooks final : public EdgeCacheHooks {
 public:
  std::optional<HitInfo> try_restore(Edge* edge) override {
    const std::string out = edge->outputs_[0]->path();
    offered.push_back(out);
    if (!cached.count(out)) return std::nullopt;
    write_file(out, "restored");
    write_file(edge->GetUnescapedDepfile(), out + ": " + edge->inputs_[0]->path() + " hdr.h\n");
    HitInfo hit;
    hit.output = "cached output of " + out + "\n";
    return hit;
  }
  void on_command_finished(Edge* edge, const CommandRunner::Result& result, double) override {
    finished.push_back(edge->outputs_[0]->path());
    depfile_seen_at_finish.push_back(fs::exists(edge->GetUnescapedDepfile()));
    EXPECT_TRUE(result.success());
  }
  std::optional<CacheCounts> counts() const override {
    return CacheCounts{static_cast<int>(offered.size()), 0, static_cast<int>(cached.size())};
  }

  std::set<std::string> cached;
  std::vector<std::string> offered;
  std::vector<std::string> finished;
  std::vector<bool> depfile_seen_at_finish;
};

/// A cache whose hits are written by the runner's restore threads
/// (HitInfo::write_outputs), as CachedEdgeHooks does. Outputs in `broken`
/// fail to restore: their edges must run for real.
class BackgroundCacheHooks final : public EdgeCacheHooks {
 public:
  std::optional<HitInfo> try_restore(Edge* edge) override {
    const std::string out = edge->outputs_[0]->path();
    if (!cached.count(out)) return std::nullopt;
    const std::string depfile = edge->GetUnescapedDepfile();
    const std::string input = edge->inputs_[0]->path();
    const bool fails = broken.count(out) != 0;
    const bool lookup_only = handed_over.count(out) != 0;
    const bool in_memory = depfile_in_memory.count(out) != 0;
    HitInfo hit;
    hit.write_outputs = [out, depfile, input, fails, lookup_only, in_memory, this] {
      ::usleep(20000);  // slower than the main thread: Ninja must wait for it
      if (fails || lookup_only) return;
      write_file(out, "restored");
      if (!in_memory) write_file(depfile, out + ": " + input + " hdr.h\n");
      ++written;
    };
    return hit;
  }
  std::optional<HitInfo> finish_restore(Edge* edge) override {
    const std::string out = edge->outputs_[0]->path();
    if (handed_over.erase(out)) {
      // The job was a lookup that did not decide (local_lookups.h): the
      // main thread's own lookup hits, and the outputs are still to be written.
      HitInfo hit;
      hit.write_outputs = [out, depfile = edge->GetUnescapedDepfile(),
                           input = edge->inputs_[0]->path(), this] {
        write_file(out, "restored");
        write_file(depfile, out + ": " + input + " hdr.h\n");
        ++written;
      };
      return hit;
    }
    finished_restores.push_back(out);
    outputs_there_at_finish.push_back(fs::exists(out) && read_file(out) == "restored");
    if (broken.count(out)) return std::nullopt;
    HitInfo hit;
    hit.output = "cached output of " + out + "\n";
    if (depfile_in_memory.count(out))
      hit.depfile = out + ": " + edge->inputs_[0]->path() + " hdr.h\n";
    return hit;
  }
  void on_command_finished(Edge* edge, const CommandRunner::Result& result, double) override {
    ran.push_back(edge->outputs_[0]->path());
    EXPECT_TRUE(result.success());
  }
  std::optional<CacheCounts> counts() const override { return CacheCounts{}; }

  std::set<std::string> cached;
  std::set<std::string> broken;
  /// Handed over undecided: their first job writes nothing, and
  /// finish_restore() answers with the restore still to be written.
  std::set<std::string> handed_over;
  /// Their depfile is not written but handed over (HitInfo::depfile).
  std::set<std::string> depfile_in_memory;
  std::atomic<int> written{0};
  std::vector<std::string> finished_restores;
  std::vector<bool> outputs_there_at_finish;
  std::vector<std::string> ran;
};

/// A temporary directory holding kManifest and its sources, made the
/// current directory for the test (Ninja resolves paths against it).
class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_cwd_ = fs::current_path();
    char pattern[] = "/tmp/edgecache-runner-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::current_path(dir_);
    write_file("build.ninja", kManifest);
    write_file("a.c", "a");
    write_file("b.c", "b");
    write_file("hdr.h", "h");
    std::string err;
    ManifestParser parser(&state_, &disk_);
    ASSERT_TRUE(parser.Load("build.ninja", &err)) << err;
    ASSERT_TRUE(deps_log_.OpenForWrite(".ninja_deps", &err)) << err;
  }
  void TearDown() override {
    deps_log_.Close();
    fs::current_path(old_cwd_);
    fs::remove_all(dir_);
  }

  /// Builds `all` with -j`jobs` through a CachingCommandRunner over real
  /// subprocesses; returns what the runner counted.
  RunnerCounts build(EdgeCacheHooks* hooks, int jobs) {
    config_.parallelism = jobs;
    config_.verbosity = BuildConfig::QUIET;
    StatusPrinter status(config_);
    Builder builder(&state_, config_, &build_log_, &deps_log_, &disk_, &status, 0);
    auto runner = std::make_unique<CachingCommandRunner>(
        std::make_unique<SubprocessCommandRunner>(config_), hooks, &disk_);
    CachingCommandRunner* counted = runner.get();
    builder.command_runner_ = std::move(runner);
    std::string err;
    EXPECT_TRUE(builder.AddTarget("all", &err)) << err;
    EXPECT_TRUE(builder.Build(&err)) << err;
    return counted->counts();
  }

  /// The outputs whose commands ran, sorted.
  std::vector<std::string> ran() const {
    std::vector<std::string> lines;
    std::istringstream log(read_file((dir_ / "ran.log").string()));
    for (std::string line; std::getline(log, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  std::vector<std::string> deps_of(const std::string& path) {
    std::vector<std::string> deps;
    if (DepsLog::Deps* recorded = deps_log_.GetDeps(state_.LookupNode(path)))
      for (int i = 0; i < recorded->node_count; ++i) deps.push_back(recorded->nodes[i]->path());
    return deps;
  }

  fs::path old_cwd_;
  fs::path dir_;
  BuildConfig config_;
  State state_;
  DepfileShelf disk_;
  BuildLog build_log_;
  DepsLog deps_log_;
};

TEST_F(RunnerTest, HitIsNotRunAndItsDepfileReachesTheDepsLog) {
  FakeCacheHooks hooks;
  hooks.cached = {"a.o"};
  const RunnerCounts counts = build(&hooks, 1);

  EXPECT_EQ(ran(), (std::vector<std::string>{"b.o", "console.out", "gen.out"}));
  EXPECT_EQ(read_file("a.o"), "restored");
  EXPECT_EQ(deps_of("a.o"), (std::vector<std::string>{"a.c", "hdr.h"}));
  EXPECT_EQ(deps_of("b.o"), (std::vector<std::string>{"b.c", "hdr.h"}));
  EXPECT_EQ(counts.restored, 1);
  EXPECT_EQ(counts.ran, 3);
}

TEST_F(RunnerTest, NeverOffersPhonyGeneratorOrConsoleEdges) {
  FakeCacheHooks hooks;
  build(&hooks, 2);
  std::sort(hooks.offered.begin(), hooks.offered.end());
  EXPECT_EQ(hooks.offered, (std::vector<std::string>{"a.o", "b.o"}));
}

TEST_F(RunnerTest, MissesAreReportedWhileTheirDepfileStillExists) {
  FakeCacheHooks hooks;
  build(&hooks, 2);
  std::sort(hooks.finished.begin(), hooks.finished.end());
  EXPECT_EQ(hooks.finished, (std::vector<std::string>{"a.o", "b.o"}));
  EXPECT_EQ(hooks.depfile_seen_at_finish, (std::vector<bool>{true, true}));
  // ...and Ninja deleted it afterwards, as without the cache.
  EXPECT_FALSE(fs::exists("a.o.d"));
}

TEST_F(RunnerTest, WithoutHooksEverythingRuns) {
  const RunnerCounts counts = build(nullptr, 2);
  EXPECT_EQ(ran(), (std::vector<std::string>{"a.o", "b.o", "console.out", "gen.out"}));
  EXPECT_EQ(counts.ran, 4);
  EXPECT_EQ(counts.restored, 0);
}

/// An inner runner with one slot that never blocks, to observe slot use.
class OneSlotRunner final : public CommandRunner {
 public:
  bool CanRunMore() const override { return started_.size() < 1; }
  bool StartCommand(Edge* edge) override {
    started_.push_back(edge);
    return true;
  }
  bool WaitForCommand(Result* result) override {
    ++waits;
    result->edge = started_.back();
    result->status = ExitSuccess;
    started_.pop_back();
    return true;
  }
  int waits = 0;

 private:
  std::vector<Edge*> started_;
};

TEST_F(RunnerTest, HitsTakeNoJobSlotAndAreReapedFirst) {
  FakeCacheHooks hooks;
  hooks.cached = {"a.o"};
  auto inner = std::make_unique<OneSlotRunner>();
  OneSlotRunner* slots = inner.get();
  CachingCommandRunner runner(std::move(inner), &hooks, &disk_);
  Edge* a = state_.LookupNode("a.o")->in_edge();
  Edge* b = state_.LookupNode("b.o")->in_edge();

  ASSERT_TRUE(runner.StartCommand(b));  // miss: takes the only slot
  EXPECT_FALSE(runner.CanRunMore());
  ASSERT_TRUE(runner.StartCommand(a));  // hit: Builder may offer it anyway
  CommandRunner::Result first;
  ASSERT_TRUE(runner.WaitForCommand(&first));
  EXPECT_EQ(first.edge, a);
  EXPECT_EQ(first.output, "cached output of a.o\n");
  EXPECT_EQ(slots->waits, 0) << "a hit must not wait for running commands";
  CommandRunner::Result second;
  ASSERT_TRUE(runner.WaitForCommand(&second));
  EXPECT_EQ(second.edge, b);
  EXPECT_TRUE(runner.CanRunMore());
}

TEST_F(RunnerTest, BackgroundHitsReachNinjaOnlyWithTheirOutputsAndDepfileWritten) {
  BackgroundCacheHooks hooks;
  hooks.cached = {"a.o", "b.o"};
  const RunnerCounts counts = build(&hooks, 2);

  EXPECT_EQ(ran(), (std::vector<std::string>{"console.out", "gen.out"}));
  EXPECT_EQ(hooks.written, 2);
  EXPECT_EQ(hooks.outputs_there_at_finish, (std::vector<bool>{true, true}));
  EXPECT_EQ(read_file("a.o"), "restored");
  // Ninja read each depfile into its deps log: it was there when the edge finished.
  EXPECT_EQ(deps_of("a.o"), (std::vector<std::string>{"a.c", "hdr.h"}));
  EXPECT_EQ(deps_of("b.o"), (std::vector<std::string>{"b.c", "hdr.h"}));
  EXPECT_EQ(counts.restored, 2);
  EXPECT_EQ(counts.ran, 2);
}

TEST_F(RunnerTest, ABackgroundRestoreThatFailsRunsTheCommandForReal) {
  BackgroundCacheHooks hooks;
  hooks.cached = {"a.o", "b.o"};
  hooks.broken = {"a.o"};
  const RunnerCounts counts = build(&hooks, 1);

  EXPECT_EQ(ran(), (std::vector<std::string>{"a.o", "console.out", "gen.out"}));
  EXPECT_EQ(hooks.ran, (std::vector<std::string>{"a.o"}))
      << "the hooks hear about the real run, to store it";
  EXPECT_EQ(read_file("a.o"), "a") << "the command's output, not a partial restore";
  EXPECT_EQ(read_file("b.o"), "restored");
  EXPECT_EQ(deps_of("a.o"), (std::vector<std::string>{"a.c", "hdr.h"}));
  EXPECT_EQ(counts.restored, 1);
  EXPECT_EQ(counts.ran, 3);
}

TEST_F(RunnerTest, AHitDecidedAfterTheHandOverGoesBackToTheRestoreThreads) {
  BackgroundCacheHooks hooks;
  hooks.cached = {"a.o", "b.o"};
  hooks.handed_over = {"a.o"};
  const RunnerCounts counts = build(&hooks, 1);

  EXPECT_EQ(ran(), (std::vector<std::string>{"console.out", "gen.out"}));
  EXPECT_EQ(hooks.written, 2) << "a.o's outputs written by its second job";
  EXPECT_EQ(hooks.outputs_there_at_finish, (std::vector<bool>{true, true}));
  EXPECT_EQ(read_file("a.o"), "restored");
  EXPECT_EQ(deps_of("a.o"), (std::vector<std::string>{"a.c", "hdr.h"}));
  EXPECT_EQ(counts.restored, 2);
  EXPECT_EQ(counts.ran, 2);
}

TEST_F(RunnerTest, ADepfileHandedOverInMemoryReachesTheDepsLogAndLeavesNoFile) {
  BackgroundCacheHooks hooks;
  hooks.cached = {"a.o", "b.o"};
  hooks.depfile_in_memory = {"a.o"};
  write_file("a.o.d", "a.o: stale.h\n");  // left by an earlier -d keepdepfile build
  const RunnerCounts counts = build(&hooks, 2);

  EXPECT_EQ(ran(), (std::vector<std::string>{"console.out", "gen.out"}));
  EXPECT_EQ(read_file("a.o"), "restored");
  EXPECT_EQ(deps_of("a.o"), (std::vector<std::string>{"a.c", "hdr.h"}))
      << "Ninja read the handed-over bytes, not the stale file";
  EXPECT_EQ(deps_of("b.o"), (std::vector<std::string>{"b.c", "hdr.h"}));
  EXPECT_FALSE(fs::exists("a.o.d")) << "Ninja's delete of the depfile removes what is on disk";
  EXPECT_FALSE(fs::exists("b.o.d"));
  EXPECT_EQ(counts.restored, 2);
}

TEST(DepfileShelfTest, ReadsTheShelvedBytesOnceDeletedAndTheDiskOtherwise) {
  char pattern[] = "/tmp/edgecache-shelf-test.XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  write_file(dir + "/on-disk.d", "x.o: disk.h\n");
  DepfileShelf shelf;
  shelf.shelve(dir + "/x.o.d", "x.o: shelved.h\n");
  std::string content, err;
  EXPECT_EQ(shelf.ReadFile(dir + "/x.o.d", &content, &err), DiskInterface::Okay);
  EXPECT_EQ(content, "x.o: shelved.h\n");
  EXPECT_EQ(shelf.RemoveFile(dir + "/x.o.d"), 0) << "deleted, as the file would have been";
  EXPECT_EQ(shelf.ReadFile(dir + "/x.o.d", &content, &err), DiskInterface::NotFound);
  content.clear();  // Ninja's read appends
  EXPECT_EQ(shelf.ReadFile(dir + "/on-disk.d", &content, &err), DiskInterface::Okay);
  EXPECT_EQ(content, "x.o: disk.h\n");
  EXPECT_EQ(shelf.RemoveFile(dir + "/on-disk.d"), 0);
  EXPECT_FALSE(fs::exists(dir + "/on-disk.d"));
  fs::remove_all(dir);
}

TEST(BuildSummaryTest, CountsHitsBySourceAndRunsOnlyWhenCaching) {
  EXPECT_EQ(format_build_summary(CacheCounts{3, 1, 1}, RunnerCounts{1, 2}),
            "edgecache: 2/3 edges from cache (1 local, 1 remote), 1 ran");
  EXPECT_EQ(format_build_summary(std::nullopt, RunnerCounts{4, 0}), std::nullopt);
  EXPECT_EQ(format_build_summary(CacheCounts{}, RunnerCounts{}), std::nullopt);
}

}  // namespace
}  // namespace edgecache::ninja
