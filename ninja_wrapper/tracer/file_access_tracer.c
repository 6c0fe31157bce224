/* libedgecache-tracer.so: an LD_PRELOAD interposer that records every file a
 * command and its children read, probe, list, execute or write, so that
 * edgecache-ninja can key a step on its real read set (observed_run.h holds
 * the trace format and what the wrapper does with it).
 *
 * Loaded into every dynamically linked process of the step: edgecache-ninja
 * exports LD_PRELOAD and EDGECACHE_TRACE_FILE, and every exec below puts
 * them back into the child's environment if a program dropped them. What it
 * cannot see (a statically linked binary, another ELF class, setuid
 * programs, fexecve) it reports as "!" lines, and the step is not cached.
 *
 * Rules for this file: no malloc on paths that may run between vfork and
 * exec; internal file operations go through syscall() so they are neither
 * recorded nor recursive; every wrapper calls the real function and keeps
 * errno as the real function left it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <link.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracer_log.h"

/* Resolves the next definition of `name` once; `type` is its signature. */
#define REAL(name)                      \
  static __typeof__(&name) real_##name; \
  if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

/* Calls `call` (an expression using real_<name>), records, restores errno. */
#define TRACED(result_type, call, record) \
  do {                                    \
    result_type traced_result = call;     \
    int traced_errno = errno;             \
    record;                               \
    errno = traced_errno;                 \
    return traced_result;                 \
  } while (0)

