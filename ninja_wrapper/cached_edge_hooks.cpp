#include "cached_edge_hooks.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <utility>

#include "edgecache/miss_explanation.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/remote_store.h"
#include "edgecache/step_ledger.h"
#include "edgecache/uncached_reason.h"
#include "ninja/graph.h"
#include "ninja/state.h"

namespace edgecache::ninja {
namespace {

uint64_t milliseconds(double seconds) {
  return seconds <= 0 ? 0 : static_cast<uint64_t>(seconds * 1000.0 + 0.5);
}

EdgeStepContext step_context(const Config& config, std::string build_dir) {
  const char* path_env = std::getenv("PATH");
  return EdgeStepContext{std::move(build_dir), config.cache_dir(),
                         path_env ? path_env : "/usr/bin:/bin", config.exclude_rules()};
}

EdgeRecord new_record(const Edge& edge) {
  EdgeRecord record;
  record.output = edge.outputs_.empty() ? "" : edge.outputs_.front()->path();
  record.rule = edge.rule().name();
  return record;
}

}  // namespace

CachedEdgeHooks::CachedEdgeHooks(const Config& config, const CacheOptions& options,
                                 std::string build_dir)
    : session_(config, SessionOptions{options.no_remote, ""}),
      step_context_(step_context(config, build_dir)),
      steps_(step_context_, session_.paths(), session_.hasher()),
      observer_(build_dir + "/" + kTraceDirPath),
      build_dir_(std::move(build_dir)),
      record_(now_ns()),
      tree_place_(run_place_of(build_dir_ + "/.")),
      verify_(config.verify()),
      verify_ignore_(config.verify_ignore()) {
  for (const std::string& warning : session_.setup_warnings()) warn("setup", warning);
  session_.hasher().set_watched_stats(&watched_stats_);
  session_.hasher().set_shared_listings(&shared_listings_);
  if (!verify_.enabled()) {
    local_lookups_ =
        std::make_unique<LocalLookups>(config, step_context_, &watched_stats_, &shared_listings_);
    // What this hasher forgets (a step wrote it), the workers' hashers do.
    LocalLookups* lookups = local_lookups_.get();
    session_.hasher().set_forget_listener(
        [lookups](const std::string& path) { lookups->forget(path); });
  }
  // Remote writes off the main thread (background_uploader.h).
  if (session_.has_remote()) {
    // The prefetch's and the uploader's requests, many at once, share
    // connections: streams of one connection with an HTTP/2 server.
    share_http_connections();
    session_.store().defer_remote_writes();
    uploader_ = std::make_unique<BackgroundUploader>(config);
  }
}

void CachedEdgeHooks::hand_over_uploads() {
  if (uploader_ != nullptr) uploader_->submit(session_.store().take_deferred_writes());
}

void CachedEdgeHooks::on_manifest_loaded(State& state) {
  // A new manifest means new Edge objects; the old pointers may be reused.
  declared_inputs_.clear();
  dyndep_inputs_.reset(&state);
  for (const Edge* edge : state.edges_)
    declared_inputs_[edge] = edge->inputs_.size() - static_cast<size_t>(edge->order_only_deps_);
}

void CachedEdgeHooks::on_build_planned(const std::vector<Node*>& targets) {
  // Only a remote is slow enough to be worth the threads.
  if (!session_.has_remote() || prefetch_ != nullptr || !plan_.edges.empty()) return;
  plan_ = plan_prefetch(targets);
  plan_progress_.assign(plan_.edges.size(), PrefetchStart::kPlanned);
  for (size_t i = 0; i < plan_.edges.size(); ++i) plan_index_[plan_.edges[i]] = i;
}

// Not at plan time: a warm build finds every edge in the local cache, and
// workers keying and fetching each edge beside the main thread only cost it
// time and memory. The first lookup that needs the remote starts them.
void CachedEdgeHooks::start_prefetch() {
  if (prefetch_ != nullptr || plan_.edges.empty()) return;
  std::vector<PrefetchEdge> edges(plan_.edges.size());
  for (size_t i = 0; i < plan_.edges.size(); ++i) {
    if (plan_.cacheable[i] && plan_progress_[i] == PrefetchStart::kPlanned)
      edges[i].facts = describe(plan_.edges[i]);
    edges[i].producers = std::move(plan_.producers[i]);
    edges[i].cacheable = plan_.cacheable[i];
    edges[i].start = plan_progress_[i];
  }
  plan_ = PrefetchPlan{};
  prefetch_ = std::make_unique<RemotePrefetch>(session_.config(), step_context_, std::move(edges));
}

void CachedEdgeHooks::note_offered(const Edge* edge) {
  const size_t index = plan_index(edge);
  if (index < plan_progress_.size() && plan_progress_[index] == PrefetchStart::kPlanned)
    plan_progress_[index] = PrefetchStart::kMainThread;
}

void CachedEdgeHooks::note_on_disk(const Edge* edge, bool ok) {
  const size_t index = plan_index(edge);
  if (index < plan_progress_.size())
    plan_progress_[index] = ok ? PrefetchStart::kOnDisk : PrefetchStart::kFailed;
  if (prefetch_ != nullptr) prefetch_->outputs_on_disk(index, ok);
}

size_t CachedEdgeHooks::plan_index(const Edge* edge) const {
  auto found = plan_index_.find(edge);
  return found == plan_index_.end() ? SIZE_MAX : found->second;
}

void CachedEdgeHooks::note_misprediction(const Edge* edge, const LookupOutcome& found,
                                         EdgeRecord* record) {
  std::optional<CacheKey> predicted =
      prefetch_ != nullptr ? prefetch_->found_result(plan_index(edge)) : std::nullopt;
  const bool as_predicted =
      predicted && found.result == LookupResult::kHit && found.result_key == *predicted;
  note_early_write(edge, as_predicted, record);
  if (!predicted || as_predicted) return;
  // The prefetch keyed this edge from the digests upstream entries promised;
  // the files on disk say otherwise (a verified or failed upstream hit ran
  // for real and wrote other bytes). The lookup above used the files.
  count("prefetch.mispredicted");
  record->detail +=
      std::string(record->detail.empty() ? "" : "; ") +
      "an input differs from the prefetch's prediction (looked up with the files on disk)";
}

void CachedEdgeHooks::note_early_write(const Edge* edge, bool as_predicted, EdgeRecord* record) {
  if (prefetch_ == nullptr || !prefetch_->written_early(plan_index(edge))) return;
  // The hit restores the same bytes again (the output's mtime then follows
  // its inputs'); anything else overwrites what the prefetch wrote.
  if (!as_predicted) count("prefetch.early_replaced");
  record->detail += std::string(record->detail.empty() ? "" : "; ") +
                    (as_predicted ? "its output was written early by the prefetch"
                                  : "the output the prefetch wrote early is replaced");
}

size_t CachedEdgeHooks::declared_inputs(const Edge* edge) const {
  auto found = declared_inputs_.find(edge);
  if (found != declared_inputs_.end()) return found->second;
  return edge->inputs_.size() - static_cast<size_t>(edge->order_only_deps_);
}

EdgeFacts CachedEdgeHooks::describe(const Edge* edge) {
  EdgeFacts facts = describe_edge(*edge, declared_inputs(edge));
  DyndepInputsOf dyndep = dyndep_inputs_.of(*edge);
  facts.dyndep_inputs = std::move(dyndep.inputs);
  facts.dyndep_error = std::move(dyndep.error);
  return facts;
}

bool CachedEdgeHooks::lookups_off_main() const {
  return local_lookups_ != nullptr && last_was_local_hit_ && prefetch_ == nullptr;
}

HitInfo CachedEdgeHooks::look_up_off_main(Edge* edge, EdgeRecord record) {
  auto job = std::make_shared<BackgroundRestore>();
  job->started = std::chrono::steady_clock::now();
  record.start_ms = record_.offset_ms(now_ns());
  job->record = std::move(record);
  // Before any input is hashed, as on the main thread (lookup()).
  job->inputs_read = step_start();
  job->facts = std::make_shared<const EdgeFacts>(describe(edge));
  job->local = std::make_shared<LocalLookup>();
  restoring_[edge] = job;
  HitInfo hit;
  hit.write_outputs = [lookups = local_lookups_.get(), facts = job->facts, local = job->local,
                       observable = observer_.unavailable().empty()] {
    lookups->run(*facts, observable, local.get());
  };
  return hit;
}

bool CachedEdgeHooks::take_local_lookup(Edge* edge, BackgroundRestore& job,
                                        std::optional<HitInfo>* again) {
  LocalLookup& local = *job.local;
  for (const SessionWarning& warning : local.warnings)
    warn(warning_kind_name(warning.kind), warning.text);
  if (!local.decided()) {
    // Not a local hit: the main thread decides, with the remote if there is
    // one. A corrupt manifest the worker dropped is said here, once.
    last_was_local_hit_ = false;
    if (local.found.cause == MissCause::kCorrupt)
      warn("corrupt", local.found.miss_detail + " (discarded; the edge runs)");
    *again = lookup(edge, std::move(job.record));
    return false;
  }
  job.step = std::move(*local.step);
  job.found = std::move(local.found);
  job.located = std::move(local.located);
  job.restored = std::move(local.restored);
  job.record.input_key = session_.steps().input_key(job.step).to_string();
  note_misprediction(edge, job.found, &job.record);
  count("lookups.off_main");
  return true;
}

std::optional<HitInfo> CachedEdgeHooks::try_restore(Edge* edge) {
  ++counts_.lookups;
  try {
    if (lookups_off_main()) {
      HitInfo hit = look_up_off_main(edge, new_record(*edge));
      note_offered(edge);
      return hit;
    }
    // A hit's outputs are on disk only after finish_restore(): that tells the prefetch.
    std::optional<HitInfo> hit = lookup(edge, new_record(*edge));
    note_offered(edge);
    return hit;
  } catch (const std::exception& error) {
    restoring_.erase(edge);
    // The edge runs: no prefetch worker may write its outputs now.
    if (prefetch_ != nullptr) prefetch_->claim(plan_index(edge));
    run_after_internal_error(edge, "cache lookup failed: ", error);
    return std::nullopt;
  }
}

void CachedEdgeHooks::run_after_internal_error(Edge* edge, const char* what,
                                               const std::exception& error) {
  // The cache must never break the build: the edge runs uncached.
  warn("internal", what + std::string(error.what()));
  EdgeRecord record = new_record(*edge);
  record.start_ms = record_.offset_ms(now_ns());
  set_uncached(&record, "internal", error.what());
  session_.ledger().uncached("internal");
  pending_[edge] =
      PendingRun{std::nullopt, StepStart{}, record_.add(std::move(record)), std::nullopt, "", {}};
}

std::optional<HitInfo> CachedEdgeHooks::lookup(Edge* edge, EdgeRecord record) {
  const auto started = std::chrono::steady_clock::now();
  record.start_ms = record_.offset_ms(now_ns());
  // Before any input is hashed: an input changed from here on may differ
  // from what the key says, so the result is not stored (StepCache::store).
  const StepStart inputs_read = step_start();
  // Directory listings memoized by earlier lookups are checked again (one
  // stat each): another process may have added a header since.
  session_.hasher().begin_lookup();
  const EdgeFacts facts = describe(edge);
  EdgeStep keyed = steps_.build(facts);
  if (keyed.step && keyed.step->observed && !observer_.unavailable().empty()) {
    // Sound by default: a step whose read set we cannot observe is not cached.
    keyed = EdgeStep{std::nullopt, "not-observable", observer_.unavailable()};
  }
  if (!keyed.step) {
    // It runs: a worker that keyed it otherwise must not write its outputs.
    if (prefetch_ != nullptr) prefetch_->claim(plan_index(edge));
    set_uncached(&record, keyed.uncacheable_reason, keyed.detail);
    note_early_write(edge, false, &record);
    session_.ledger().uncached(keyed.uncacheable_reason, place_of(record), record.input_key, "",
                               record.detail);
    pending_[edge] =
        PendingRun{std::nullopt, StepStart{}, record_.add(std::move(record)), std::nullopt, "", {}};
    return std::nullopt;
  }
  StepCache& cache = session_.steps();
  record.input_key = cache.input_key(*keyed.step).to_string();
  // The first lookup whose manifest is not in the local cache starts the
  // prefetch, which then fetches this edge with the others, in parallel.
  if (!plan_.edges.empty() && !session_.local().exists(cache.input_key(*keyed.step)))
    start_prefetch();
  // A settle that waited its whole limit is a lost head start, or a worker
  // that never said it was done: counted, so tests and the stats see it.
  if (prefetch_ != nullptr && !prefetch_->settle(plan_index(edge)))
    count("prefetch.settle_timeouts");
  auto job = std::make_shared<BackgroundRestore>();
  // A local hit's object is read by the restore thread: this thread only
  // decides hits (the entries are most of the bytes a warm build reads).
  LookupOutcome found = cache.locate(*keyed.step, &job->located, EntryRead::kReadLater);
  report_store_warnings();
  // The edges Ninja offers next (all at once on a warm build) go to the workers.
  last_was_local_hit_ = found.result == LookupResult::kHit && found.source == StoreTier::kLocal;
  // A manifest in the local cache that did not give a local hit: the
  // remote is needed after all (a changed header, an evicted entry).
  if (!plan_.edges.empty() &&
      (found.result == LookupResult::kMiss || found.source != StoreTier::kLocal))
    start_prefetch();
  if (found.result == LookupResult::kMiss) {
    begin_run(edge, std::move(record), std::move(*keyed.step), facts, found, inputs_read);
    return std::nullopt;
  }
  note_misprediction(edge, found, &record);
  if (!sampled_for_verify(verify_, cache.input_key(*keyed.step))) {
    // The outputs are written by a restore thread; finish_restore() ends the hit.
    job->record = std::move(record);
    job->step = std::move(*keyed.step);
    job->inputs_read = inputs_read;
    job->started = started;
    job->found = std::move(found);
    job->facts = std::make_shared<const EdgeFacts>(facts);
    restoring_[edge] = job;
    const StepCache* steps = &cache;
    HitInfo hit;
    hit.write_outputs = [steps, job] {
      job->restored =
          steps->restore_found(job->step, job->located, false, job->facts->depfile_in_memory());
      job->located.blob = std::string();  // the bytes are on disk now
    };
    return hit;
  }
  // --verify: the hit is restored here, keeping the entry's bytes to
  // compare with the real run, which the runner starts as for a miss, and
  // on_command_finished compares.
  RestoreOutcome restored = cache.restore_found(*keyed.step, job->located, true);
  cache.settle_restore(*keyed.step, job->located, restored);
  report_store_warnings();
  if (!restored.restored) {
    LookupOutcome failed;
    failed.cause = restored.cause;
    failed.miss_detail = std::move(restored.detail);
    begin_run(edge, std::move(record), std::move(*keyed.step), facts, failed, inputs_read);
    return std::nullopt;
  }
  found.entry = std::move(restored.entry);
  restore_hit(std::move(record), found, started, true);
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
    if (job->local != nullptr) {
      std::optional<HitInfo> again;
      if (!take_local_lookup(edge, *job, &again)) return again;
    }
    session_.steps().settle_restore(job->step, job->located, job->restored);
    report_store_warnings();
    last_was_local_hit_ = job->restored.restored && job->found.source == StoreTier::kLocal;
    if (job->restored.restored) {
      job->found.entry = std::move(job->restored.entry);
      std::optional<HitInfo> hit =
          restore_hit(std::move(job->record), job->found, job->started, false);
      hit->depfile = std::move(job->restored.in_memory);
      note_on_disk(edge, true);
      return hit;
    }
    // The hit was decided, but its outputs could not be written: the edge
    // runs for real, as for any miss.
    LookupOutcome failed;
    failed.cause = job->restored.cause;
    failed.miss_detail =
        job->restored.detail.empty() ? "the restore did not finish" : job->restored.detail;
    begin_run(edge, std::move(job->record), std::move(job->step),
              job->facts != nullptr ? *job->facts : describe(edge), failed, job->inputs_read);
  } catch (const std::exception& error) {
    // As in try_restore: a lookup done again here may have handed it over.
    restoring_.erase(edge);
    if (prefetch_ != nullptr) prefetch_->claim(plan_index(edge));
    run_after_internal_error(edge, "cache restore failed: ", error);
  }
  return std::nullopt;
}

