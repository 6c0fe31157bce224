#include "remote_prefetch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "caching_command_runner.h"  // is_never_cached
#include "edgecache/cache_session.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/step_outputs.h"
#include "edgecache/worker_thread.h"
#include "ninja/graph.h"

namespace edgecache::ninja {
namespace {

/// Results fetched per manifest when no candidate matches the prediction:
/// the newest candidates are the likely ones.
constexpr size_t kCandidatesPerManifest = 4;

/// How long the main thread waits for a worker's lookup of one edge before
/// it looks the edge up itself (a remote that stalls is switched off long
/// before: first-byte timeout).
constexpr std::chrono::seconds kMaxSettleWait{20};

struct PlanWalk {
  PrefetchPlan plan;
  /// Per edge walked (phony and clean ones too): the planned edges a reader
  /// of its outputs waits for.
  std::map<const Edge*, std::vector<size_t>> presents;
};

const std::vector<size_t>& walk_edge(Edge* edge, PlanWalk* walk);

std::vector<size_t> producers_of_inputs(Edge* edge, PlanWalk* walk) {
  std::set<size_t> producers;
  for (Node* input : edge->inputs_) {
    if (Edge* maker = input->in_edge()) {
      const std::vector<size_t>& made = walk_edge(maker, walk);
      producers.insert(made.begin(), made.end());
    }
  }
  return {producers.begin(), producers.end()};
}

/// Post-order: an edge's index is after every producer's.
const std::vector<size_t>& walk_edge(Edge* edge, PlanWalk* walk) {
  if (auto found = walk->presents.find(edge); found != walk->presents.end()) return found->second;
  walk->presents[edge] = {};  // a cycle (Ninja rejects them) ends here
  std::vector<size_t> producers = producers_of_inputs(edge, walk);
  const bool planned = std::any_of(edge->outputs_.begin(), edge->outputs_.end(),
                                   [](const Node* output) { return output->dirty(); });
  std::vector<size_t> presents;
  if (edge->is_phony()) {
    presents = std::move(producers);
  } else if (planned) {
    presents = {walk->plan.edges.size()};
    walk->plan.edges.push_back(edge);
    walk->plan.producers.push_back(std::move(producers));
    walk->plan.cacheable.push_back(!is_never_cached(*edge));
  }
  // A clean edge's inputs are clean too: its outputs are on disk.
  return walk->presents[edge] = std::move(presents);
}

/// What a worker's lookup of one edge gave.
struct Fetched {
  std::optional<CacheKey> result;
  std::string input_key;
  /// An object came from the remote.
  bool remote = false;
  /// For an edge to write early (`early` of fetch_edge), on a hit whose
  /// outputs are all regular files in the entry: the step and the entry.
  std::optional<Step> step;
  Entry entry;
};

/// Predicts the outputs of `step` from its found entry.
void predict_outputs(const Step& step, const Entry& entry, const PathNormalizer& paths,
                     PredictedFiles& predictions) {
  for (const StepOutput& output : step.outputs) {
    const EntryFile* file = entry.find(output.role);
    // A symlink is restored as a link: what reading it gives is not known.
    if (file == nullptr || file->kind != EntryFileKind::kRegular) continue;
    predictions.predict(
        output.path, hash_bytes(output.holds_paths ? paths.restore(file->content) : file->content));
  }
}

/// True when the entry holds each of the step's outputs as a regular file.
bool regular_outputs(const Step& step, const Entry& entry) {
  return std::all_of(step.outputs.begin(), step.outputs.end(), [&](const StepOutput& output) {
    const EntryFile* file = entry.find(output.role);
    return file != nullptr && file->kind == EntryFileKind::kRegular;
  });
}

/// Keys one edge (inputs written by planned edges answer from their
/// predictions), finds its result and fetches it into the local store, and
/// predicts its outputs. `early`: the edge is a final one keyed from
/// predictions (nothing planned reads its outputs, so none are predicted):
/// its step and entry are kept for write_early instead, unless the step's
/// mtimes say whether it changed anything (restat) or it restores a symlink
/// (whose mtime a second restore leaves alone).
Fetched fetch_edge(CacheSession& session, EdgeStepBuilder& builder, const EdgeFacts& facts,
                   const std::string& build_dir, PredictedFiles& predictions, bool early) {
  Fetched fetched;
  // Ninja makes the directories of an edge's outputs before it runs the
  // edge: a step that saw its output dir (a generator's mkdir or stat) is
  // keyed as it will be then, not as the build dir is now.
  std::set<std::string> output_dirs;
  for (const std::string& output : facts.outputs) {
    const std::string path = absolute_path(output, build_dir);
    output_dirs.insert(path.substr(0, std::max<size_t>(path.find_last_of('/'), 1)));
  }
  session.hasher().set_expected_directories(std::move(output_dirs));
  EdgeStep keyed = builder.build(facts);
  if (!keyed.step) return fetched;
  StepCache& steps = session.steps();
  fetched.input_key = steps.input_key(*keyed.step).to_string();
  LookupOutcome found = steps.find(*keyed.step);
  if (found.result != LookupResult::kHit) {
    // No candidate matches what is known now: the newest may still serve
    // the main thread's lookup (the manifest is local by now).
    if (found.cause == MissCause::kInputsChanged || found.cause == MissCause::kEmbeddedPath)
      fetched.remote = steps.prefetch(*keyed.step, kCandidatesPerManifest);
    return fetched;
  }
  fetched.remote = found.source == StoreTier::kRemote;
  fetched.result = found.result_key;
  if (early && !keyed.step->keep_unchanged_outputs && regular_outputs(*keyed.step, found.entry)) {
    fetched.step = std::move(*keyed.step);
    fetched.entry = std::move(found.entry);
  } else {
    predict_outputs(*keyed.step, found.entry, session.paths(), predictions);
  }
  return fetched;
}

/// The length of the longest chain of planned dependents after each edge
/// (0 for a final one). `edges` is in dependency order.
std::vector<int64_t> chain_heights(const std::vector<std::vector<size_t>>& dependents) {
  std::vector<int64_t> height(dependents.size(), 0);
  for (size_t i = dependents.size(); i-- > 0;) {
    for (size_t dependent : dependents[i]) height[i] = std::max(height[i], height[dependent] + 1);
  }
  return height;
}

}  // namespace

PrefetchPlan plan_prefetch(const std::vector<Node*>& targets) {
  PlanWalk walk;
  for (Node* target : targets) {
    if (Edge* edge = target->in_edge()) walk_edge(edge, &walk);
  }
  return std::move(walk.plan);
}

RemotePrefetch::RemotePrefetch(const Config& config, EdgeStepContext context,
                               std::vector<PrefetchEdge> edges, int threads)
    : config_(config),
      context_(std::move(context)),
      edges_(std::move(edges)),
      dependents_(edges_.size()),
      predictions_(context_.cwd),
      states_(edges_.size(), State::kWaiting),
      unresolved_(edges_.size(), 0),
      claimed_(edges_.size(), false),
      writing_(edges_.size(), false),
      on_disk_while_working_(edges_.size(), 0) {
  for (size_t i = 0; i < edges_.size(); ++i) {
    for (size_t producer : edges_[i].producers) dependents_[producer].push_back(i);
    unresolved_[i] = edges_[i].producers.size();
  }
  rank_ = chain_heights(dependents_);
  for (int64_t& rank : rank_) rank = -rank;  // the longest chain first
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // What the main thread has done already first, then the edges ready.
    for (size_t i = 0; i < edges_.size(); ++i) {
      const PrefetchStart start = edges_[i].start;
      if (start != PrefetchStart::kPlanned) states_[i] = State::kMainThread;
      if (start == PrefetchStart::kOnDisk || start == PrefetchStart::kFailed)
        resolve_locked(i, start == PrefetchStart::kOnDisk);
      else if (!edges_[i].cacheable)
        states_[i] = State::kMainThread;  // its dependents wait for its outputs on disk
    }
    for (size_t i = 0; i < edges_.size(); ++i) {
      if (unresolved_[i] == 0 && states_[i] == State::kWaiting) {
        states_[i] = State::kQueued;
        enqueue_locked(i);
      }
    }
  }
  const size_t count = std::min(edges_.size(), static_cast<size_t>(std::max(threads, 0)));
  alive_ = count;
  for (size_t i = 0; i < count; ++i) {
    if (start_worker_thread(workers_, [this] { work(); })) continue;
    // No more threads (a process limit): the prefetch is a head start,
    // the main thread looks up what no worker does (settle sees alive_).
    std::lock_guard<std::mutex> lock(mutex_);
    alive_ -= count - i;
    changed_.notify_all();
    break;
  }
}

