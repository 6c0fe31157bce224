/* The exec side of libedgecache-tracer.so: every program a traced process
 * starts is recorded ('x'), checked to be one the tracer can follow into (a
 * dynamically linked ELF of our class, not setuid; a script's interpreter
 * likewise), and started with LD_PRELOAD and $EDGECACHE_TRACE_FILE put back
 * into its environment if the caller dropped them. A program we cannot
 * follow is recorded as '!' and runs untouched. No malloc here: these run
 * between vfork() and exec. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracer_log.h"

extern char** environ;

#if defined(__x86_64__)
static const int kOurMachine = EM_X86_64;
#elif defined(__aarch64__)
static const int kOurMachine = EM_AARCH64;
#else
#error "add this machine's EM_ constant"
#endif

static __typeof__(&execve) real_execve;
static __typeof__(&execvpe) real_execvpe;
static __typeof__(&posix_spawn) real_posix_spawn;
static __typeof__(&posix_spawnp) real_posix_spawnp;
static __typeof__(&fexecve) real_fexecve;

void tracer_resolve_exec(void) {
  real_execve = (__typeof__(&execve))dlsym(RTLD_NEXT, "execve");
  real_execvpe = (__typeof__(&execvpe))dlsym(RTLD_NEXT, "execvpe");
  real_posix_spawn = (__typeof__(&posix_spawn))dlsym(RTLD_NEXT, "posix_spawn");
  real_posix_spawnp = (__typeof__(&posix_spawnp))dlsym(RTLD_NEXT, "posix_spawnp");
  real_fexecve = (__typeof__(&fexecve))dlsym(RTLD_NEXT, "fexecve");
}

static void untraceable(const char* why, const char* path) {
  /* The program's absolute path, as the run record names it. */
  char cwd[PATH_MAX] = "";
  if (path[0] != '/' && syscall(SYS_getcwd, cwd, sizeof cwd) <= 0) cwd[0] = '\0';
  while (path[0] == '.' && path[1] == '/') path += 2;
  char message[PATH_MAX + 64]; /* truncated, never dropped: tracer_log takes up to 2 * PATH_MAX */
  snprintf(message, sizeof message, "%s %s%s%s", why, cwd, cwd[0] ? "/" : "", path);
  tracer_record('!', message);
}

/* 0 when the program at `path` (a script's interpreter at `depth` > 0) is
 * one the tracer follows into; else records why not and returns 1. */
static int check_program(const char* path, int depth);

static int check_script(const char* path, const char* head, long length, int depth) {
  char interpreter[PATH_MAX];
  long i = 2, n = 0;
  while (i < length && (head[i] == ' ' || head[i] == '\t')) ++i;
  while (i < length && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' &&
         n < (long)sizeof interpreter - 1)
    interpreter[n++] = head[i++];
  interpreter[n] = '\0';
  if (n == 0 || depth > 4) {
    untraceable("unreadable interpreter line in", path);
    return 1;
  }
  return check_program(interpreter, depth + 1);
}

static int check_elf(const char* path, int fd, const Elf64_Ehdr* header) {
  /* The messages' first words are what observed_run.cpp classifies. */
  if (header->e_ident[EI_CLASS] == ELFCLASS32) {
    untraceable("untraceable 32-bit program", path);
    return 1;
  }
  if (header->e_ident[EI_CLASS] != ELFCLASS64 || header->e_machine != kOurMachine) {
    untraceable("untraceable program for another machine", path);
    return 1;
  }
  for (int i = 0; i < header->e_phnum; ++i) {
    Elf64_Phdr program_header;
    off_t at = (off_t)(header->e_phoff + (Elf64_Off)i * header->e_phentsize);
    if (syscall(SYS_pread64, fd, &program_header, sizeof program_header, at) !=
        (long)sizeof program_header)
      break;
    if (program_header.p_type == PT_INTERP) return 0;
  }
  untraceable("untraceable static binary", path);
  return 1;
}

static int check_program(const char* path, int depth) {
  tracer_record('x', path);
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0; /* the exec fails the same way */
  struct stat st;
  int result = 0;
  if (syscall(SYS_fstat, fd, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID))) {
    untraceable("untraceable setuid program", path);
    result = 1;
  } else {
    union {
      Elf64_Ehdr elf;
      char text[256];
    } head;
    long length = syscall(SYS_pread64, fd, &head, sizeof head, 0);
    if (length >= (long)sizeof head.elf && memcmp(head.text, ELFMAG, SELFMAG) == 0) {
      result = check_elf(path, fd, &head.elf);
    } else if (length >= 2 && head.text[0] == '#' && head.text[1] == '!') {
      result = check_script(path, head.text, length, depth);
    }
  }
  syscall(SYS_close, fd);
  return result;
}

/* Where execvp would find `file`: the PATH entries tried before it are
 * recorded as probes (a program put there later would be run instead). */