void CachedEdgeHooks::begin_run(Edge* edge, EdgeRecord record, Step step, const EdgeFacts& facts,
                                const LookupOutcome& found, const StepStart& inputs_read) {
  if (found.cause == MissCause::kCorrupt)
    warn("corrupt", found.miss_detail + " (discarded; the edge runs)");
  record.outcome = StepOutcome::kRan;
  record.detail = why_missed(*edge, step, found, record);
  note_misprediction(edge, found, &record);
  session_.ledger().missed(found.cause);
  PendingRun run;
  if (step.observed) observe(step, facts, &run);
  session_.steps().read_listings_before_run(step);
  run.step = std::move(step);
  run.start = inputs_read;
  wait_past_start_granule(inputs_read);  // the runner starts the command as soon as we return
  record.start_ms = record_.offset_ms(now_ns());
  run.record = record_.add(std::move(record));
  pending_[edge] = std::move(run);
}

void CachedEdgeHooks::observe(const Step& step, const EdgeFacts& facts, PendingRun* run) {
  run->trace_file = observer_.new_trace_file();
  run->owned.cwd = build_dir_;
  for (const StepOutput& output : step.outputs)
    run->owned.owned.insert(absolute_path(output.path, build_dir_));
  if (!facts.rspfile.empty()) run->owned.owned.insert(absolute_path(facts.rspfile, build_dir_));
}