RemotePrefetch::~RemotePrefetch() { stop(); }

void RemotePrefetch::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

size_t RemotePrefetch::remove_undecided_early_writes() {
  stop();  // no worker writes from here on
  size_t removed = 0;
  for (size_t index : written_early_) {
    if (claimed_[index]) continue;
    for (const std::string& output : edges_[index].facts.outputs) {
      // Only the file the worker renamed into place: a directory or a
      // symlink there now is not ours.
      const std::string path = absolute_path(output, context_.cwd);
      struct stat st;
      if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::unlink(path.c_str()) == 0)
        ++removed;
    }
  }
  return removed;
}

bool RemotePrefetch::resolved(State state) const {
  return state == State::kPredicted || state == State::kOnDisk || state == State::kFailed;
}

void RemotePrefetch::resolve_locked(size_t index, bool ok) {
  // Iterative: failing an edge fails everything downstream of it.
  std::vector<std::pair<size_t, bool>> work{{index, ok}};
  while (!work.empty()) {
    auto [edge, good] = work.back();
    work.pop_back();
    if (resolved(states_[edge])) continue;
    if (states_[edge] == State::kQueued) dequeue_locked(edge);
    states_[edge] = !good                              ? State::kFailed
                    : states_[edge] == State::kWorking ? State::kPredicted
                                                       : State::kOnDisk;
    for (size_t dependent : dependents_[edge]) {
      if (!good) {
        // Its command failed: nothing downstream runs, nothing to fetch
        // (a worker holding a dependent finishes on its own).
        if (states_[dependent] == State::kWaiting || states_[dependent] == State::kQueued)
          work.push_back({dependent, false});
        continue;
      }
      if (--unresolved_[dependent] == 0 && states_[dependent] == State::kWaiting) {
        states_[dependent] = State::kQueued;
        enqueue_locked(dependent);
      }
    }
  }
  changed_.notify_all();
}

