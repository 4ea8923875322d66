#include <catch2/catch.hpp>

#include "factorysim/core/time.hpp"

using namespace factorysim;
using namespace factorysim::literals;

TEST_CASE("time is integer nanoseconds with unit literals", "[time]") {
    REQUIRE((1_s).ns() == 1'000'000'000);
    REQUIRE((2_h).ns() == 7'200'000'000'000);
    REQUIRE((1_days) == 24_h);
    REQUIRE((1_min + 30_s).seconds() == 90.0);
    REQUIRE(Time::zero() + 5_ms - Time::zero() == 5_ms);
    REQUIRE(Time::zero() + 1_us < Time::zero() + 1001_ns);
}

TEST_CASE("a year of nanoseconds is exact where a double clock would not be", "[time]") {
    const Time year = Time::zero() + 365_days;
    REQUIRE((year + 1_ns) - year == 1_ns);
    // The same step in double seconds is lost to rounding: the reason time is an integer.
    const double year_s = year.seconds();
    REQUIRE(year_s + 1e-9 == year_s);
}

TEST_CASE("conversion from seconds rounds to the nearest nanosecond and saturates", "[time]") {
    REQUIRE(Duration::from_seconds(1.5e-9).ns() == 2);
    REQUIRE(Duration::from_seconds(0.1).ns() == 100'000'000);
    REQUIRE(Duration::from_seconds(1e300) == Duration::max());
}

TEST_CASE("durations and times format for people and for logs", "[time]") {
    REQUIRE(to_string(250_ns) == "250 ns");
    REQUIRE(to_string(1500_us) == "1.5 ms");
    REQUIRE(to_string(90_min) == "1.5 h");
    REQUIRE(to_clock_string(Time::zero() + 1_days + 2_h + 3_min + 4_s + 5_ns) == "1:02:03:04.000000005");
}