std::string CachedEdgeHooks::command_for(Edge* edge) {
  auto found = pending_.find(edge);
  if (found == pending_.end() || found->second.trace_file.empty()) return edge->EvaluateCommand();
  return observer_.wrap_command(edge->EvaluateCommand(), found->second.trace_file);
}

std::optional<HitInfo> CachedEdgeHooks::restore_hit(EdgeRecord record, const LookupOutcome& found,
                                                    std::chrono::steady_clock::time_point started,
                                                    bool verifying) {
  // A local hit on what the prefetch just brought from the remote is a
  // remote hit for the summary: that is where the bytes came from.
  const bool prefetched = found.hit_outcome() == StepOutcome::kLocalHit && prefetch_ != nullptr &&
                          prefetch_->fetched_from_remote(record.input_key);
  const StepOutcome outcome = prefetched ? StepOutcome::kRemoteHit : found.hit_outcome();
  const bool remote = outcome == StepOutcome::kRemoteHit;
  if (prefetched)
    record.detail =
        "prefetched from the remote" + (record.detail.empty() ? "" : "; " + record.detail);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  record.outcome = outcome;
  record.duration_ms = milliseconds(took.count());
  // A verified hit runs its command after all: it saves nothing.
  const uint64_t saved_ms = verifying ? 0 : found.entry.duration_ms;
  record.saved_ms = saved_ms;
  if (verifying) record.verify = "pending";
  session_.ledger().hit(place_of(record), record.input_key, found.result_key.to_string(), outcome,
                        found.entry.duration_ms, verifying);
  record_.add(std::move(record));
  ++(remote ? counts_.remote_hits : counts_.local_hits);
  counts_.saved_ms += saved_ms;
  const PathNormalizer& paths = session_.paths();
  HitInfo hit;
  hit.output = paths.restore(found.entry.stdout_text) + paths.restore(found.entry.stderr_text);
  return hit;
}

