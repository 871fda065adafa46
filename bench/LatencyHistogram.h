#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace switchboard {

// Log-linear histogram of nanosecond values (64 sub-buckets per power of two,
// so about 1.6 % resolution): cheap enough to record every delivery, and
// mergeable across generator processes through a compact text form.
class LatencyHistogram
{
public:
    LatencyHistogram();

    void record(int64_t ns);
    void merge(const LatencyHistogram &other);
    void clear();

    uint64_t count() const { return m_count; }
    int64_t max() const { return m_max; }
    // Value at quantile q (0..1), in nanoseconds; 0 when empty.
    int64_t percentile(double q) const;

    // "idx:count,idx:count,..." of the non-empty buckets plus max.
    std::string serialize() const;
    bool deserialize(const std::string &text);

private:
    static int bucketOf(int64_t ns);
    static int64_t upperBoundOf(int bucket);

    std::vector<uint64_t> m_buckets;
    uint64_t m_count = 0;
    int64_t m_max = 0;
};

} // namespace switchboard
