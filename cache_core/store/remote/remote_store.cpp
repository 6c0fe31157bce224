#include "edgecache/remote_store.h"

#include "store/remote/directory_store.h"
#include "store/remote/http_store.h"
#include "store/remote/redis_store.h"
#include "store/remote/s3_store.h"

namespace edgecache {

std::unique_ptr<Store> make_remote_store(const RemoteSpec& spec) {
  switch (spec.scheme) {
    case RemoteScheme::kFile:
      return std::make_unique<DirectoryStore>(spec);
    case RemoteScheme::kRedis:
      return std::make_unique<RedisStore>(spec);
    case RemoteScheme::kS3:
      return std::make_unique<S3Store>(spec);
    case RemoteScheme::kHttp:
    case RemoteScheme::kHttps:
      break;
  }
  return std::make_unique<HttpStore>(spec);
}

}  // namespace edgecache
