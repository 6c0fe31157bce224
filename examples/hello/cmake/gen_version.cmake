file(READ ${INPUT} version)
string(STRIP "${version}" version)
file(WRITE ${OUTPUT} "#pragma once\n#define HELLO_VERSION \"${version}\"\n")
