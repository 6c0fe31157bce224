#include "dyndep_inputs.h"

#include "ninja/disk_interface.h"
#include "ninja/dyndep_parser.h"
#include "ninja/graph.h"

namespace edgecache::ninja {

void DyndepInputs::reset(State* state) {
  state_ = state;
  files_.clear();
}

DyndepInputsOf DyndepInputs::of(const Edge& edge) {
  DyndepInputsOf result;
  if (edge.dyndep_ == nullptr) return result;
  const std::string& path = edge.dyndep_->path();
  // Ninja loads the file once the edge that writes it has run; before
  // that (a build plan made ahead) the edge's inputs are not known yet.
  auto stamp = stat_file(path);
  if (state_ == nullptr || edge.dyndep_->dyndep_pending() || !stamp) {
    result.error = "dyndep file " + path + " not loaded yet";
    return result;
  }
  auto parsed = files_.find(path);
  if (parsed == files_.end() || parsed->second.stamp != *stamp) {
    ParsedFile file{*stamp, {}};
    RealDiskInterface disk;
    DyndepParser parser(state_, &disk, &file.edges);
    std::string err;
    if (!parser.Load(path, &err)) {
      result.error = "dyndep file " + path + ": " + err;
      return result;
    }
    parsed = files_.insert_or_assign(path, std::move(file)).first;
  }
  auto found = parsed->second.edges.find(const_cast<Edge*>(&edge));
  if (found == parsed->second.edges.end()) return result;  // Ninja rejects this case itself
  for (const Node* input : found->second.implicit_inputs_) result.inputs.push_back(input->path());
  return result;
}

}  // namespace edgecache::ninja
