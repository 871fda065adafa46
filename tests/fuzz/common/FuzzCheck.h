#pragma once

#include <cstdio>
#include <cstdlib>

namespace switchboard {

// An invariant a fuzz target asserts. abort() is what libFuzzer reports as a
// crash (and saves the input for); the corpus replay under g++ fails the same way.
// Not assert(): release builds define NDEBUG and the check must stay.
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

} // namespace switchboard
