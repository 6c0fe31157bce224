#include "edgecache/manifest.h"

#include "object/byte_codec.h"

namespace edgecache {
namespace {

// Far beyond any real step; larger counts mean a corrupt manifest.
constexpr uint32_t kMaxFields = 1 << 20;
constexpr uint32_t kMaxCandidates = 1024;
constexpr uint32_t kMaxDependencies = 1 << 20;

// Dep is Dependency (owning copies) or DependencyView (views into the payload).
template <typename Candidate>
bool decode_candidate(ByteReader& reader, Candidate* candidate) {
  using Dep = typename decltype(candidate->deps)::value_type;
  auto high = reader.u64();
  auto low = reader.u64();
  auto count = reader.u32();
  if (!high || !low || !count || *count > kMaxDependencies) return false;
  candidate->result = Hash128{*high, *low};
  candidate->deps.reserve(*count);
  for (uint32_t i = 0; i < *count; ++i) {
    auto path = reader.bytes();
    auto fingerprint = reader.bytes();
    auto stamp = reader.bytes();
    if (!path || !fingerprint || !stamp) return false;
    candidate->deps.push_back(Dep{decltype(Dep::path)(*path),
                                  decltype(Dep::fingerprint)(*fingerprint),
                                  decltype(Dep::stamp)(*stamp)});
  }
  return true;
}

// The payload's recipe fields, each given to `on_field`, then its candidates.
template <typename Candidate, typename OnField>
Status decode_payload(std::string_view payload, OnField on_field,
                      std::vector<Candidate>* candidates) {
  ByteReader reader(payload);
  auto fields = reader.u32();
  if (!fields || *fields > kMaxFields) return Error{"manifest: bad recipe field count"};
  for (uint32_t i = 0; i < *fields; ++i) {
    auto name = reader.bytes();
    auto value = reader.bytes();
    if (!name || !value) return Error{"manifest: truncated recipe"};
    on_field(*name, *value);
  }
  auto count = reader.u32();
  if (!count || *count > kMaxCandidates) return Error{"manifest: bad candidate count"};
  candidates->resize(*count);
  for (Candidate& candidate : *candidates) {
    if (!decode_candidate(reader, &candidate)) return Error{"manifest: truncated candidate"};
  }
  if (!reader.at_end()) return Error{"manifest: trailing bytes"};
  return ok_status();
}

}  // namespace

void Manifest::add_candidate(ManifestCandidate candidate, size_t max_candidates) {
  std::erase_if(candidates, [&](const ManifestCandidate& c) { return c.deps == candidate.deps; });
  candidates.insert(candidates.begin(), std::move(candidate));
  if (candidates.size() > max_candidates) candidates.resize(max_candidates);
}

std::string encode_manifest(const Manifest& manifest) {
  ByteWriter writer;
  writer.u32(static_cast<uint32_t>(manifest.recipe.fields().size()));
  for (const RecipeField& field : manifest.recipe.fields()) {
    writer.bytes(field.name);
    writer.bytes(field.value);
  }
  writer.u32(static_cast<uint32_t>(manifest.candidates.size()));
  for (const ManifestCandidate& candidate : manifest.candidates) {
    writer.u64(candidate.result.high);
    writer.u64(candidate.result.low);
    writer.u32(static_cast<uint32_t>(candidate.deps.size()));
    for (const Dependency& dep : candidate.deps) {
      writer.bytes(dep.path);
      writer.bytes(dep.fingerprint);
      writer.bytes(dep.stamp);
    }
  }
  return std::move(writer.str());
}

Result<Manifest> decode_manifest(std::string_view payload) {
  Manifest manifest;
  auto add_field = [&](std::string_view name, std::string_view value) {
    manifest.recipe.add(std::string(name), std::string(value));
  };
  if (Status decoded = decode_payload(payload, add_field, &manifest.candidates); !decoded)
    return decoded.failure();
  return manifest;
}

Result<std::vector<CandidateView>> decode_manifest_candidates(std::string_view payload) {
  std::vector<CandidateView> candidates;
  auto skip_field = [](std::string_view, std::string_view) {};
  if (Status decoded = decode_payload(payload, skip_field, &candidates); !decoded)
    return decoded.failure();
  return candidates;
}

}  // namespace edgecache
