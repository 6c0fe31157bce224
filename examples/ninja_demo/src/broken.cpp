// Compiled only with -DDEMO_BROKEN=ON: the failing edge of the keep-going tests.
#error "demo_broken does not compile, on purpose"
