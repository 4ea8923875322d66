// Exact time integral and average of a piecewise-constant signal (power, utilisation,
// queue length): between two set() calls the value is constant, so
//     integral = sum_i value_i * (t_{i+1} - t_i)
// with no sampling error. Accumulated in long double over integer nanoseconds so that a
// year of 1 ns steps still sums exactly enough for 1e-9 relative energy balances.
#pragma once

#include <algorithm>
#include <limits>

#include "factorysim/core/error.hpp"
#include "factorysim/core/time.hpp"

namespace factorysim::metrics {

class TimeWeightedAverage {
public:
    explicit TimeWeightedAverage(Time start = Time::zero(), double initial = 0.0)
        : start_(start), last_(start), value_(initial), min_(initial), max_(initial) {}

    // The signal takes `value` from time t on. t must not go backwards.
    void set(Time t, double value) {
        advance(t);
        value_ = value;
        min_ = std::min(min_, value);
        max_ = std::max(max_, value);
    }

    double current() const { return value_; }
    double min() const { return min_; }
    double max() const { return max_; }
    Time start() const { return start_; }

    // Integral of the signal over [start, until], in value x seconds.
    double integral_seconds(Time until) const {
        return static_cast<double>((integral_ns_ + pending_ns(until)) * 1e-9L);
    }

    // Average over [start, until]; the current value if the window is empty.
    double average(Time until) const {
        const auto span = (until - start_).ns();
        if (span <= 0) return value_;
        return static_cast<double>((integral_ns_ + pending_ns(until)) / static_cast<long double>(span));
    }

private:
    void advance(Time t) {
        if (t < last_) throw ModelError("time-weighted average updated backwards in time");
        integral_ns_ += static_cast<long double>(value_) * static_cast<long double>((t - last_).ns());
        last_ = t;
    }
    long double pending_ns(Time until) const {
        if (until <= last_) return 0.0L;
        return static_cast<long double>(value_) * static_cast<long double>((until - last_).ns());
    }

    Time start_;
    Time last_;
    double value_;
    double min_;
    double max_;
    long double integral_ns_ = 0.0L;
};

}  // namespace factorysim::metrics
