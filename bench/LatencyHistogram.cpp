#include "LatencyHistogram.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace switchboard {

namespace {
constexpr int kSubBits = 6;
constexpr int kSub = 1 << kSubBits;
constexpr int kBuckets = (64 - kSubBits) * kSub;
}

LatencyHistogram::LatencyHistogram() : m_buckets(kBuckets, 0) {}

int LatencyHistogram::bucketOf(int64_t ns)
{
    if (ns < kSub) return ns < 0 ? 0 : int(ns);
    const int msb = 63 - __builtin_clzll(uint64_t(ns));
    const int shift = msb - kSubBits;
    // Values in [2^msb, 2^(msb+1)) share 'kSub' buckets of width 2^shift.
    return (shift + 1) * kSub + int((uint64_t(ns) >> shift) - kSub);
}

int64_t LatencyHistogram::upperBoundOf(int bucket)
{
    if (bucket < kSub) return bucket;
    const int shift = bucket / kSub - 1;
    const int64_t sub = bucket % kSub + kSub;
    return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(int64_t ns)
{
    const int b = bucketOf(ns);
    if (b >= kBuckets) return;
    ++m_buckets[size_t(b)];
    ++m_count;
    if (ns > m_max) m_max = ns;
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    for (size_t i = 0; i < m_buckets.size(); ++i) m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
    if (other.m_max > m_max) m_max = other.m_max;
}

void LatencyHistogram::clear()
{
    std::fill(m_buckets.begin(), m_buckets.end(), 0);
    m_count = 0;
    m_max = 0;
}

int64_t LatencyHistogram::percentile(double q) const
{
    if (m_count == 0) return 0;
    uint64_t rank = uint64_t(q * double(m_count) + 0.5);
    if (rank < 1) rank = 1;
    if (rank > m_count) rank = m_count;
    uint64_t seen = 0;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank) {
            const int64_t v = upperBoundOf(int(i));
            return v < m_max ? v : m_max;
        }
    }
    return m_max;
}

std::string LatencyHistogram::serialize() const
{
    std::string out = "max:" + std::to_string(m_max);
    for (size_t i = 0; i < m_buckets.size(); ++i)
        if (m_buckets[i]) out += "," + std::to_string(i) + ":" + std::to_string(m_buckets[i]);
    return out;
}

bool LatencyHistogram::deserialize(const std::string &text)
{
    clear();
    const char *p = text.c_str();
    while (*p) {
        const char *colon = strchr(p, ':');
        if (!colon) return false;
        char *end = nullptr;
        const uint64_t value = strtoull(colon + 1, &end, 10);
        if (strncmp(p, "max", 3) == 0) {
            m_max = int64_t(value);
        } else {
            const long idx = strtol(p, nullptr, 10);
            if (idx < 0 || idx >= kBuckets) return false;
            m_buckets[size_t(idx)] += value;
            m_count += value;
        }
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return false;
    }
    return true;
}

} // namespace switchboard
