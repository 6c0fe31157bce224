# Integration tests of the Redis, S3 and several-server remotes: real
# servers on 127.0.0.1 started by the scripts (Debian's redis-server,
# @20minutes/s3rver from npm, nginx), see backends_lib.sh.
edgecache_script_tests(backends backends NAMES
  redis_teammate redis_acl redis_killed s3_teammate s3_failures
  shards_teammate shards_stopped)
