#include "factorysim/core/rng.hpp"

#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim {

DiscreteDistribution::DiscreteDistribution(std::span<const double> weights) {
    const std::size_t n = weights.size();
    if (n == 0) throw UsageError("a discrete distribution needs at least one weight");
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!(weights[i] >= 0.0) || !std::isfinite(weights[i]))
            throw UsageError(fmt::format("discrete distribution weight {} is {}; expected a finite number >= 0", i,
                                         weights[i]));
        total += weights[i];
    }
    if (!(total > 0.0)) throw UsageError("discrete distribution weights sum to zero");

    normalised_.resize(n);
    prob_.assign(n, 0.0);
    alias_.assign(n, 0);
    std::vector<double> scaled(n);
    std::vector<std::size_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
        normalised_[i] = weights[i] / total;
        scaled[i] = normalised_[i] * static_cast<double>(n);
        (scaled[i] < 1.0 ? small : large).push_back(i);
    }
    // Vose's stable variant: pair each under-full column with an over-full one.
    while (!small.empty() && !large.empty()) {
        const std::size_t s = small.back();
        small.pop_back();
        const std::size_t l = large.back();
        prob_[s] = scaled[s];
        alias_[s] = l;
        scaled[l] = (scaled[l] + scaled[s]) - 1.0;
        if (scaled[l] < 1.0) {
            large.pop_back();
            small.push_back(l);
        }
    }
    for (const std::size_t i : large) prob_[i] = 1.0;
    for (const std::size_t i : small) prob_[i] = 1.0;  // rounding leftovers
}

std::size_t DiscreteDistribution::sample(RandomStream& rng) const {
    const std::size_t column = static_cast<std::size_t>(rng.uniform_int(prob_.size()));
    return rng.uniform01() < prob_[column] ? column : alias_[column];
}

}  // namespace factorysim
