// A monotonically increasing count or sum (events, tokens, failures, joules).
#pragma once

#include <cstdint>

namespace factorysim::metrics {

class Counter {
public:
    void add(double amount = 1.0) { value_ += amount; ++updates_; }
    double value() const { return value_; }
    std::uint64_t updates() const { return updates_; }

private:
    double value_ = 0.0;
    std::uint64_t updates_ = 0;
};

}  // namespace factorysim::metrics
