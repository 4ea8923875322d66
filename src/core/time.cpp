#include "factorysim/core/time.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace factorysim {

Duration Duration::from_seconds(double seconds) {
    const double ns = seconds * 1e9;
    // Saturate rather than overflow: callers validate ranges; this keeps UB out of the engine.
    if (!(ns < 9.2e18)) return Duration::max();
    if (!(ns > -9.2e18)) return Duration(std::numeric_limits<std::int64_t>::min());
    // Round half away from zero without a libm call (this sits on models' hot paths).
    return Duration(static_cast<std::int64_t>(ns + (ns >= 0 ? 0.5 : -0.5)));
}

std::string to_string(Duration d) {
    const std::int64_t ns = d.ns();
    const std::int64_t mag = ns < 0 ? -ns : ns;
    if (mag < 1'000) return fmt::format("{} ns", ns);
    if (mag < 1'000'000) return fmt::format("{:g} us", static_cast<double>(ns) / 1e3);
    if (mag < 1'000'000'000) return fmt::format("{:g} ms", static_cast<double>(ns) / 1e6);
    if (mag < 3'600'000'000'000) return fmt::format("{:g} s", static_cast<double>(ns) / 1e9);
    if (mag < 86'400'000'000'000) return fmt::format("{:g} h", static_cast<double>(ns) / 3.6e12);
    return fmt::format("{:g} days", static_cast<double>(ns) / 8.64e13);
}

std::string to_string(Time t) { return "t=" + to_string(t.since_start()); }

std::string to_clock_string(Time t) {
    std::int64_t ns = t.ns();
    const char* sign = ns < 0 ? "-" : "";
    std::uint64_t mag = ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
    const std::uint64_t frac = mag % 1'000'000'000;
    std::uint64_t secs = mag / 1'000'000'000;
    const std::uint64_t days = secs / 86'400;
    secs %= 86'400;
    return fmt::format("{}{}:{:02}:{:02}:{:02}.{:09}", sign, days, secs / 3600, (secs / 60) % 60, secs % 60, frac);
}

}  // namespace factorysim
