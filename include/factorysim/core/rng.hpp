// Reproducible random streams and the project's own distributions.
//
// Generator: xoshiro256** (Blackman & Vigna 2018, https://prng.di.unimi.it/), 256-bit state,
// period 2^256-1. Stream derivation: the state is four outputs of SplitMix64 started at
//     key = splitmix64(splitmix64(seed) ^ fnv1a64(name))
// so every (seed, name) pair gets an independent-looking stream and adding a stream never
// shifts another one (unlike drawing sub-seeds from one master generator in order).
//
// Distributions are written out here because std::*_distribution algorithms differ
// between standard libraries (libstdc++ vs libc++ vs MSVC), which would make reports
// differ by platform. What remains platform-dependent is the last bit of libm's log, exp,
// cos and pow; glibc's are correctly rounded in practice, and the golden tests run on
// Debian's glibc.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <string_view>
#include <vector>

namespace factorysim {

constexpr std::uint64_t fnv1a64(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

constexpr std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// 128-bit product for Lemire's method; __extension__ keeps -Wpedantic quiet on GCC/Clang.
__extension__ using uint128_t = unsigned __int128;

class RandomStream {
public:
    RandomStream(std::uint64_t seed, std::string_view name) {
        std::uint64_t a = seed;
        std::uint64_t key = splitmix64(a) ^ fnv1a64(name);
        std::uint64_t b = key;
        for (auto& word : s_) word = splitmix64(b);
    }

    std::uint64_t next_u64() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform on [0, 1) with 53 random bits.
    double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    // Uniform on (0, 1]: safe to take the logarithm of.
    double uniform_open0() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

    // Uniform integer in [0, n), unbiased (Lemire 2019, multiply-and-reject). n > 0.
    std::uint64_t uniform_int(std::uint64_t n) {
        uint128_t m = static_cast<uint128_t>(next_u64()) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<uint128_t>(next_u64()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    bool bernoulli(double p) { return uniform01() < p; }

    // Exponential with the given mean (inverse transform).
    double exponential(double mean) { return -mean * std::log(uniform_open0()); }

    // Normal by Box-Muller, one variate per call (no cached state: a stream's next value
    // never depends on which distribution was drawn before).
    double normal(double mean, double stddev) {
        const double r = std::sqrt(-2.0 * std::log(uniform_open0()));
        return mean + stddev * r * std::cos(2.0 * std::numbers::pi * uniform01());
    }

    // Lognormal: exp(N(mu, sigma)) with mu, sigma of the underlying normal.
    double lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }

    // Weibull with shape k and scale lambda: lambda * (-ln U)^(1/k). Mean = lambda*Gamma(1+1/k).
    double weibull(double shape, double scale) {
        return scale * std::pow(-std::log(uniform_open0()), 1.0 / shape);
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

// Discrete distribution over indices 0..n-1 with the given non-negative weights, sampled in
// O(1) by Walker/Vose's alias method. Construction validates the weights.
class DiscreteDistribution {
public:
    explicit DiscreteDistribution(std::span<const double> weights);
    std::size_t sample(RandomStream& rng) const;
    std::size_t size() const { return prob_.size(); }
    double probability(std::size_t i) const { return normalised_[i]; }

private:
    std::vector<double> prob_;
    std::vector<std::size_t> alias_;
    std::vector<double> normalised_;
};

}  // namespace factorysim
