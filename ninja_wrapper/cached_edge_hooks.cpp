#include "cached_edge_hooks.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <utility>

#include "edgecache/path_normalizer.h"
#include "edgecache/miss_explanation.h"
#include "edgecache/step_ledger.h"
#include "edgecache/uncached_reason.h"
#include "ninja/graph.h"
#include "ninja/state.h"

namespace edgecache::ninja {
namespace {

uint64_t Milliseconds(double seconds) { return seconds <= 0 ? 0 : static_cast<uint64_t>(seconds * 1000.0 + 0.5); }

EdgeStepContext StepContext(const Config& config, std::string build_dir) {
  const char* path_env = std::getenv("PATH");
  return EdgeStepContext{std::move(build_dir), config.cache_dir(), path_env ? path_env : "/usr/bin:/bin",
                         config.exclude_rules()};
}

EdgeRecord NewRecord(const Edge& edge) {
  EdgeRecord record;
  record.output = edge.outputs_.empty() ? "" : edge.outputs_.front()->path();
  record.rule = edge.rule().name();
  return record;
}

}  // namespace

CachedEdgeHooks::CachedEdgeHooks(const Config& config, const CacheOptions& options, std::string build_dir)
    : session_(config, SessionOptions{options.no_remote, ""}),
      step_context_(StepContext(config, build_dir)),
      steps_(step_context_, session_.paths(), session_.hasher()),
      observer_(build_dir + "/" + kTraceDirPath),
      build_dir_(std::move(build_dir)),
      record_(now_ns()),
      tree_place_(run_place_of(build_dir_ + "/.")),
      verify_(config.verify()),
      verify_ignore_(config.verify_ignore()) {
  for (const std::string& warning : session_.setup_warnings()) Warn("setup", warning);
}

void CachedEdgeHooks::OnManifestLoaded(State& state) {
  // A new manifest means new Edge objects; the old pointers may be reused.
  declared_inputs_.clear();
  dyndep_inputs_.Reset(&state);
  for (const Edge* edge : state.edges_)
    declared_inputs_[edge] = edge->inputs_.size() - static_cast<size_t>(edge->order_only_deps_);
}

void CachedEdgeHooks::OnBuildPlanned(const std::vector<Node*>& targets) {
  // Only a remote is slow enough to be worth the threads.
  if (!session_.has_remote() || prefetch_ != nullptr || !plan_.edges.empty()) return;
  plan_ = PlanPrefetch(targets);
  plan_progress_.assign(plan_.edges.size(), PrefetchStart::kPlanned);
  for (size_t i = 0; i < plan_.edges.size(); ++i) plan_index_[plan_.edges[i]] = i;
}

// Not at plan time: a warm build finds every edge in the local cache, and
// workers keying and fetching each edge beside the main thread only cost it
// time and memory. The first lookup that needs the remote starts them.
void CachedEdgeHooks::StartPrefetch() {
  if (prefetch_ != nullptr || plan_.edges.empty()) return;
  std::vector<PrefetchEdge> edges(plan_.edges.size());
  for (size_t i = 0; i < plan_.edges.size(); ++i) {
    if (plan_.cacheable[i] && plan_progress_[i] == PrefetchStart::kPlanned) edges[i].facts = Describe(plan_.edges[i]);
    edges[i].producers = std::move(plan_.producers[i]);
    edges[i].cacheable = plan_.cacheable[i];
    edges[i].start = plan_progress_[i];
  }
  plan_ = PrefetchPlan{};
  prefetch_ = std::make_unique<RemotePrefetch>(session_.config(), step_context_, std::move(edges));
}

void CachedEdgeHooks::NoteOffered(const Edge* edge) {
  const size_t index = PlanIndex(edge);
  if (index < plan_progress_.size() && plan_progress_[index] == PrefetchStart::kPlanned)
    plan_progress_[index] = PrefetchStart::kMainThread;
}

void CachedEdgeHooks::NoteOnDisk(const Edge* edge, bool ok) {
  const size_t index = PlanIndex(edge);
  if (index < plan_progress_.size()) plan_progress_[index] = ok ? PrefetchStart::kOnDisk : PrefetchStart::kFailed;
  if (prefetch_ != nullptr) prefetch_->OutputsOnDisk(index, ok);
}

size_t CachedEdgeHooks::PlanIndex(const Edge* edge) const {
  auto found = plan_index_.find(edge);
  return found == plan_index_.end() ? SIZE_MAX : found->second;
}

void CachedEdgeHooks::NoteMisprediction(const Edge* edge, const LookupOutcome& found, EdgeRecord* record) {
  std::optional<CacheKey> predicted = prefetch_ != nullptr ? prefetch_->FoundResult(PlanIndex(edge)) : std::nullopt;
  if (!predicted || (found.result == LookupResult::kHit && found.result_key == *predicted)) return;
  // The prefetch keyed this edge from the digests upstream entries promised;
  // the files on disk say otherwise (a verified or failed upstream hit ran
  // for real and wrote other bytes). The lookup above used the files.
  Count("prefetch.mispredicted");
  record->detail += std::string(record->detail.empty() ? "" : "; ") +
                    "an input differs from the prefetch's prediction (looked up with the files on disk)";
}

size_t CachedEdgeHooks::DeclaredInputs(const Edge* edge) const {
  auto found = declared_inputs_.find(edge);
  if (found != declared_inputs_.end()) return found->second;
  return edge->inputs_.size() - static_cast<size_t>(edge->order_only_deps_);
}

EdgeFacts CachedEdgeHooks::Describe(const Edge* edge) {
  EdgeFacts facts = DescribeEdge(*edge, DeclaredInputs(edge));
  DyndepInputsOf dyndep = dyndep_inputs_.Of(*edge);
  facts.dyndep_inputs = std::move(dyndep.inputs);
  facts.dyndep_error = std::move(dyndep.error);
  return facts;
}

std::optional<HitInfo> CachedEdgeHooks::TryRestore(Edge* edge) {
  ++counts_.lookups;
  try {
    // A hit's outputs are on disk only after finish_restore(): that tells the prefetch.
    std::optional<HitInfo> hit = Lookup(edge, NewRecord(*edge));
    NoteOffered(edge);
    return hit;
  } catch (const std::exception& error) {
    restoring_.erase(edge);
    RunAfterInternalError(edge, "cache lookup failed: ", error);
    return std::nullopt;
  }
}

void CachedEdgeHooks::RunAfterInternalError(Edge* edge, const char* what, const std::exception& error) {
  // The cache must never break the build: the edge runs uncached.
  Warn("internal", what + std::string(error.what()));
  EdgeRecord record = NewRecord(*edge);
  record.start_ms = record_.offset_ms(now_ns());
  SetUncached(&record, "internal", error.what());
  session_.ledger().uncached("internal");
  pending_[edge] = PendingRun{std::nullopt, StepStart{}, record_.add(std::move(record)), std::nullopt, "", {}};
}

std::optional<HitInfo> CachedEdgeHooks::Lookup(Edge* edge, EdgeRecord record) {
  const auto started = std::chrono::steady_clock::now();
  record.start_ms = record_.offset_ms(now_ns());
  // Before any input is hashed: an input changed from here on may differ
  // from what the key says, so the result is not stored (StepCache::store).
  const StepStart inputs_read = step_start();
  const EdgeFacts facts = Describe(edge);
  EdgeStep keyed = steps_.Build(facts);
  if (keyed.step && keyed.step->observed && !observer_.unavailable().empty()) {
    // Sound by default: a step whose read set we cannot observe is not cached.
    keyed = EdgeStep{std::nullopt, "not-observable", observer_.unavailable()};
  }
  if (!keyed.step) {
    SetUncached(&record, keyed.uncacheable_reason, keyed.detail);
    session_.ledger().uncached(keyed.uncacheable_reason, PlaceOf(record), record.input_key, "", record.detail);
    pending_[edge] = PendingRun{std::nullopt, StepStart{}, record_.add(std::move(record)), std::nullopt, "", {}};
    return std::nullopt;
  }
  StepCache& cache = session_.steps();
  record.input_key = cache.input_key(*keyed.step).to_string();
  // The first lookup whose manifest is not in the local cache starts the
  // prefetch, which then fetches this edge with the others, in parallel.
  if (!plan_.edges.empty() && !session_.local().exists(cache.input_key(*keyed.step))) StartPrefetch();
  if (prefetch_ != nullptr) prefetch_->Settle(PlanIndex(edge));
  auto job = std::make_shared<BackgroundRestore>();
  LookupOutcome found = cache.locate(*keyed.step, &job->located);
  ReportStoreWarnings();
  // A manifest in the local cache that did not give a local hit: the
  // remote is needed after all (a changed header, an evicted entry).
  if (!plan_.edges.empty() && (found.result == LookupResult::kMiss || found.source != StoreTier::kLocal))
    StartPrefetch();
  if (found.result == LookupResult::kMiss) {
    BeginRun(edge, std::move(record), std::move(*keyed.step), facts, found, inputs_read);
    return std::nullopt;
  }
  NoteMisprediction(edge, found, &record);
  if (!sampled_for_verify(verify_, cache.input_key(*keyed.step))) {
    // The outputs are written by a restore thread; finish_restore() ends the hit.
    job->record = std::move(record);
    job->step = std::move(*keyed.step);
    job->inputs_read = inputs_read;
    job->started = started;
    job->found = std::move(found);
    restoring_[edge] = job;
    const StepCache* steps = &cache;
    HitInfo hit;
    hit.write_outputs = [steps, job] {
      job->restored = steps->restore_found(job->step, job->located);
      job->located.blob = std::string();  // the bytes are on disk now
    };
    return hit;
  }
  // --verify: the hit is restored here, keeping the entry's bytes to
  // compare with the real run, which the runner starts as for a miss, and
  // OnCommandFinished compares.
  RestoreOutcome restored = cache.restore_found(*keyed.step, job->located, true);
  cache.settle_restore(*keyed.step, job->located, restored);
  ReportStoreWarnings();
  if (!restored.restored) {
    LookupOutcome failed;
    failed.cause = restored.cause;
    failed.miss_detail = std::move(restored.detail);
    BeginRun(edge, std::move(record), std::move(*keyed.step), facts, failed, inputs_read);
    return std::nullopt;
  }
  found.entry = std::move(restored.entry);
  RestoreHit(std::move(record), found, started, true);
  const size_t index = record_.edges().size() - 1;
  pending_[edge] = PendingRun{std::move(keyed.step), step_start(), index, found.entry, "", {}};
  ++counts_.verified;
  return std::nullopt;
}

std::optional<HitInfo> CachedEdgeHooks::finish_restore(Edge* edge) {
  auto running = restoring_.find(edge);
  if (running == restoring_.end()) return std::nullopt;
  std::shared_ptr<BackgroundRestore> job = std::move(running->second);
  restoring_.erase(running);
  try {
    session_.steps().settle_restore(job->step, job->located, job->restored);
    ReportStoreWarnings();
    if (job->restored.restored) {
      job->found.entry = std::move(job->restored.entry);
      std::optional<HitInfo> hit = RestoreHit(std::move(job->record), job->found, job->started, false);
      NoteOnDisk(edge, true);
      return hit;
    }
    // The hit was decided, but its outputs could not be written: the edge
    // runs for real, as for any miss.
    LookupOutcome failed;
    failed.cause = job->restored.cause;
    failed.miss_detail = job->restored.detail.empty() ? "the restore did not finish" : job->restored.detail;
    BeginRun(edge, std::move(job->record), std::move(job->step), Describe(edge), failed, job->inputs_read);
  } catch (const std::exception& error) {
    RunAfterInternalError(edge, "cache restore failed: ", error);
  }
  return std::nullopt;
}

void CachedEdgeHooks::BeginRun(Edge* edge, EdgeRecord record, Step step, const EdgeFacts& facts,
                               const LookupOutcome& found, const StepStart& inputs_read) {
  if (found.cause == MissCause::kCorrupt) Warn("corrupt", found.miss_detail + " (discarded; the edge runs)");
  record.outcome = StepOutcome::kRan;
  record.detail = WhyMissed(*edge, step, found, record);
  NoteMisprediction(edge, found, &record);
  session_.ledger().missed(found.cause);
  PendingRun run;
  if (step.observed) Observe(step, facts, &run);
  session_.steps().read_listings_before_run(step);
  run.step = std::move(step);
  run.start = inputs_read;
  wait_past_start_granule(inputs_read);  // the runner starts the command as soon as we return
  record.start_ms = record_.offset_ms(now_ns());
  run.record = record_.add(std::move(record));
  pending_[edge] = std::move(run);
}

void CachedEdgeHooks::Observe(const Step& step, const EdgeFacts& facts, PendingRun* run) {
  run->trace_file = observer_.NewTraceFile();
  run->owned.cwd = build_dir_;
  for (const StepOutput& output : step.outputs) run->owned.owned.insert(absolute_path(output.path, build_dir_));
  if (!facts.rspfile.empty()) run->owned.owned.insert(absolute_path(facts.rspfile, build_dir_));
}

std::string CachedEdgeHooks::CommandFor(Edge* edge) {
  auto found = pending_.find(edge);
  if (found == pending_.end() || found->second.trace_file.empty()) return edge->EvaluateCommand();
  return observer_.WrapCommand(edge->EvaluateCommand(), found->second.trace_file);
}

std::optional<HitInfo> CachedEdgeHooks::RestoreHit(EdgeRecord record, const LookupOutcome& found,
                                                   std::chrono::steady_clock::time_point started, bool verifying) {
  // A local hit on what the prefetch just brought from the remote is a
  // remote hit for the summary: that is where the bytes came from.
  const bool prefetched = found.hit_outcome() == StepOutcome::kLocalHit && prefetch_ != nullptr &&
                          prefetch_->FetchedFromRemote(record.input_key);
  const StepOutcome outcome = prefetched ? StepOutcome::kRemoteHit : found.hit_outcome();
  const bool remote = outcome == StepOutcome::kRemoteHit;
  if (prefetched) record.detail = "prefetched from the remote" + (record.detail.empty() ? "" : "; " + record.detail);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  record.outcome = outcome;
  record.duration_ms = Milliseconds(took.count());
  // A verified hit runs its command after all: it saves nothing.
  const uint64_t saved_ms = verifying ? 0 : found.entry.duration_ms;
  record.saved_ms = saved_ms;
  if (verifying) record.verify = "pending";
  session_.ledger().hit(PlaceOf(record), record.input_key, found.result_key.to_string(), outcome,
                        found.entry.duration_ms, verifying);
  record_.add(std::move(record));
  ++(remote ? counts_.remote_hits : counts_.local_hits);
  counts_.saved_ms += saved_ms;
  const PathNormalizer& paths = session_.paths();
  return HitInfo{paths.restore(found.entry.stdout_text) + paths.restore(found.entry.stderr_text), nullptr};
}

void CachedEdgeHooks::OnCommandFinished(Edge* edge, const CommandRunner::Result& result, double duration_s) {
  NoteOnDisk(edge, result.success());
  auto found = pending_.find(edge);
  if (found == pending_.end()) return;
  const PendingRun run = std::move(found->second);
  pending_.erase(found);
  EdgeRecord& record = record_.at(run.record);
  record.duration_ms = Milliseconds(duration_s);
  if (run.verified_hit) {
    CheckVerifiedHit(run, result);
    if (!result.success()) record.success = false;
    return;
  }
  if (!result.success()) {
    StepObserver::Discard(run.trace_file);
    // A failed command's outputs are never stored, whatever -k says.
    record.success = false;
    session_.ledger().failed();
    return;
  }
  if (!run.step) return;
  try {
    Store(run, result, record.duration_ms);
  } catch (const std::exception& error) {
    Warn("internal", std::string("cache store failed: ") + error.what());
  }
}

bool CachedEdgeHooks::JudgeObservedRun(const PendingRun& run, std::vector<Dependency>* deps) {
  ObservationVerdict verdict =
      observer_.Judge(run.trace_file, run.owned, run.start, session_.hasher(), session_.paths());
  EdgeRecord& record = record_.at(run.record);
  if (!verdict.uncacheable_reason.empty()) {
    // Known only after the run, but the same verdict as before it: uncached.
    SetUncached(&record, verdict.uncacheable_reason, verdict.detail);
    session_.ledger().uncached(verdict.uncacheable_reason, PlaceOf(record), record.input_key, record.input_key,
                               record.detail);
    return false;
  }
  if (!verdict.not_stored_reason.empty()) {
    session_.ledger().not_stored(verdict.not_stored_reason);
    SetNotStored(&record, verdict.not_stored_reason, verdict.detail);
    return false;
  }
  *deps = std::move(verdict.deps);
  return true;
}

void CachedEdgeHooks::OnOutputsWritten(Edge* edge) {
  for (const Node* output : edge->outputs_) session_.hasher().forget(absolute_path(output->path(), build_dir_));
}

void CachedEdgeHooks::Store(const PendingRun& run, const CommandRunner::Result& result, uint64_t duration_ms) {
  std::vector<Dependency> observed;
  if (!run.trace_file.empty() && !JudgeObservedRun(run, &observed)) return;
  StoreOutcome stored =
      session_.steps().store(*run.step, result.output, "", duration_ms, run.start, std::move(observed));
  EdgeRecord& record = record_.at(run.record);
  // The history keeps a stored run's miss sentence.
  session_.ledger().stored(PlaceOf(record), record.input_key, stored, record.detail);
  if (stored.kind == StoreResultKind::kSkipped) SetNotStored(&record, stored.reason, "");
  ReportStoreWarnings();
}

void CachedEdgeHooks::CheckVerifiedHit(const PendingRun& run, const CommandRunner::Result& result) {
  EdgeRecord& record = record_.at(run.record);
  // Ninja reports a failed command as ExitFailure, not its code: 1 stands for it.
  const int real_exit = result.success() ? 0 : 1;
  const VerifyOutcome checked = compare_real_run(*run.step, *run.verified_hit, real_exit, session_.paths(), verify_ignore_);
  Count(counter::kVerifyChecked);
  if (!checked.ignored.empty()) Count(counter::kVerifyIgnored);
  if (!checked.mismatch()) {
    record.verify = "same";
    return;
  }
  record.verify = "mismatch";
  record.detail = checked.describe();
  ++counts_.verify_mismatches;
  Count(counter::kVerifyMismatch);
  std::fprintf(stderr, "edgecache: verify: %s differs from the cache entry: %s (the real output is kept)\n",
               record.output.c_str(), record.detail.c_str());
}

RunPlace CachedEdgeHooks::PlaceOf(const EdgeRecord& record) const {
  const std::string output = absolute_path(record.output, build_dir_);
  // Outputs inside the build tree (nearly all): no need to search and read
  // CMakeCache.txt again for each edge.
  const std::string& tree = tree_place_.build_dir;
  return !tree.empty() && output.compare(0, tree.size() + 1, tree + "/") == 0
             ? RunPlace{"build:" + output.substr(tree.size() + 1), tree, tree_place_.source_dir, ""}
             : run_place_of(output);
}

void CachedEdgeHooks::SetUncached(EdgeRecord* record, const std::string& reason, const std::string& detail) {
  record->outcome = StepOutcome::kUncached;
  record->reason = reason;
  record->detail = uncached_sentence(reason, detail);
}

void CachedEdgeHooks::SetNotStored(EdgeRecord* record, const std::string& reason, const std::string& detail) {
  record->reason = "not-stored." + reason;
  record->detail += (record->detail.empty() ? "" : "; ") + not_stored_sentence(reason, detail);
}

std::string CachedEdgeHooks::WhyMissed(const Edge& edge, const Step& step, const LookupOutcome& found,
                                       const EdgeRecord& record) {
  std::string why =
      session_.ledger().why_missed(PlaceOf(record), found, step, record.input_key, session_.remote_use());
  // A changed input that another step of this build writes: name that step,
  // where the user should look next.
  for (const Node* input : edge.inputs_) {
    const Edge* maker = input->in_edge();
    if (maker == nullptr || maker->is_phony() || maker->outputs_.empty()) continue;
    const std::string& path = input->path();
    if (why.find("input:" + path + ":") == std::string::npos &&
        why.find(absolute_path(path, build_dir_)) == std::string::npos)
      continue;
    why += "; " + path + " is the output of the " + maker->rule().name() + " step that writes " +
           maker->outputs_.front()->path();
  }
  return why;
}

void CachedEdgeHooks::Warn(const std::string& kind, const std::string& text) {
  if (!warned_.insert(kind).second) return;
  std::fprintf(stderr, "edgecache: warning: %s\n", text.c_str());
}

void CachedEdgeHooks::ReportStoreWarnings() {
  for (const SessionWarning& warning : session_.warnings()) Warn(warning_kind_name(warning.kind), warning.text);
}

void CachedEdgeHooks::Finish() {
  // Interrupted runs are never judged.
  for (const auto& [edge, run] : pending_) StepObserver::Discard(run.trace_file);
  if (prefetch_ != nullptr) {
    if (std::string warning = prefetch_->RemoteWarning(); !warning.empty()) Warn("remote-off", warning);
    prefetch_.reset();  // joins the workers, which flush their own stats
  }
  if (!session_.flush_stats()) Warn("stats", "cannot update the stats in " + session_.config().cache_dir());
  if (record_.edges().empty()) return;
  const std::string path = build_dir_ + "/" + kRunRecordPath;
  if (Status written = record_.write(path, now_ns()); !written) Warn("record", "cannot write " + path + ": " + written.error());
}

}  // namespace edgecache::ninja
