#!/usr/bin/env bash
# Inputs from dyndep files are in the key (issue 12, first case): a real
# CMake Fortran project (gfortran; CMake's Ninja generator scans module
# dependencies into a dyndep file) with two modules, calc using consts.
# Changing a constant in consts must rebuild calc.o and main.o, never
# restore them from the entry made with the old consts.mod. Then changing
# it back hits again (the old entries are still right for the old module).
source "$(dirname "$0")/lib.sh"
: "${EDGECACHE_NINJA_BIN:?EDGECACHE_NINJA_BIN must name edgecache-ninja}"
command -v gfortran >/dev/null || fail "gfortran is not installed (scripts/bootstrap.sh installs it)"
cd "$SCRATCH"
mkdir -p proj
cat > proj/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(modules Fortran)
add_executable(app consts.f90 calc.f90 main.f90)
CMAKE
cat > proj/consts.f90 <<'F90'
module consts
  implicit none
  integer, parameter :: val = 1
end module consts
F90
cat > proj/calc.f90 <<'F90'
module calc
  use consts
  implicit none
contains
  integer function twice()
    twice = val * 2
  end function twice
end module calc
F90
cat > proj/main.f90 <<'F90'
program main
  use calc
  implicit none
  print '(I0)', twice()
end program main
F90
cmake -G Ninja -S proj -B build -DCMAKE_MAKE_PROGRAM="$EDGECACHE_NINJA_BIN" -DCMAKE_Fortran_COMPILER=gfortran \
  >configure.log 2>&1 || { cat configure.log; fail "configure"; }
grep -q 'dyndep = ' build/build.ninja || fail "CMake wrote no dyndep binding (the test is wrong)"
build() { cmake --build build >"$1" 2>&1 || { cat "$1"; fail "build $1"; }; }

note "cold build, val = 1"
build cold.log
expect_eq "$(build/app)" 2 "cold app"

note "val = 5: calc.o and main.o read the new consts.mod, not the cached one"
sed -i 's/val = 1/val = 5/' proj/consts.f90
build changed.log
expect_eq "$(build/app)" 10 "app after changing the module (a stale calc.o prints 2)"

note "val = 1 again: the first build's entries are right again and hit"
sed -i 's/val = 5/val = 1/' proj/consts.f90
build back.log
expect_eq "$(build/app)" 2 "app after changing the module back"
grep -Eq 'edgecache: [1-9][0-9]*/[0-9]+ edges from cache' back.log || { cat back.log; fail "nothing hit after changing back"; }
echo "PASS"
