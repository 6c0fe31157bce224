/* The log side of libedgecache-tracer.so (see tracer_log.h): resolving paths
 * to absolute ones and appending them to the trace file with raw syscalls,
 * so that nothing here is itself traced, allocates, or touches errno-visible
 * state of the program. */
#define _GNU_SOURCE
#include "tracer_log.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The trace file; empty when this process is not traced. */
static char trace_path[PATH_MAX];
static char trace_entry[PATH_MAX + 32];
static char library_path[PATH_MAX];
/* Our descriptor of the trace file, and its identity: a program that closes
 * descriptors it does not know of (before an exec, say) may have closed it,
 * and the number may now belong to one of its own files. */
static int log_fd = -1;
static dev_t log_device;
static ino_t log_inode;

int tracer_active(void) { return trace_path[0] != '\0'; }
const char* tracer_library_path(void) { return library_path; }
const char* tracer_trace_file_entry(void) { return trace_entry; }

static int open_log(void) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                        0600);
  if (fd < 0) return -1;
  /* Far from the low numbers programs expect to get from open(). */
  int high = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 737);
  if (high >= 0) {
    syscall(SYS_close, fd);
    fd = high;
  }
  struct stat st;
  if (syscall(SYS_fstat, fd, &st) != 0) return -1;
  log_device = st.st_dev;
  log_inode = st.st_ino;
  return fd;
}

static void append_line(const char* line, size_t length) {
  struct stat st;
  int ours = log_fd >= 0 && syscall(SYS_fstat, log_fd, &st) == 0 && st.st_dev == log_device &&
             st.st_ino == log_inode;
  if (!ours) log_fd = open_log();
  if (log_fd >= 0) syscall(SYS_write, log_fd, line, length);
}

static int not_recorded(const char* path) {
  static const char* const kPrefixes[] = {"/proc/", "/dev/", "/sys/"};
  for (size_t i = 0; i < sizeof kPrefixes / sizeof *kPrefixes; ++i) {
    size_t n = strlen(kPrefixes[i]);
    if (strncmp(path, kPrefixes[i], n) == 0 ||
        (strncmp(path, kPrefixes[i], n - 1) == 0 && path[n - 1] == 0))
      return 1;
  }
  return 0;
}

/* Writes the directory `dirfd` names (the cwd for AT_FDCWD) into `out`;
 * returns its length, 0 when unknown. */
static size_t directory_of(int dirfd, char* out, size_t capacity) {
  if (dirfd == AT_FDCWD) {
    long n = syscall(SYS_getcwd, out, capacity);
    return n > 0 ? strlen(out) : 0;
  }
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
  long n = syscall(SYS_readlinkat, AT_FDCWD, link, out, capacity - 1);
  if (n <= 0 || out[0] != '/') return 0;
  out[n] = '\0';
  return (size_t)n;
}

void tracer_record_at(char tag, int dirfd, const char* path) {
  if (!tracer_active() || path == NULL) return;
  int saved_errno = errno;
  char line[2 * PATH_MAX + 8];
  line[0] = tag;
  line[1] = ' ';
  char* out = line + 2;
  const size_t capacity = sizeof line - 4;
  size_t length = 0;
  if (path[0] != '/' && tag != '!') {
    length = directory_of(dirfd, out, capacity);
    if (length == 0) {
      tracer_record('!', "a path relative to an unknown directory");
      errno = saved_errno;
      return;
    }
    while (path[0] == '.' && path[1] == '/') path += 2;
    if (path[0] != '\0' && !(path[0] == '.' && path[1] == '\0') && out[length - 1] != '/')
      out[length++] = '/';
    if (path[0] == '.' && path[1] == '\0') path = "";
  }
  size_t rest = strlen(path);
  if (length + rest >= capacity || memchr(path, '\n', rest) != NULL) {
    if (tag != '!') tracer_record('!', "a path too long or with a newline");
    errno = saved_errno;
    return;
  }
  memcpy(out + length, path, rest);
  length += rest;
  out[length] = '\0';
  if (tag == '!' || !not_recorded(out)) {
    out[length] = '\n';
    append_line(line, length + 3);
  }
  errno = saved_errno;
}

void tracer_record(char tag, const char* path) { tracer_record_at(tag, AT_FDCWD, path); }

static int record_object(struct dl_phdr_info* info, size_t size, void* data) {
  (void)size;
  (void)data;
  const char* name = info->dlpi_name;
  /* The main program has an empty name, the vDSO a name without a slash. */
  if (name != NULL && name[0] == '/' && strcmp(name, library_path) != 0) tracer_record('r', name);
  return 0;
}

void tracer_record_loaded_objects(void) {
  if (tracer_active()) dl_iterate_phdr(record_object, NULL);
}

__attribute__((constructor)) static void tracer_start(void) {
  const char* file = getenv("EDGECACHE_TRACE_FILE");
  if (file == NULL || file[0] != '/' || strlen(file) >= sizeof trace_path) return;
  Dl_info self;
  if (!dladdr((void*)tracer_start, &self) || self.dli_fname == NULL ||
      strlen(self.dli_fname) >= sizeof library_path)
    return;
  strcpy(library_path, self.dli_fname);
  strcpy(trace_path, file);
  snprintf(trace_entry, sizeof trace_entry, "EDGECACHE_TRACE_FILE=%s", file);
  tracer_resolve_exec();
  log_fd = open_log();
  char exe[PATH_MAX];
  long n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    tracer_record('x', exe);
  }
  tracer_record_loaded_objects();
}
