#include "local_lookups.h"

#include <exception>
#include <utility>

namespace edgecache::ninja {

struct LocalLookups::Context {
  Context(const Config& config, const EdgeStepContext& step_context, WatchedStats* watched,
          SharedListings* listings)
      : session(config, SessionOptions{true, ""}),
        builder(step_context, session.paths(), session.hasher()) {
    session.hasher().set_watched_stats(watched);
    session.hasher().set_shared_listings(listings);
  }

  CacheSession session;
  EdgeStepBuilder builder;
  /// Guarded by LocalLookups::mutex_: paths written since this context's
  /// last lookup began.
  std::vector<std::string> to_forget;
};

LocalLookups::LocalLookups(const Config& config, EdgeStepContext context, WatchedStats* watched,
                           SharedListings* listings)
    : config_(config), step_context_(std::move(context)), watched_(watched), listings_(listings) {}

LocalLookups::~LocalLookups() = default;

std::unique_ptr<LocalLookups::Context> LocalLookups::acquire() {
  std::unique_ptr<Context> context;
  std::vector<std::string> to_forget;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      context = std::move(idle_.back());
      idle_.pop_back();
      to_forget.swap(context->to_forget);
    }
  }
  if (context == nullptr) {
    // Made outside the lock (it opens the local store); it knows nothing
    // yet, so it has nothing to forget.
    context = std::make_unique<Context>(config_, step_context_, watched_, listings_);
    std::lock_guard<std::mutex> lock(mutex_);
    all_.push_back(context.get());
  }
  for (const std::string& path : to_forget) context->session.hasher().forget(path);
  return context;
}

void LocalLookups::release(std::unique_ptr<Context> context) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(context));
}

void LocalLookups::forget(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (Context* context : all_) context->to_forget.push_back(path);
}

void LocalLookups::run(const EdgeFacts& facts, bool observable, LocalLookup* out) {
  std::unique_ptr<Context> context;
  try {
    context = acquire();
    CacheSession& session = context->session;
    // Listings memoized by this context's earlier lookups are checked again.
    session.hasher().begin_lookup();
    EdgeStep keyed = context->builder.build(facts);
    if (keyed.step && (observable || !keyed.step->observed)) {
      StepCache& steps = session.steps();
      out->found = steps.locate(*keyed.step, &out->located, EntryRead::kReadLater);
      if (out->found.result == LookupResult::kHit)
        out->restored =
            steps.restore_found(*keyed.step, out->located, false, facts.depfile_in_memory());
      out->located.read_from = nullptr;  // this context's store: not the main thread's
      out->step = std::move(keyed.step);
    }
    out->warnings = session.warnings();
  } catch (const std::exception&) {
    // Undecided: the main thread looks the edge up again, and says what fails.
    out->step.reset();
  }
  if (context != nullptr) release(std::move(context));
}

Counters LocalLookups::take_counters() {
  std::lock_guard<std::mutex> lock(mutex_);
  Counters all;
  for (Context* context : all_) {
    for (auto& [name, value] : context->session.store().counters()) all[name] += value;
    for (auto& [name, value] : context->session.ledger().counters()) all[name] += value;
    context->session.store().counters().clear();
    context->session.ledger().counters().clear();
  }
  return all;
}

}  // namespace edgecache::ninja
