#include "caching_command_runner.h"

#include <utility>

#include "ninja/graph.h"  // Edge

namespace edgecache::ninja {

bool IsNeverCached(const Edge& edge) {
  return edge.is_phony() || edge.GetBindingBool("generator") || edge.use_console();
}

CachingCommandRunner::CachingCommandRunner(std::unique_ptr<CommandRunner> inner,
                                           EdgeCacheHooks* hooks)
    : inner_(std::move(inner)), hooks_(hooks) {}

bool CachingCommandRunner::CanRunMore() const { return inner_->CanRunMore(); }

bool CachingCommandRunner::StartCommand(Edge* edge) {
  const bool offered = hooks_ != nullptr && !IsNeverCached(*edge);
  if (offered) {
    if (std::optional<HitInfo> hit = hooks_->TryRestore(edge)) {
      Result result;
      result.edge = edge;
      result.status = ExitSuccess;
      result.output = std::move(hit->output);
      restored_.push_back(std::move(result));
      ++counts_.restored;
      return true;
    }
  }
  if (!inner_->StartCommand(edge)) return false;
  ++counts_.ran;
  if (offered) offered_started_.emplace(edge, Clock::now());
  return true;
}

bool CachingCommandRunner::WaitForCommand(Result* result) {
  if (!restored_.empty()) {
    *result = std::move(restored_.front());
    restored_.pop_front();
    return true;
  }
  if (!inner_->WaitForCommand(result)) return false;
  if (hooks_ != nullptr) hooks_->OnOutputsWritten(result->edge);
  auto started = offered_started_.find(result->edge);
  if (started != offered_started_.end()) {
    const std::chrono::duration<double> duration = Clock::now() - started->second;
    offered_started_.erase(started);
    // An interrupted command's outputs are partial: never worth storing.
    if (result->status != ExitInterrupted)
      hooks_->OnCommandFinished(result->edge, *result, duration.count());
  }
  return true;
}

std::vector<Edge*> CachingCommandRunner::GetActiveEdges() { return inner_->GetActiveEdges(); }

void CachingCommandRunner::Abort() {
  restored_.clear();
  offered_started_.clear();
  inner_->Abort();
}

}  // namespace edgecache::ninja
