# --verify / EDGECACHE_VERIFY: hits re-run and compared, against a clean
# cache, a generator writing a timestamp, and poisoned entries.
edgecache_script_tests(verify verify NAMES launcher ninja)
