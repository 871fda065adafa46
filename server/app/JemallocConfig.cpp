// jemalloc's start-up options, read from this symbol when the allocator
// initialises (before main). Why jemalloc at all: after a mass disconnect
// glibc kept the freed pages until malloc_trim(), which stalled the event loop
// 40-70 ms per call with the main arena locked (docs/benchmarks-scale.md).
// jemalloc hands pages back from its own background thread instead:
// - background_thread: purging off the event loop;
// - dirty_decay_ms 250, muzzy_decay_ms 0: freed pages go back within a
//   fraction of a second (the default ten seconds left RSS doubled after a
//   crowd left; over six churn runs each, 1000 ms left 5.95-6.67 KB per
//   connection at 19,000 and 250 ms 5.71-6.40 KB);
// - narenas 2: the loop and the storage writer are the only busy threads, and
//   fewer arenas keep the per-connection footprint near glibc's.
// MALLOC_CONF in the environment still overrides any of these.
extern "C" {
// NOLINTNEXTLINE: the name and linkage are jemalloc's contract
extern const char *malloc_conf;
const char *malloc_conf = "background_thread:true,dirty_decay_ms:250,muzzy_decay_ms:0,narenas:2";
}
