#include "factorysim/metrics/histogram.hpp"

#include <algorithm>
#include <cmath>

#include "factorysim/core/error.hpp"

namespace factorysim::metrics {

std::int64_t Histogram::bucket_of(double value) {
    int exponent = 0;
    const double mantissa = std::frexp(value, &exponent);  // value = mantissa * 2^exponent, mantissa in [0.5, 1)
    const auto sub = static_cast<std::int64_t>((mantissa * 2.0 - 1.0) * (1 << sub_bucket_bits));
    return static_cast<std::int64_t>(exponent) * (1 << sub_bucket_bits) + sub;
}

double Histogram::midpoint_of(std::int64_t bucket) {
    const std::int64_t per_octave = 1 << sub_bucket_bits;
    // Floor division for negative buckets (values below 1).
    std::int64_t exponent = bucket / per_octave;
    std::int64_t sub = bucket % per_octave;
    if (sub < 0) {
        sub += per_octave;
        exponent -= 1;
    }
    const double lower = std::ldexp(1.0 + static_cast<double>(sub) / per_octave, static_cast<int>(exponent - 1));
    const double width = std::ldexp(1.0 / per_octave, static_cast<int>(exponent - 1));
    return lower + 0.5 * width;
}

void Histogram::record(double value, std::uint64_t count) {
    if (!std::isfinite(value) || value < 0.0)
        throw ModelError("histogram values must be finite and non-negative");
    if (count == 0) return;
    count_ += count;
    sum_ += value * static_cast<double>(count);
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    if (value == 0.0) {
        zeros_ += count;
        return;
    }
    counter_for(bucket_of(value)) += count;
}

std::uint64_t& Histogram::counter_for(std::int64_t b) {
    // Buckets are kept only across the range seen, grown at either end on demand.
    if (counts_.empty()) {
        first_bucket_ = b;
        counts_.assign(1, 0);
    } else if (b < first_bucket_) {
        counts_.insert(counts_.begin(), static_cast<std::size_t>(first_bucket_ - b), 0);
        first_bucket_ = b;
    } else if (b >= first_bucket_ + static_cast<std::int64_t>(counts_.size())) {
        counts_.resize(static_cast<std::size_t>(b - first_bucket_ + 1), 0);
    }
    return counts_[static_cast<std::size_t>(b - first_bucket_)];
}

double Histogram::percentile(double q) const {
    if (count_ == 0) return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    if (rank <= zeros_) return 0.0;
    std::uint64_t seen = zeros_;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank)
            return std::clamp(midpoint_of(first_bucket_ + static_cast<std::int64_t>(i)), min_, max_);
    }
    return max_;
}

void Histogram::merge(const Histogram& other) {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < other.counts_.size(); ++i) {
        if (other.counts_[i] == 0) continue;
        const double v = midpoint_of(other.first_bucket_ + static_cast<std::int64_t>(i));
        const std::int64_t b = bucket_of(v);
        counter_for(b) += other.counts_[i];
    }
    zeros_ += other.zeros_;
    count_ += other.count_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

}  // namespace factorysim::metrics
