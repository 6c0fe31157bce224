# `edgecache report` and `edgecache explain` for edgecache-ninja's edges.
# report_html renders the page in a real headless Chromium (installed through
# apt-get when missing).
if(TARGET edgecache AND TARGET edgecache-ninja)
  edgecache_script_tests(report report NAMES html bad_input explain_edges miss_reasons)
endif()