void RemotePrefetch::enqueue_locked(size_t index) { queue_.insert({rank_[index], index}); }

void RemotePrefetch::dequeue_locked(size_t index) { queue_.erase({rank_[index], index}); }

bool RemotePrefetch::settle(size_t index) {
  if (index >= edges_.size()) return true;
  std::unique_lock<std::mutex> lock(mutex_);
  if (states_[index] == State::kQueued) {
    // Next for the workers: the main thread needs it now.
    dequeue_locked(index);
    rank_[index] = next_urgent_++;
    enqueue_locked(index);
    changed_.notify_all();
  }
  // Timed by the clock: wait_for's own answer is the predicate's after the
  // limit, true for an edge whose worker finished without a word.
  const auto waited_from = std::chrono::steady_clock::now();
  changed_.wait_for(lock, kMaxSettleWait, [&] {
    return stop_ || alive_ == 0 ||
           (states_[index] != State::kQueued && states_[index] != State::kWorking);
  });
  const bool in_time = std::chrono::steady_clock::now() - waited_from < kMaxSettleWait;
  if (states_[index] == State::kQueued) dequeue_locked(index);
  if (!resolved(states_[index]) && states_[index] != State::kWorking)
    states_[index] = State::kMainThread;
  // The edge is the main thread's from here on, even when a worker still
  // holds its lookup: no worker starts writing its outputs, and one that
  // is writing them finishes first (a local write, milliseconds).
  claimed_[index] = true;
  changed_.wait(lock, [&] { return !writing_[index]; });
  return in_time;
}

