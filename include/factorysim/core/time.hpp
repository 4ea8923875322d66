// Simulated time as an integer count of nanoseconds.
//
// Why integers: floating-point time loses resolution as the clock advances (at one
// simulated year a double resolves only ~4 us), which reorders "simultaneous" events and
// breaks reproducibility. int64 nanoseconds span +/-292 years exactly.
//
// Duration is a signed span; Time is a point measured from the start of the simulation.
// Conversions to and from seconds are explicit and named.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace factorysim {

class Duration {
public:
    constexpr Duration() = default;
    static constexpr Duration from_ns(std::int64_t ns) { return Duration(ns); }
    // Rounds to the nearest nanosecond; saturates outside the int64 range (NaN -> max).
    static Duration from_seconds(double seconds);
    static constexpr Duration max() { return Duration(std::numeric_limits<std::int64_t>::max()); }
    static constexpr Duration zero() { return Duration(0); }

    constexpr std::int64_t ns() const { return ns_; }
    constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
    constexpr double hours() const { return static_cast<double>(ns_) / 3.6e12; }

    constexpr auto operator<=>(const Duration&) const = default;
    constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
    constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
    constexpr Duration operator-() const { return Duration(-ns_); }
    constexpr Duration operator*(std::int64_t k) const { return Duration(ns_ * k); }
    constexpr Duration operator/(std::int64_t k) const { return Duration(ns_ / k); }
    constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
    constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }

private:
    constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
    std::int64_t ns_ = 0;
};

class Time {
public:
    constexpr Time() = default;
    static constexpr Time from_ns(std::int64_t ns) { return Time(ns); }
    static Time from_seconds(double seconds) { return Time(Duration::from_seconds(seconds).ns()); }
    static constexpr Time zero() { return Time(0); }
    static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

    constexpr std::int64_t ns() const { return ns_; }
    constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
    constexpr double hours() const { return static_cast<double>(ns_) / 3.6e12; }
    constexpr Duration since_start() const { return Duration::from_ns(ns_); }

    constexpr auto operator<=>(const Time&) const = default;
    constexpr Time operator+(Duration d) const { return Time(ns_ + d.ns()); }
    constexpr Time operator-(Duration d) const { return Time(ns_ - d.ns()); }
    constexpr Duration operator-(Time o) const { return Duration::from_ns(ns_ - o.ns_); }
    constexpr Time& operator+=(Duration d) { ns_ += d.ns(); return *this; }

private:
    constexpr explicit Time(std::int64_t ns) : ns_(ns) {}
    std::int64_t ns_ = 0;
};

// Human-readable forms: "1.5 ms", "3 h 20 min 5.000000001 s" style is avoided in favour of
// one unit chosen by magnitude, with enough digits to be exact for whole units.
std::string to_string(Duration d);
std::string to_string(Time t);

// "1:02:03:04.000000005" = days:hours:minutes:seconds, exact to the nanosecond; used in
// logs and traces where exactness matters more than brevity.
std::string to_clock_string(Time t);

namespace literals {
constexpr Duration operator""_ns(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_us(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 1'000); }
constexpr Duration operator""_ms(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 1'000'000); }
constexpr Duration operator""_s(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 1'000'000'000); }
constexpr Duration operator""_min(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 60'000'000'000); }
constexpr Duration operator""_h(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 3'600'000'000'000); }
constexpr Duration operator""_days(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 86'400'000'000'000); }
}  // namespace literals

constexpr Duration nanoseconds(std::int64_t v) { return Duration::from_ns(v); }
constexpr Duration microseconds(std::int64_t v) { return Duration::from_ns(v * 1'000); }
constexpr Duration milliseconds(std::int64_t v) { return Duration::from_ns(v * 1'000'000); }
constexpr Duration whole_seconds(std::int64_t v) { return Duration::from_ns(v * 1'000'000'000); }
constexpr Duration whole_hours(std::int64_t v) { return Duration::from_ns(v * 3'600'000'000'000); }

}  // namespace factorysim
