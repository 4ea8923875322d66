#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "factorysim/core/rng.hpp"
#include "factorysim/metrics/counter.hpp"
#include "factorysim/metrics/histogram.hpp"
#include "factorysim/metrics/time_series.hpp"
#include "factorysim/metrics/time_weighted_average.hpp"

using namespace factorysim;
using namespace factorysim::literals;
using factorysim::metrics::Histogram;
using factorysim::metrics::TimeWeightedAverage;

TEST_CASE("time-weighted average of a piecewise-constant power trace is exact", "[metrics]") {
    // 100 kW for 2 h, 140 kW for 1 h, 0 for 1 h: energy 340 kWh, average 85 kW over 4 h.
    TimeWeightedAverage power_kw(Time::zero(), 100.0);
    power_kw.set(Time::zero() + 2_h, 140.0);
    power_kw.set(Time::zero() + 3_h, 0.0);
    const Time end = Time::zero() + 4_h;
    REQUIRE(power_kw.integral_seconds(end) / 3600.0 == 340.0);
    REQUIRE(power_kw.average(end) == 85.0);
    REQUIRE(power_kw.max() == 140.0);
    REQUIRE(power_kw.min() == 0.0);
    REQUIRE_THROWS_AS(power_kw.set(Time::zero() + 1_h, 5.0), ModelError);
}

TEST_CASE("time-weighted average stays exact over a year of nanosecond steps", "[metrics]") {
    TimeWeightedAverage u(Time::zero(), 0.0);
    // Alternate 1 and 0 every 1 ns for a million steps, then hold 1 for a year.
    Time t = Time::zero();
    for (int i = 0; i < 1'000'000; ++i) {
        u.set(t, (i % 2) ? 0.0 : 1.0);
        t += 1_ns;
    }
    u.set(t, 1.0);
    const Time end = t + 365_days;
    const double expected_ns = 500'000.0 + static_cast<double>((365_days).ns());
    REQUIRE(u.integral_seconds(end) * 1e9 == Approx(expected_ns).epsilon(1e-12));
}

TEST_CASE("histogram percentiles are within the stated relative error", "[metrics]") {
    Histogram h;
    RandomStream r(5, "latency");
    std::vector<double> xs;
    for (int i = 0; i < 100'000; ++i) {
        const double x = r.lognormal(std::log(0.2), 1.0);  // TTFT-like, seconds
        xs.push_back(x);
        h.record(x);
    }
    std::sort(xs.begin(), xs.end());
    for (const double q : {0.5, 0.9, 0.99, 0.999}) {
        const double exact = xs[static_cast<std::size_t>(std::ceil(q * xs.size())) - 1];
        REQUIRE(std::abs(h.percentile(q) - exact) / exact <= Histogram::max_relative_error);
    }
    REQUIRE(h.count() == 100'000);
    REQUIRE(h.min() == xs.front());
    REQUIRE(h.max() == xs.back());
    REQUIRE(h.percentile(1.0) == xs.back());
}

TEST_CASE("histogram handles zeros, merges, and rejects negative values", "[metrics]") {
    Histogram a, b;
    a.record(0.0, 3);
    a.record(10.0);
    b.record(1000.0, 4);
    a.merge(b);
    REQUIRE(a.count() == 8);
    REQUIRE(a.percentile(0.25) == 0.0);
    REQUIRE(a.percentile(1.0) == 1000.0);
    REQUIRE(a.mean() == Approx((10.0 + 4000.0) / 8));
    REQUIRE_THROWS_AS(a.record(-1.0), ModelError);
    REQUIRE_THROWS_AS(a.record(std::nan("")), ModelError);
}

TEST_CASE("a sampler records the settled state of each instant at its interval", "[metrics]") {
    Engine engine;
    metrics::TimeSeries series;
    metrics::Sampler sampler(engine, 15_min, series);
    double load = 0.0;
    sampler.add_probe("load", [&] { return load; });
    // The change at exactly 30 min is seen by the sample at 30 min (observers fire last).
    engine.schedule_at(Time::zero() + 30_min, [&] { load = 1.0; });
    sampler.start(Time::zero() + 1_h);
    engine.run(Time::zero() + 1_h);
    REQUIRE(series.rows() == 5);
    REQUIRE(series.column("load") == std::vector<double>{0, 0, 1, 1, 1});
    REQUIRE(series.time(4) == Time::zero() + 1_h);
    metrics::Counter c;
    c.add(2.5);
    c.add();
    REQUIRE(c.value() == 3.5);
}
