#pragma once
// Why a step ran without the cache, in words: one vocabulary for
// edgecache-ninja's run record, the HTML report (`edgecache report`),
// `edgecache explain` and `edgecache stats`. A reason is a short code (the
// stats counter "uncacheable.<code>" or "not-stored.<code>", the run
// record's "reason"); its phrase says it to a user, and the sentence adds
// the detail (which file, which program).

#include <string>
#include <string_view>

namespace edgecache {

// "writes undeclared files" for "writes-undeclared-files"; the code itself
// (dashes as spaces) for one this table does not know.
std::string uncached_phrase(std::string_view reason);

// "not cached: writes undeclared files: gen.inc, gen.txt (declare them as
// outputs, e.g. BYPRODUCTS, to cache the step)"; `detail` may be empty.
std::string uncached_sentence(std::string_view reason, std::string_view detail);

// "not stored: an input changed while the step ran: data.txt".
std::string not_stored_sentence(std::string_view reason, std::string_view detail);

}  // namespace edgecache
