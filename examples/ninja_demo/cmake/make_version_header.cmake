# Writes OUT, a header defining DEMO_VERSION from the first line of IN.
# The header holds no path, so two build trees produce identical bytes.
file(STRINGS ${IN} version LIMIT_COUNT 1)
file(WRITE ${OUT} "#pragma once\n#define DEMO_VERSION \"${version}\"\n")