static int is_write_open(int flags) {
  return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

/* 'a' (append), 'w' (write), 's' (a directory or O_PATH handle), 'r'. */
static char open_tag(int flags) {
  if (is_write_open(flags)) return (flags & O_APPEND) && !(flags & O_TRUNC) ? 'a' : 'w';
  if (flags & (O_DIRECTORY | O_PATH)) return 's';
  return 'r';
}

static void record_open(int dirfd, const char* path, int flags, int ok) {
  const char tag = open_tag(flags);
  /* A failed write open changed nothing; a failed read open is a probe. */
  if (tag == 'w' || tag == 'a') {
    if (ok) tracer_record_at(tag, dirfd, path);
  } else {
    tracer_record_at(ok ? tag : 's', dirfd, path);
  }
}

static mode_t mode_arg(int flags, va_list args) {
  return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(args, int) : 0;
}

#define OPEN_WRAPPER(name)                                          \
  int name(const char* path, int flags, ...) {                      \
    va_list args;                                                   \
    va_start(args, flags);                                          \
    mode_t mode = mode_arg(flags, args);                            \
    va_end(args);                                                   \
    REAL(name);                                                     \
    TRACED(int, real_##name(path, flags, mode),                     \
           record_open(AT_FDCWD, path, flags, traced_result >= 0)); \
  }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

#define OPENAT_WRAPPER(name)                                     \
  int name(int dirfd, const char* path, int flags, ...) {        \
    va_list args;                                                \
    va_start(args, flags);                                       \
    mode_t mode = mode_arg(flags, args);                         \
    va_end(args);                                                \
    REAL(name);                                                  \
    TRACED(int, real_##name(dirfd, path, flags, mode),           \
           record_open(dirfd, path, flags, traced_result >= 0)); \
  }
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

/* The _FORTIFY_SOURCE entry points. */
int __open_2(const char* path, int flags);
int __open64_2(const char* path, int flags);
int __openat_2(int dirfd, const char* path, int flags);
int __openat64_2(int dirfd, const char* path, int flags);
#define OPEN2_WRAPPER(name)                                                                        \
  int name(const char* path, int flags) {                                                          \
    REAL(name);                                                                                    \
    TRACED(int, real_##name(path, flags), record_open(AT_FDCWD, path, flags, traced_result >= 0)); \
  }
OPEN2_WRAPPER(__open_2)
OPEN2_WRAPPER(__open64_2)
#define OPENAT2_WRAPPER(name)                                    \
  int name(int dirfd, const char* path, int flags) {             \
    REAL(name);                                                  \
    TRACED(int, real_##name(dirfd, path, flags),                 \
           record_open(dirfd, path, flags, traced_result >= 0)); \
  }
OPENAT2_WRAPPER(__openat_2)
OPENAT2_WRAPPER(__openat64_2)

#define CREAT_WRAPPER(name)                                                                 \
  int name(const char* path, mode_t mode) {                                                 \
    REAL(name);                                                                             \
    TRACED(int, real_##name(path, mode), if (traced_result >= 0) tracer_record('w', path)); \
  }
CREAT_WRAPPER(creat)
CREAT_WRAPPER(creat64)

static int fopen_flags(const char* mode) {
  if (strchr(mode, 'a')) return O_WRONLY | O_CREAT | O_APPEND;
  if (strchr(mode, 'w')) return O_WRONLY | O_CREAT | O_TRUNC;
  return strchr(mode, '+') ? O_RDWR : O_RDONLY;
}

#define FOPEN_WRAPPER(name)                                                        \
  FILE* name(const char* path, const char* mode) {                                 \
    REAL(name);                                                                    \
    TRACED(FILE*, real_##name(path, mode),                                         \
           record_open(AT_FDCWD, path, fopen_flags(mode), traced_result != NULL)); \
  }
FOPEN_WRAPPER(fopen)
FOPEN_WRAPPER(fopen64)
#define FREOPEN_WRAPPER(name)                                                                \
  FILE* name(const char* path, const char* mode, FILE* stream) {                             \
    REAL(name);                                                                              \
    TRACED(FILE*, real_##name(path, mode, stream),                                           \
           if (path) record_open(AT_FDCWD, path, fopen_flags(mode), traced_result != NULL)); \
  }
FREOPEN_WRAPPER(freopen)
FREOPEN_WRAPPER(freopen64)

/* Probes: stat, access, readlink, realpath. Their answer (exists, is a
 * directory, where a link points) is what the program learns. */
#define PROBE_WRAPPER(ret, name, params, args, path)         \
  ret name params {                                          \
    REAL(name);                                              \
    TRACED(ret, real_##name args, tracer_record('s', path)); \
  }
#define PROBE_AT_WRAPPER(ret, name, params, args, dirfd, path)         \
  ret name params {                                                    \
    REAL(name);                                                        \
    TRACED(ret, real_##name args, tracer_record_at('s', dirfd, path)); \
  }
PROBE_WRAPPER(int, stat, (const char* p, struct stat* s), (p, s), p)
PROBE_WRAPPER(int, stat64, (const char* p, struct stat64* s), (p, s), p)
PROBE_WRAPPER(int, lstat, (const char* p, struct stat* s), (p, s), p)
PROBE_WRAPPER(int, lstat64, (const char* p, struct stat64* s), (p, s), p)
PROBE_AT_WRAPPER(int, fstatat, (int d, const char* p, struct stat* s, int f), (d, p, s, f), d, p)
PROBE_AT_WRAPPER(int, fstatat64, (int d, const char* p, struct stat64* s, int f), (d, p, s, f), d,
                 p)
PROBE_AT_WRAPPER(int, statx, (int d, const char* p, int f, unsigned m, struct statx* s),
                 (d, p, f, m, s), d, p)
PROBE_WRAPPER(int, access, (const char* p, int m), (p, m), p)
PROBE_WRAPPER(int, euidaccess, (const char* p, int m), (p, m), p)
PROBE_WRAPPER(int, eaccess, (const char* p, int m), (p, m), p)
PROBE_AT_WRAPPER(int, faccessat, (int d, const char* p, int m, int f), (d, p, m, f), d, p)
PROBE_WRAPPER(ssize_t, readlink, (const char* p, char* b, size_t n), (p, b, n), p)
PROBE_AT_WRAPPER(ssize_t, readlinkat, (int d, const char* p, char* b, size_t n), (d, p, b, n), d, p)
PROBE_WRAPPER(char*, realpath, (const char* p, char* r), (p, r), p)
PROBE_WRAPPER(char*, canonicalize_file_name, (const char* p), (p), p)
/* Binaries built against glibc before 2.33 call these instead of stat(). */
int __xstat(int v, const char* p, struct stat* s);
int __xstat64(int v, const char* p, struct stat64* s);
int __lxstat(int v, const char* p, struct stat* s);
int __lxstat64(int v, const char* p, struct stat64* s);
int __fxstatat(int v, int d, const char* p, struct stat* s, int f);
int __fxstatat64(int v, int d, const char* p, struct stat64* s, int f);
PROBE_WRAPPER(int, __xstat, (int v, const char* p, struct stat* s), (v, p, s), p)
PROBE_WRAPPER(int, __xstat64, (int v, const char* p, struct stat64* s), (v, p, s), p)
PROBE_WRAPPER(int, __lxstat, (int v, const char* p, struct stat* s), (v, p, s), p)
PROBE_WRAPPER(int, __lxstat64, (int v, const char* p, struct stat64* s), (v, p, s), p)
PROBE_AT_WRAPPER(int, __fxstatat, (int v, int d, const char* p, struct stat* s, int f),
                 (v, d, p, s, f), d, p)
PROBE_AT_WRAPPER(int, __fxstatat64, (int v, int d, const char* p, struct stat64* s, int f),
                 (v, d, p, s, f), d, p)

/* Listings: the names in a directory decide what a program finds there. */
DIR* opendir(const char* path) {
  REAL(opendir);
  TRACED(DIR*, real_opendir(path), tracer_record(traced_result ? 'd' : 's', path));
}
DIR* fdopendir(int fd) {
  REAL(fdopendir);
  TRACED(DIR*, real_fdopendir(fd), if (traced_result) tracer_record_at('d', fd, ""));
}
#define SCANDIR_WRAPPER(name, entry)                                                   \
  int name(const char* path, struct entry*** list, int (*filter)(const struct entry*), \
           int (*compare)(const struct entry**, const struct entry**)) {               \
    REAL(name);                                                                        \
    TRACED(int, real_##name(path, list, filter, compare),                              \
           tracer_record(traced_result >= 0 ? 'd' : 's', path));                       \
  }
SCANDIR_WRAPPER(scandir, dirent)
SCANDIR_WRAPPER(scandir64, dirent64)

/* glob() lists directories inside libc, out of our sight: record the
 * pattern's directory, or refuse a pattern with wildcards above its last part. */
static void record_glob(const char* pattern) {
  const char* slash = strrchr(pattern, '/');
  if (slash == NULL) {
    tracer_record('d', ".");
    return;
  }
  if (strpbrk(pattern, "*?[") < slash && strpbrk(pattern, "*?[") != NULL) {
    tracer_record('!', "glob with wildcards in a directory part");
    return;
  }
  char dir[PATH_MAX];
  size_t length = (size_t)(slash - pattern);
  if (length >= sizeof dir) {
    tracer_record('!', "glob pattern too long");
    return;
  }
  memcpy(dir, pattern, length);
  dir[length] = '\0';
  tracer_record('d', length == 0 ? "/" : dir);
}
#define GLOB_WRAPPER(name, type)                                                          \
  int name(const char* pattern, int flags, int (*errfunc)(const char*, int), type* out) { \
    REAL(name);                                                                           \
    TRACED(int, real_##name(pattern, flags, errfunc, out), record_glob(pattern));         \
  }
GLOB_WRAPPER(glob, glob_t)
GLOB_WRAPPER(glob64, glob64_t)

/* Changes to the file system: what the step writes or removes. */
#define CHANGE_WRAPPER(ret, name, params, args, tag, path)                           \
  ret name params {                                                                  \
    REAL(name);                                                                      \
    TRACED(ret, real_##name args, if (traced_result == 0) tracer_record(tag, path)); \
  }
#define CHANGE_AT_WRAPPER(ret, name, params, args, tag, dirfd, path)                           \
  ret name params {                                                                            \
    REAL(name);                                                                                \
    TRACED(ret, real_##name args, if (traced_result == 0) tracer_record_at(tag, dirfd, path)); \
  }
CHANGE_WRAPPER(int, unlink, (const char* p), (p), 'u', p)
CHANGE_AT_WRAPPER(int, unlinkat, (int d, const char* p, int f), (d, p, f), 'u', d, p)
CHANGE_WRAPPER(int, remove, (const char* p), (p), 'u', p)
CHANGE_WRAPPER(int, rmdir, (const char* p), (p), 'u', p)
CHANGE_WRAPPER(int, mkdir, (const char* p, mode_t m), (p, m), 'w', p)
CHANGE_AT_WRAPPER(int, mkdirat, (int d, const char* p, mode_t m), (d, p, m), 'w', d, p)
CHANGE_WRAPPER(int, mkfifo, (const char* p, mode_t m), (p, m), 'w', p)
CHANGE_WRAPPER(int, mknod, (const char* p, mode_t m, dev_t d), (p, m, d), 'w', p)
CHANGE_WRAPPER(int, symlink, (const char* t, const char* p), (t, p), 'w', p)
CHANGE_AT_WRAPPER(int, symlinkat, (const char* t, int d, const char* p), (t, d, p), 'w', d, p)
CHANGE_WRAPPER(int, link, (const char* t, const char* p), (t, p), 'w', p)
CHANGE_AT_WRAPPER(int, linkat, (int od, const char* t, int d, const char* p, int f),
                  (od, t, d, p, f), 'w', d, p)
CHANGE_WRAPPER(int, truncate, (const char* p, off_t n), (p, n), 'w', p)
CHANGE_WRAPPER(int, truncate64, (const char* p, off64_t n), (p, n), 'w', p)
CHANGE_WRAPPER(int, chmod, (const char* p, mode_t m), (p, m), 'w', p)
CHANGE_AT_WRAPPER(int, fchmodat, (int d, const char* p, mode_t m, int f), (d, p, m, f), 'w', d, p)
CHANGE_AT_WRAPPER(int, utimensat, (int d, const char* p, const struct timespec t[2], int f),
                  (d, p, t, f), 'w', d, p)
CHANGE_WRAPPER(int, utimes, (const char* p, const struct timeval t[2]), (p, t), 'w', p)

int rename(const char* from, const char* to) {
  REAL(rename);
  TRACED(
      int, real_rename(from, to), if (traced_result == 0) {
        tracer_record('u', from);
        tracer_record('w', to);
      });
}
int renameat(int from_dir, const char* from, int to_dir, const char* to) {
  REAL(renameat);
  TRACED(
      int, real_renameat(from_dir, from, to_dir, to), if (traced_result == 0) {
        tracer_record_at('u', from_dir, from);
        tracer_record_at('w', to_dir, to);
      });
}
int renameat2(int from_dir, const char* from, int to_dir, const char* to, unsigned flags) {
  REAL(renameat2);
  TRACED(
      int, real_renameat2(from_dir, from, to_dir, to, flags), if (traced_result == 0) {
        /* RENAME_EXCHANGE leaves both names in place, both changed. */
        tracer_record_at((flags & RENAME_EXCHANGE) ? 'w' : 'u', from_dir, from);
        tracer_record_at('w', to_dir, to);
      });
}

/* Temporary files: libc opens them internally; the template holds the name. */
#define MKSTEMP_WRAPPER(name, params, args)                                          \
  int name params {                                                                  \
    REAL(name);                                                                      \
    TRACED(int, real_##name args, if (traced_result >= 0) tracer_record('w', path)); \
  }
MKSTEMP_WRAPPER(mkstemp, (char* path), (path))
MKSTEMP_WRAPPER(mkstemp64, (char* path), (path))
MKSTEMP_WRAPPER(mkostemp, (char* path, int f), (path, f))
MKSTEMP_WRAPPER(mkostemp64, (char* path, int f), (path, f))
MKSTEMP_WRAPPER(mkstemps, (char* path, int n), (path, n))
MKSTEMP_WRAPPER(mkstemps64, (char* path, int n), (path, n))
MKSTEMP_WRAPPER(mkostemps, (char* path, int n, int f), (path, n, f))
MKSTEMP_WRAPPER(mkostemps64, (char* path, int n, int f), (path, n, f))
char* mkdtemp(char* path) {
  REAL(mkdtemp);
  TRACED(char*, real_mkdtemp(path), if (traced_result) tracer_record('w', path));
}

/* Libraries loaded later: record every object mapped now. */
void* dlopen(const char* file, int mode) {
  REAL(dlopen);
  TRACED(void*, real_dlopen(file, mode), if (traced_result) tracer_record_loaded_objects());
}
