#pragma once
// The one place that knows every remote backend: a parsed remote URL
// (remote_spec.h) becomes the Store that speaks its protocol.

#include <memory>

#include "edgecache/remote_spec.h"
#include "edgecache/store.h"

namespace edgecache {

// The store for a parsed remote: HttpStore for http(s)://, DirectoryStore
// for file://, RedisStore for redis://, S3Store for s3://.
std::unique_ptr<Store> make_remote_store(const RemoteSpec& spec);

// For a process with many requests in flight at once (edgecache-ninja, the
// remote helper): every http(s):// transfer made after this goes through
// one connection pool, where an HTTP/2 server multiplexes concurrent
// requests over one connection (store/remote/shared_transfers.h), started
// by the first transfer. Without libcurl, or a thread for it, nothing changes.
void share_http_connections();

}  // namespace edgecache