void RemotePrefetch::claim(size_t index) {
  if (index >= edges_.size()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  if (states_[index] == State::kQueued) {
    dequeue_locked(index);
    states_[index] = State::kMainThread;
  }
  claimed_[index] = true;
  changed_.wait(lock, [&] { return !writing_[index]; });
}

void RemotePrefetch::outputs_on_disk(size_t index, bool ok) {
  if (index >= edges_.size()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  // A worker still holding it (the main thread did not wait: the edge was
  // not cacheable there) resolves it itself.
  if (states_[index] == State::kWorking) {
    on_disk_while_working_[index] = ok ? 1 : 2;
    return;
  }
  if (resolved(states_[index])) return;
  // Queued when the prefetch started with the edge already in the main
  // thread's hands: no worker may take it after this.
  if (states_[index] == State::kQueued) dequeue_locked(index);
  states_[index] = State::kMainThread;
  resolve_locked(index, ok);
}

std::optional<CacheKey> RemotePrefetch::found_result(size_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = found_.find(index);
  if (found == found_.end()) return std::nullopt;
  return found->second;
}

bool RemotePrefetch::written_early(size_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return written_early_.count(index) != 0;
}

bool RemotePrefetch::write_early(size_t index, CacheSession& session, const Step& step,
                                 const Entry& entry) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (claimed_[index] || stop_) return false;
    writing_[index] = true;
  }
  // Only the step's declared outputs, as a restore writes them: each
  // through a temporary file renamed into place, making its directory as
  // Ninja would before running the edge. regular_outputs() held.
  bool written = true;
  try {
    for (const StepOutput& output : step.outputs) {
      written = written &&
                restore_entry_file(step, output, *entry.find(output.role), session.paths()).ok();
      session.hasher().forget(absolute_path(output.path, context_.cwd));
    }
  } catch (const std::exception&) {
    written = false;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  writing_[index] = false;
  if (written) written_early_.insert(index);
  changed_.notify_all();
  return written;
}

bool RemotePrefetch::fetched_from_remote(const std::string& input_key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return from_remote_.count(input_key) != 0;
}

std::string RemotePrefetch::remote_warning() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return remote_warning_;
}

void RemotePrefetch::work() {
  // A prefetch is only a head start: any failure just leaves the edge to
  // try_restore, which reports problems on the main thread.
  try {
    CacheSession session(config_);
    session.hasher().set_predictions(&predictions_);
    EdgeStepBuilder builder(context_, session.paths(), session.hasher());
    int64_t looked_up = 0;
    int64_t written = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) break;
      const size_t index = queue_.begin()->second;
      queue_.erase(queue_.begin());
      states_[index] = State::kWorking;
      // A final edge whose key reads a prediction: a whole chain hit.
      const bool early = dependents_[index].empty() &&
                         std::any_of(edges_[index].producers.begin(), edges_[index].producers.end(),
                                     [&](size_t p) { return states_[p] == State::kPredicted; });
      lock.unlock();
      Fetched fetched;
      ++looked_up;
      try {
        fetched =
            fetch_edge(session, builder, edges_[index].facts, context_.cwd, predictions_, early);
        if (fetched.step && write_early(index, session, *fetched.step, fetched.entry)) ++written;
      } catch (const std::exception&) {
      }
      lock.lock();
      if (fetched.remote) from_remote_.insert(fetched.input_key);
      if (fetched.result) found_[index] = *fetched.result;
      if (states_[index] == State::kWorking) {
        if (fetched.result) {
          resolve_locked(index, true);
        } else {
          // Not found, or its key needs bytes no entry predicts (a compile
          // of a generated source reads its text): its dependents are keyed
          // once the main thread has its outputs on disk, not given up.
          states_[index] = State::kMainThread;
          if (on_disk_while_working_[index] != 0)
            resolve_locked(index, on_disk_while_working_[index] == 1);
          // The main thread may be waiting for this edge in settle().
          changed_.notify_all();
        }
      }
    }
    lock.unlock();
    if (std::string off = session.remote_off_warning(); !off.empty()) {
      std::lock_guard<std::mutex> guard(mutex_);
      remote_warning_ = off;
    }
    // Best effort, as the build's own flush (cached_edge_hooks).
    (void)session.flush_stats({{"prefetch.edges", looked_up}, {"prefetch.written_early", written}});
  } catch (const std::exception&) {
  }
  std::lock_guard<std::mutex> lock(mutex_);
  --alive_;
  changed_.notify_all();
}

}  // namespace edgecache::ninja
