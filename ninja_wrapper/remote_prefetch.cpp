#include "remote_prefetch.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <exception>

#include "caching_command_runner.h"  // IsNeverCached
#include "edgecache/cache_session.h"
#include "ninja/graph.h"

namespace edgecache::ninja {
namespace {

/// Results fetched per manifest: the newest candidates are the likely ones.
constexpr size_t kCandidatesPerManifest = 4;

bool InputsReady(const Edge& edge) {
  const size_t inputs = edge.inputs_.size() - static_cast<size_t>(edge.order_only_deps_);
  for (size_t i = 0; i < inputs; ++i) {
    const Node* input = edge.inputs_[i];
    const Edge* producer = input->in_edge();
    if (!input->exists() || (producer != nullptr && !producer->outputs_ready())) return false;
  }
  return true;
}

void CollectPlanned(Node* node, std::set<const Edge*>* seen, std::vector<Edge*>* out) {
  Edge* edge = node->in_edge();
  if (edge == nullptr || !seen->insert(edge).second) return;
  for (Node* input : edge->inputs_) CollectPlanned(input, seen, out);
  const bool planned = std::any_of(edge->outputs_.begin(), edge->outputs_.end(),
                                   [](const Node* output) { return output->dirty(); });
  if (planned && !IsNeverCached(*edge) && InputsReady(*edge)) out->push_back(edge);
}

/// Fetches the objects of one edge into the local store; true when any of
/// them came from the remote.
bool FetchEdge(CacheSession& session, EdgeStepBuilder& builder, const EdgeFacts& facts,
               std::string* input_key) {
  EdgeStep keyed = builder.Build(facts);
  if (!keyed.step) return false;
  *input_key = session.steps().input_key(*keyed.step).to_string();
  return session.steps().prefetch(*keyed.step, kCandidatesPerManifest);
}

}  // namespace

std::vector<Edge*> PrefetchableEdges(const std::vector<Node*>& targets) {
  std::set<const Edge*> seen;
  std::vector<Edge*> edges;
  for (Node* target : targets) CollectPlanned(target, &seen, &edges);
  return edges;
}

RemotePrefetch::RemotePrefetch(const Config& config, EdgeStepContext context, std::vector<EdgeFacts> edges,
                               int threads)
    : config_(config), context_(std::move(context)), edges_(std::move(edges)) {
  const size_t count = std::min(edges_.size(), static_cast<size_t>(std::max(threads, 0)));
  sigset_t all, old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);  // inherited by the workers
  for (size_t i = 0; i < count; ++i) workers_.emplace_back([this] { Work(); });
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

RemotePrefetch::~RemotePrefetch() {
  stop_ = true;
  for (std::thread& worker : workers_) worker.join();
}

bool RemotePrefetch::FetchedFromRemote(const std::string& input_key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return from_remote_.count(input_key) != 0;
}

std::string RemotePrefetch::RemoteWarning() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return remote_warning_;
}

void RemotePrefetch::Work() {
  // A prefetch is only a head start: any failure just leaves the edge to
  // TryRestore, which reports problems on the main thread.
  try {
    CacheSession session(config_);
    EdgeStepBuilder builder(context_, session.paths(), session.hasher());
    for (size_t i = next_++; i < edges_.size() && !stop_; i = next_++) {
      std::string input_key;
      if (FetchEdge(session, builder, edges_[i], &input_key)) {
        std::lock_guard<std::mutex> lock(mutex_);
        from_remote_.insert(input_key);
      }
    }
    if (session.remote_switched_off_here() && !session.store().warnings().empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      remote_warning_ = session.store().warnings().back();
    }
    session.flush_stats();
  } catch (const std::exception&) {
  }
}

}  // namespace edgecache::ninja
