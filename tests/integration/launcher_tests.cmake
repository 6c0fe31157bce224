# The launcher's integration tests: bash scripts that build real projects
# with real cmake, ninja, gcc and clang, each in its own scratch dir.
edgecache_script_tests(launcher launcher NAMES
  warm_rebuild changes second_checkout faults correctness parallel zero_config input_changed)
# connect, doctor, explain against a real nginx.
edgecache_script_tests(setup commands NAMES commands)
# A poisoned shared cache and signed entries; secrets in output.
edgecache_script_tests(security security NAMES signed_entries signed_key_binding)
# Crash, concurrency and disk-full stress (issue: hardening).
edgecache_script_tests(stress stress NAMES kill_loop concurrent_trim disk_full)
# Everything the compiler reads (issue 11): pch files, the whole include
# search, files named by flags or pulled in by .incbin, -MMD's system headers.
edgecache_script_tests(launcher launcher NAMES pch include_search hidden_inputs)
# Hits that were missing (issue 11): the same compile at another object name,
# identical compiles at once into one cache (local and remote).
edgecache_script_tests(launcher launcher NAMES object_name concurrent_variants)
