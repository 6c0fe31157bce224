// Not built by default: the regeneration test appends a target for it to
// CMakeLists.txt, so only a re-run of CMake makes it appear.
int main() { return 0; }
