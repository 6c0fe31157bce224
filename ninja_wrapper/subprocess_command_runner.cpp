#include "subprocess_command_runner.h"

#include <memory>
#include <utility>

#include "ninja/graph.h"  // Edge
#include "ninja/util.h"   // GetLoadAverage

namespace edgecache::ninja {

SubprocessCommandRunner::SubprocessCommandRunner(const BuildConfig& config, CommandOf command_of)
    : config_(config), command_of_(std::move(command_of)) {}

bool SubprocessCommandRunner::CanRunMore() const {
  // Finished-but-unreaped children still hold their slot, as in Ninja, so
  // -j bounds the commands whose output is not yet accounted for.
  const size_t busy = subprocs_.running_.size() + subprocs_.finished_.size();
  if (busy >= static_cast<size_t>(config_.parallelism)) return false;
  // -l: with nothing running we always start one, or the build could stall.
  if (subprocs_.running_.empty() || config_.max_load_average <= 0.0) return true;
  return GetLoadAverage() < config_.max_load_average;
}

bool SubprocessCommandRunner::StartCommand(Edge* edge) {
  const std::string command = command_of_ ? command_of_(edge) : edge->EvaluateCommand();
  Subprocess* child = subprocs_.Add(command, edge->use_console());
  if (child == nullptr) return false;
  edge_of_.emplace(child, edge);
  return true;
}

bool SubprocessCommandRunner::WaitForCommand(Result* result) {
  Subprocess* finished = nullptr;
  while ((finished = subprocs_.NextFinished()) == nullptr) {
    const bool interrupted = subprocs_.DoWork();
    if (interrupted) return false;
  }
  std::unique_ptr<Subprocess> child(finished);
  result->status = child->Finish();
  result->output = child->GetOutput();
  auto it = edge_of_.find(child.get());
  result->edge = it->second;
  edge_of_.erase(it);
  return true;
}

std::vector<Edge*> SubprocessCommandRunner::GetActiveEdges() {
  std::vector<Edge*> edges;
  edges.reserve(edge_of_.size());
  for (const auto& [child, edge] : edge_of_) edges.push_back(edge);
  return edges;
}

void SubprocessCommandRunner::Abort() {
  // Clear() signals and reaps the running children; finished ones that were
  // never reaped are still queued and ours to delete.
  subprocs_.Clear();
  while (auto finished = std::unique_ptr<Subprocess>(subprocs_.NextFinished())) {
  }
  edge_of_.clear();
}

}  // namespace edgecache::ninja
