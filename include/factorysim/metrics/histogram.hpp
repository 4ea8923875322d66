// Histogram of non-negative values with percentiles of bounded relative error
// (HDR-histogram style log-linear buckets).
//
// A positive value v = m * 2^e with m in [1, 2) falls in sub-bucket floor((m - 1) * 2^B)
// of octave e, B = sub_bucket_bits (7: 128 sub-buckets per octave). Reporting a bucket by
// its midpoint bounds the relative error of any percentile by 2^-(B+1) / 1 = 0.39 % for
// B = 7. Count, sum, mean, min and max are exact. Buckets are allocated only across the
// octaves actually seen, so an idle histogram costs a few bytes.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace factorysim::metrics {

class Histogram {
public:
    static constexpr int sub_bucket_bits = 7;
    static constexpr double max_relative_error = 1.0 / (1 << (sub_bucket_bits + 1));

    void record(double value, std::uint64_t count = 1);

    std::uint64_t count() const { return count_; }
    double sum() const { return sum_; }
    double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
    double min() const { return count_ ? min_ : 0.0; }
    double max() const { return count_ ? max_ : 0.0; }
    // Nearest-rank percentile, q in [0, 1]; 0 for an empty histogram.
    double percentile(double q) const;
    void merge(const Histogram& other);

private:
    static std::int64_t bucket_of(double value);
    static double midpoint_of(std::int64_t bucket);
    std::uint64_t& counter_for(std::int64_t bucket);

    std::vector<std::uint64_t> counts_;  // counts_[i] is bucket first_bucket_ + i
    std::int64_t first_bucket_ = 0;
    std::uint64_t zeros_ = 0;
    std::uint64_t count_ = 0;
    double sum_ = 0.0;
    double min_ = std::numeric_limits<double>::infinity();
    double max_ = 0.0;
};

}  // namespace factorysim::metrics
