#include "caching_command_runner.h"

#include <utility>

#include "ninja/graph.h"  // Edge

namespace edgecache::ninja {

bool is_never_cached(const Edge& edge) {
  return edge.is_phony() || edge.GetBindingBool("generator") || edge.use_console();
}

CachingCommandRunner::CachingCommandRunner(std::unique_ptr<CommandRunner> inner,
                                           EdgeCacheHooks* hooks, DepfileShelf* depfiles,
                                           size_t restore_threads)
    : inner_(std::move(inner)), hooks_(hooks), depfiles_(depfiles), restores_(restore_threads) {}

bool CachingCommandRunner::CanRunMore() const {
  // Edges whose restore failed run before any new edge starts.
  return to_run_.empty() && restores_.pending() < kMaxRestoresInFlight && inner_->CanRunMore();
}

bool CachingCommandRunner::StartCommand(Edge* edge) {
  const bool offered = hooks_ != nullptr && !is_never_cached(*edge);
  if (offered) {
    if (std::optional<HitInfo> hit = hooks_->try_restore(edge)) {
      if (hit->write_outputs) {
        restores_.submit(edge, std::move(hit->write_outputs));
        return true;
      }
      Result result;
      result.edge = edge;
      result.status = ExitSuccess;
      result.output = std::move(hit->output);
      restored_.push_back(std::move(result));
      ++counts_.restored;
      return true;
    }
    return start_run(edge);
  }
  if (!inner_->StartCommand(edge)) return false;
  ++counts_.ran;
  return true;
}

bool CachingCommandRunner::start_run(Edge* edge) {
  if (!inner_->StartCommand(edge)) return false;
  ++counts_.ran;
  offered_started_.emplace(edge, Clock::now());
  return true;
}

bool CachingCommandRunner::start_failed_restores(Result* result) {
  while (!to_run_.empty() && inner_->CanRunMore()) {
    Edge* edge = to_run_.front();
    to_run_.pop_front();
    if (start_run(edge)) continue;
    // As Builder::StartEdge reports a command that cannot start.
    result->edge = edge;
    result->status = ExitFailure;
    result->output = "edgecache: cannot start the command after a failed restore";
    return false;
  }
  return true;
}

bool CachingCommandRunner::WaitForCommand(Result* result) {
  if (!restored_.empty()) {
    *result = std::move(restored_.front());
    restored_.pop_front();
    return true;
  }
  for (;;) {
    if (!start_failed_restores(result)) return true;
    if (restores_.pending() == 0) break;
    Edge* edge = restores_.wait_finished();
    if (edge == nullptr) break;
    if (std::optional<HitInfo> hit = hooks_->finish_restore(edge)) {
      if (hit->write_outputs) {
        // A lookup handed over before the hit was decided, now decided
        // on the main thread: its outputs are still to be written.
        restores_.submit(edge, std::move(hit->write_outputs));
        continue;
      }
      // Ninja reads it from the shelf when it finishes the edge (below).
      if (hit->depfile) depfiles_->shelve(edge->GetUnescapedDepfile(), std::move(*hit->depfile));
      result->edge = edge;
      result->status = ExitSuccess;
      result->output = std::move(hit->output);
      ++counts_.restored;
      return true;
    }
    to_run_.push_back(edge);  // the hooks made it a miss: it runs for real
  }
  if (!inner_->WaitForCommand(result)) return false;
  if (hooks_ != nullptr) hooks_->on_outputs_written(result->edge);
  auto started = offered_started_.find(result->edge);
  if (started == offered_started_.end()) {
    if (hooks_ != nullptr && result->status != ExitInterrupted)
      hooks_->on_uncached_finished(result->edge, result->success());
  } else {
    const std::chrono::duration<double> duration = Clock::now() - started->second;
    offered_started_.erase(started);
    // An interrupted command's outputs are partial: never worth storing.
    if (result->status != ExitInterrupted)
      hooks_->on_command_finished(result->edge, *result, duration.count());
  }
  return true;
}

std::vector<Edge*> CachingCommandRunner::GetActiveEdges() { return inner_->GetActiveEdges(); }

void CachingCommandRunner::Abort() {
  // Restores in flight finish (each output is written atomically); their
  // edges are never reported to Ninja.
  restores_.drain();
  while (restores_.wait_finished() != nullptr) {
  }
  restored_.clear();
  to_run_.clear();
  offered_started_.clear();
  inner_->Abort();
}

}  // namespace edgecache::ninja