void CachedEdgeHooks::on_command_finished(Edge* edge, const CommandRunner::Result& result,
                                          double duration_s) {
  note_on_disk(edge, result.success());
  auto found = pending_.find(edge);
  if (found == pending_.end()) return;
  const PendingRun run = std::move(found->second);
  pending_.erase(found);
  EdgeRecord& record = record_.at(run.record);
  record.duration_ms = milliseconds(duration_s);
  if (run.verified_hit) {
    check_verified_hit(run, result);
    if (!result.success()) record.success = false;
    return;
  }
  if (!result.success()) {
    StepObserver::discard(run.trace_file);
    // A failed command's outputs are never stored, whatever -k says.
    record.success = false;
    session_.ledger().failed();
    return;
  }
  if (!run.step) return;
  try {
    store(run, result, record.duration_ms);
  } catch (const std::exception& error) {
    warn("internal", std::string("cache store failed: ") + error.what());
  }
  hand_over_uploads();
}

bool CachedEdgeHooks::judge_observed_run(const PendingRun& run, std::vector<Dependency>* deps) {
  ObservationVerdict verdict =
      observer_.judge(run.trace_file, run.owned, run.start, session_.hasher(), session_.paths());
  EdgeRecord& record = record_.at(run.record);
  if (!verdict.uncacheable_reason.empty()) {
    // Known only after the run, but the same verdict as before it: uncached.
    set_uncached(&record, verdict.uncacheable_reason, verdict.detail);
    session_.ledger().uncached(verdict.uncacheable_reason, place_of(record), record.input_key,
                               record.input_key, record.detail);
    return false;
  }
  if (!verdict.not_stored_reason.empty()) {
    session_.ledger().not_stored(verdict.not_stored_reason);
    set_not_stored(&record, verdict.not_stored_reason, verdict.detail);
    return false;
  }
  *deps = std::move(verdict.deps);
  return true;
}

