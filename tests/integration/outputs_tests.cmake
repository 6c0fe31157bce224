# What a step writes, as it is on disk (issues 11 and 12): outputs that are
# not regular files, symlinks and restat, memos dropped for paths a step
# writes, a header another process writes mid-build (listed, and edited
# between two lookups), a listed directory changed between two lookups,
# inputs from dyndep files.
edgecache_script_tests(outputs outputs NAMES special_files symlinks_restat stale_listing header_edited_mid_build
  listed_dir_changed_mid_build fortran_dyndep)
