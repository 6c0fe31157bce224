#pragma once
// The depfile the launcher adds to a compile that names none (-MD -MF
// $TMPDIR/edgecache-<pid>-deps-<hash>.d), so that its headers are known.
// The compiler writes it early, while it compiles. It goes when remove() is
// called or this object is destroyed, and also when SIGINT, SIGTERM or SIGHUP
// ends the launcher first (Ctrl-C reaches every process of the build's
// process group): a launcher stopped between the compiler's write and its
// own cleanup used to leave the file in $TMPDIR. A SIGKILL still leaves it.
// One at a time per process: the launcher runs one compile.

#include <csignal>
#include <string>

namespace edgecache {

class TemporaryDepfile {
 public:
  static constexpr int kSignals = 3;  // SIGINT, SIGTERM, SIGHUP

  // `path` empty: nothing to remove, no handler installed.
  explicit TemporaryDepfile(const std::string& path);
  ~TemporaryDepfile();
  TemporaryDepfile(const TemporaryDepfile&) = delete;
  TemporaryDepfile& operator=(const TemporaryDepfile&) = delete;

  // Unlinks the file and puts the signal actions back as they were.
  void remove();

 private:
  bool armed_ = false;
  bool installed_[kSignals] = {};
  struct sigaction previous_[kSignals] = {};
};

}  // namespace edgecache