void CachedEdgeHooks::on_outputs_written(Edge* edge) {
  for (const Node* output : edge->outputs_)
    session_.hasher().forget(absolute_path(output->path(), build_dir_));
}

void CachedEdgeHooks::store(const PendingRun& run, const CommandRunner::Result& result,
                            uint64_t duration_ms) {
  std::vector<Dependency> observed;
  if (!run.trace_file.empty() && !judge_observed_run(run, &observed)) return;
  StoreOutcome stored = session_.steps().store(*run.step, result.output, "", duration_ms, run.start,
                                               std::move(observed));
  EdgeRecord& record = record_.at(run.record);
  // The history keeps a stored run's miss sentence.
  session_.ledger().stored(place_of(record), record.input_key, stored, record.detail);
  if (stored.kind == StoreResultKind::kSkipped) set_not_stored(&record, stored.reason, "");
  report_store_warnings();
}

void CachedEdgeHooks::check_verified_hit(const PendingRun& run,
                                         const CommandRunner::Result& result) {
  EdgeRecord& record = record_.at(run.record);
  // Ninja reports a failed command as ExitFailure, not its code: 1 stands for it.
  const int real_exit = result.success() ? 0 : 1;
  const VerifyOutcome checked =
      compare_real_run(*run.step, *run.verified_hit, real_exit, session_.paths(), verify_ignore_);
  count(counter::kVerifyChecked);
  if (!checked.ignored.empty()) count(counter::kVerifyIgnored);
  if (!checked.mismatch()) {
    record.verify = "same";
    return;
  }
  record.verify = "mismatch";
  record.detail = checked.describe();
  ++counts_.verify_mismatches;
  count(counter::kVerifyMismatch);
  std::fprintf(stderr,
               "edgecache: verify: %s differs from the cache entry: %s (the real output is kept)\n",
               record.output.c_str(), record.detail.c_str());
}

