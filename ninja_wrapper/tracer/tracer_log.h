/* The trace log of libedgecache-tracer.so: one line per event, appended by
 * every traced process to the file named by $EDGECACHE_TRACE_FILE. The
 * format, and what each tag means to the wrapper, is specified in
 * ninja_wrapper/observed_run.h. */
#pragma once

/* True when this process is traced ($EDGECACHE_TRACE_FILE was set). */
int tracer_active(void);

/* Appends "<tag> <absolute path>\n"; `path` is relative to the cwd.
 * Paths below /proc, /dev and /sys are not recorded. For tag '!' the
 * "path" is a message: why the step cannot be observed. */
void tracer_record(char tag, const char* path);

/* As tracer_record, with `path` relative to the directory open as `dirfd`
 * (AT_FDCWD: the cwd); an empty `path` names that directory itself. */
void tracer_record_at(char tag, int dirfd, const char* path);

/* Records every shared object mapped into the process now ('r'). */
void tracer_record_loaded_objects(void);

/* Absolute path of this library, as LD_PRELOAD must name it. */
const char* tracer_library_path(void);

/* "EDGECACHE_TRACE_FILE=<path>": the entry every child's environment needs. */
const char* tracer_trace_file_entry(void);

/* Resolves the real exec functions (tracer_exec.c) before any vfork child
 * could need dlsym. */
void tracer_resolve_exec(void);