static int find_in_path(const char* file, const char* path_list, char* out, size_t capacity) {
  if (strchr(file, '/') != NULL) {
    snprintf(out, capacity, "%s", file);
    return 1;
  }
  if (path_list == NULL) path_list = "/bin:/usr/bin";
  for (const char* dir = path_list;; ++dir) {
    const char* end = strchrnul(dir, ':');
    int written =
        snprintf(out, capacity, "%.*s%s%s", (int)(end - dir), dir, end == dir ? "" : "/", file);
    if (written > 0 && (size_t)written < capacity) {
      if (syscall(SYS_faccessat, AT_FDCWD, out, X_OK) == 0) return 1;
      tracer_record('s', out);
    }
    if (*end == '\0') return 0;
    dir = end;
  }
}

/* Copies `env` into `out` (room for count + 3), with our library first in
 * LD_PRELOAD and our trace file set; `preload` holds a rebuilt LD_PRELOAD. */
static char* const* traced_env(char* const* env, char** out, char* preload, size_t capacity) {
  const char* library = tracer_library_path();
  size_t n = 0;
  int has_preload = 0, has_trace = 0;
  for (char* const* entry = env; entry && *entry; ++entry) {
    char* value = *entry;
    if (strncmp(value, "LD_PRELOAD=", 11) == 0) {
      has_preload = 1;
      if (strstr(value, library) == NULL) {
        snprintf(preload, capacity, "LD_PRELOAD=%s %s", library, value + 11);
        value = preload;
      }
    } else if (strncmp(value, "EDGECACHE_TRACE_FILE=", 21) == 0) {
      has_trace = 1;
      value = (char*)tracer_trace_file_entry();
    }
    out[n++] = value;
  }
  if (!has_preload) {
    snprintf(preload, capacity, "LD_PRELOAD=%s", library);
    out[n++] = preload;
  }
  if (!has_trace) out[n++] = (char*)tracer_trace_file_entry();
  out[n] = NULL;
  return out;
}

static size_t count(char* const* list) {
  size_t n = 0;
  while (list && list[n]) ++n;
  return n;
}

int execve(const char* path, char* const argv[], char* const envp[]) {
  if (!real_execve) tracer_resolve_exec();
  if (!tracer_active() || check_program(path, 0) != 0) return real_execve(path, argv, envp);
  char* env[count(envp) + 3];
  char preload[2 * PATH_MAX];
  return real_execve(path, argv, traced_env(envp, env, preload, sizeof preload));
}

int execv(const char* path, char* const argv[]) { return execve(path, argv, environ); }

int execvpe(const char* file, char* const argv[], char* const envp[]) {
  if (!real_execvpe) tracer_resolve_exec();
  char found[PATH_MAX];
  if (!tracer_active() || !find_in_path(file, getenv("PATH"), found, sizeof found) ||
      check_program(found, 0) != 0)
    return real_execvpe(file, argv, envp);
  char* env[count(envp) + 3];
  char preload[2 * PATH_MAX];
  return real_execvpe(file, argv, traced_env(envp, env, preload, sizeof preload));
}

int execvp(const char* file, char* const argv[]) { return execvpe(file, argv, environ); }

/* The execl family: the variadic arguments as an argv array on the stack. */
#define COLLECT_ARGS(first, envp_out)                               \
  va_list args;                                                     \
  va_start(args, first);                                            \
  size_t argc = 1;                                                  \
  while (va_arg(args, char*) != NULL) ++argc;                       \
  va_end(args);                                                     \
  char* argv[argc + 1];                                             \
  va_start(args, first);                                            \
  argv[0] = (char*)first;                                           \
  for (size_t i = 1; i <= argc; ++i) argv[i] = va_arg(args, char*); \
  envp_out;                                                         \
  va_end(args)

int execl(const char* path, const char* arg, ...) {
  COLLECT_ARGS(arg, (void)0);
  return execve(path, argv, environ);
}
int execlp(const char* file, const char* arg, ...) {
  COLLECT_ARGS(arg, (void)0);
  return execvpe(file, argv, environ);
}
int execle(const char* path, const char* arg, ...) {
  char* const* envp;
  COLLECT_ARGS(arg, envp = va_arg(args, char* const*));
  return execve(path, argv, envp);
}

int fexecve(int fd, char* const argv[], char* const envp[]) {
  if (!real_fexecve) tracer_resolve_exec();
  if (tracer_active()) tracer_record('!', "fexecve (a program run from a descriptor)");
  return real_fexecve(fd, argv, envp);
}

int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attributes, char* const argv[], char* const envp[]) {
  if (!real_posix_spawn) tracer_resolve_exec();
  if (!tracer_active() || check_program(path, 0) != 0)
    return real_posix_spawn(pid, path, actions, attributes, argv, envp);
  char* env[count(envp) + 3];
  char preload[2 * PATH_MAX];
  return real_posix_spawn(pid, path, actions, attributes, argv,
                          traced_env(envp, env, preload, sizeof preload));
}

int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions,
                 const posix_spawnattr_t* attributes, char* const argv[], char* const envp[]) {
  if (!real_posix_spawnp) tracer_resolve_exec();
  char found[PATH_MAX];
  if (!tracer_active() || !find_in_path(file, getenv("PATH"), found, sizeof found) ||
      check_program(found, 0) != 0)
    return real_posix_spawnp(pid, file, actions, attributes, argv, envp);
  char* env[count(envp) + 3];
  char preload[2 * PATH_MAX];
  return real_posix_spawnp(pid, file, actions, attributes, argv,
                           traced_env(envp, env, preload, sizeof preload));
}