RunPlace CachedEdgeHooks::place_of(const EdgeRecord& record) const {
  const std::string output = absolute_path(record.output, build_dir_);
  // Outputs inside the build tree (nearly all): no need to search and read
  // CMakeCache.txt again for each edge.
  const std::string& tree = tree_place_.build_dir;
  return !tree.empty() && output.compare(0, tree.size() + 1, tree + "/") == 0
             ? RunPlace{"build:" + output.substr(tree.size() + 1), tree, tree_place_.source_dir, ""}
             : run_place_of(output);
}

void CachedEdgeHooks::set_uncached(EdgeRecord* record, const std::string& reason,
                                   const std::string& detail) {
  record->outcome = StepOutcome::kUncached;
  record->reason = reason;
  record->detail = uncached_sentence(reason, detail);
}

void CachedEdgeHooks::set_not_stored(EdgeRecord* record, const std::string& reason,
                                     const std::string& detail) {
  record->reason = "not-stored." + reason;
  record->detail += (record->detail.empty() ? "" : "; ") + not_stored_sentence(reason, detail);
}

std::string CachedEdgeHooks::why_missed(const Edge& edge, const Step& step,
                                        const LookupOutcome& found, const EdgeRecord& record) {
  std::string why = session_.ledger().why_missed(place_of(record), found, step, record.input_key,
                                                 session_.remote_use());
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

void CachedEdgeHooks::warn(const std::string& kind, const std::string& text) {
  if (!warned_.insert(kind).second) return;
  std::fprintf(stderr, "edgecache: warning: %s\n", text.c_str());
}

void CachedEdgeHooks::report_store_warnings() {
  for (const SessionWarning& warning : session_.warnings())
    warn(warning_kind_name(warning.kind), warning.text);
}

void CachedEdgeHooks::finish() {
  // Interrupted runs are never judged.
  for (const auto& [edge, run] : pending_) StepObserver::discard(run.trace_file);
  if (prefetch_ != nullptr) {
    // Stops the workers first: one still waiting on a silent server is the
    // one that switches the remote off, and its warning must not be lost.
    if (size_t removed = prefetch_->remove_undecided_early_writes(); removed > 0)
      session_.ledger().counters()["prefetch.early_removed"] += static_cast<int64_t>(removed);
    if (std::string warning = prefetch_->remote_warning(); !warning.empty())
      warn("remote-off", warning);
    prefetch_.reset();  // the workers flushed their own stats
  }
  if (uploader_ != nullptr) {
    // Every upload is done before the build returns (a CI job may end now).
    hand_over_uploads();
    if (std::string warning = uploader_->finish(); !warning.empty()) warn("remote-off", warning);
    uploader_.reset();
  }
  if (!session_.flush_stats(local_lookups_ != nullptr ? local_lookups_->take_counters()
                                                      : Counters{}))
    warn("stats", "cannot update the stats in " + session_.config().cache_dir());
  if (record_.edges().empty()) return;
  const std::string path = build_dir_ + "/" + kRunRecordPath;
  if (Status written = record_.write(path, now_ns()); !written)
    warn("record", "cannot write " + path + ": " + written.error());
}

}  // namespace edgecache::ninja
