// The deployment plan (models/deployment_ramp.hpp): delivery schedules, site-power gating
// and burn-in failures against their closed forms and statistics.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "factorysim/models/deployment_ramp.hpp"

namespace fm = factorysim::models;
namespace sc = factorysim::scenario;

namespace {

constexpr double rack_w = 140e3;

std::vector<double> racks(int n, double w = rack_w) { return std::vector<double>(static_cast<std::size_t>(n), w); }

}  // namespace

TEST_CASE("deployment plan: weekly batches arrive together every 168 h, the last one short") {
    sc::Deployment d;
    d.racks_per_week = 4;
    d.start_hours = 24;
    d.install_hours = 8;
    d.burn_in_hours = 24;
    const auto plan = fm::plan_deployment(d, racks(10), 1, 1e6);
    for (int k = 0; k < 10; ++k) {
        const auto& r = plan.racks[static_cast<std::size_t>(k)];
        INFO("rack " << k);
        CHECK(r.delivered_h == 24.0 + (k / 4) * 168.0);
        CHECK(r.energised_h == r.delivered_h + 8.0);
        CHECK(r.joined_h == r.delivered_h + 32.0);
    }
    CHECK(plan.racks_never_energised == 0);
}

TEST_CASE("deployment plan: a delivery list brings the next racks in scenario order") {
    sc::Deployment d;
    d.deliveries = {{5, 2}, {50, 3}, {50, 1}, {300, 2}};
    d.install_hours = 4;
    d.burn_in_hours = 12;
    const auto plan = fm::plan_deployment(d, racks(8), 1, 1e6);
    const std::vector<double> delivered = {5, 5, 50, 50, 50, 50, 300, 300};
    for (std::size_t k = 0; k < 8; ++k) {
        CHECK(plan.racks[k].delivered_h == delivered[k]);
        CHECK(plan.racks[k].joined_h == delivered[k] + 16.0);
    }
    // A list that is short (the loader refuses it) leaves the rest undelivered, never joining.
    const auto short_plan = fm::plan_deployment(d, racks(9), 1, 1e6);
    CHECK(std::isinf(short_plan.racks[8].delivered_h));
    CHECK(std::isinf(short_plan.racks[8].joined_h));
}

TEST_CASE("deployment plan: racks are energised in order when the site's power and cooling cover them") {
    sc::Deployment d;
    d.racks_per_day = 24;  // one an hour
    d.install_hours = 2;
    d.burn_in_hours = 10;
    const double mw = rack_w / 1e6;
    // Capacity min(power, cooling): 2 racks from 5 h, 5 from 40 h (cooling binds), 8 from 100 h.
    d.site_phases = {{5, 2 * mw, 3 * mw}, {40, 9 * mw, 5 * mw}, {100, 9 * mw, 8 * mw}};
    CHECK(fm::site_capacity_w(d, 4.9) == 0.0);
    CHECK(fm::site_capacity_w(d, 40) == Approx(5 * rack_w));
    const auto plan = fm::plan_deployment(d, racks(8), 1, 1e6);
    const std::vector<double> energised = {5, 5, 40, 40, 40, 100, 100, 100};
    double waiting_h = 0.0;
    for (std::size_t k = 0; k < 8; ++k) {
        INFO("rack " << k);
        CHECK(plan.racks[k].installed_h == static_cast<double>(k) + 2.0);
        CHECK(plan.racks[k].energised_h == energised[k]);
        CHECK(plan.racks[k].joined_h == energised[k] + 10.0);
        waiting_h += plan.racks[k].energised_h - plan.racks[k].installed_h;
    }
    CHECK(waiting_h == Approx(386.0));
    CHECK(plan.full_load_w == Approx(8 * rack_w));

    SECTION("a site that never grows big enough leaves the last racks unenergised") {
        d.site_phases.back().cooling_mw = 6.5 * mw;
        const auto short_site = fm::plan_deployment(d, racks(8), 1, 1e6);
        CHECK(short_site.racks_never_energised == 2);
        CHECK(short_site.racks[5].energised_h == 100.0);
        CHECK(std::isinf(short_site.racks[6].energised_h));
        CHECK(std::isinf(short_site.racks[7].joined_h));
    }
    SECTION("a bigger rack waits and holds the smaller ones behind it") {
        auto w = racks(8);
        w[2] = 3 * rack_w;  // needs 5 racks' worth with racks 0 and 1
        const auto mixed = fm::plan_deployment(d, w, 1, 1e6);
        CHECK(mixed.racks[2].energised_h == 40.0);
        CHECK(mixed.racks[3].energised_h == 100.0);  // 6 racks' worth from 100 h only
    }
}

TEST_CASE("deployment plan: burn-in failures are geometric with the stated probability, and reproducible") {
    sc::Deployment d;
    d.racks_per_day = 100;
    d.install_hours = 8;
    d.burn_in_hours = 24;
    d.burn_in_failure_probability = 0.2;
    d.burn_in_repair_hours = 6;
    const int n = 20000;
    const auto plan = fm::plan_deployment(d, racks(n), 7, 1e9);
    const double p = d.burn_in_failure_probability, b = d.burn_in_hours;
    double failures = 0, first_attempt_failures = 0, t_sum = 0;
    for (const auto& r : plan.racks) {
        failures += static_cast<double>(r.burn_in_failures.size());
        first_attempt_failures += r.burn_in_failures.empty() ? 0 : 1;
        double delay = 0;
        for (const auto& f : r.burn_in_failures) {
            const double t = f.failed_h - f.attempt_start_h;
            REQUIRE(t >= 0.0);
            REQUIRE(t < b);
            REQUIRE(f.repaired_h - f.failed_h == Approx(6.0));
            t_sum += t;
            delay += t + 6.0;
        }
        // Each failure delays the join by its part of the attempt plus the repair.
        REQUIRE(r.joined_h == Approx(r.energised_h + delay + b));
    }
    // Racks failing their first attempt: binomial(n, p), within 4 standard deviations.
    CHECK(std::abs(first_attempt_failures - n * p) < 4 * std::sqrt(n * p * (1 - p)));
    // All failures: a sum of n geometric counts, mean p / (1 - p), variance p / (1 - p)^2.
    CHECK(std::abs(failures - n * p / (1 - p)) < 4 * std::sqrt(n * p) / (1 - p));
    // When in the attempt: constant hazard conditioned on failing, E[t] = B (1/-ln(1-p) - (1-p)/p).
    const double mean_t = b * (1.0 / -std::log1p(-p) - (1 - p) / p);
    CHECK(t_sum / failures == Approx(mean_t).epsilon(0.03));
    CHECK(mean_t < b / 2);  // a constant hazard fails early more often than late

    const auto again = fm::plan_deployment(d, racks(n), 7, 1e9);
    const auto other = fm::plan_deployment(d, racks(n), 8, 1e9);
    bool same = true, differs = false;
    for (std::size_t k = 0; k < plan.racks.size(); ++k) {
        same = same && again.racks[k].joined_h == plan.racks[k].joined_h;
        differs = differs || other.racks[k].joined_h != plan.racks[k].joined_h;
    }
    CHECK(same);
    CHECK(differs);
}

TEST_CASE("deployment plan: no burn-in failures and no site phases give today's ramp exactly") {
    sc::Deployment d;
    d.racks_per_day = 3;
    d.start_hours = 7;
    d.install_hours = 48;
    d.burn_in_hours = 72;
    const auto plan = fm::plan_deployment(d, racks(5), 1, 100);
    for (int k = 0; k < 5; ++k) {
        const double delivered = 7 + static_cast<double>(k) * 24.0 / 3;
        CHECK(plan.racks[static_cast<std::size_t>(k)].joined_h == delivered + 48 + 72);
        CHECK(plan.racks[static_cast<std::size_t>(k)].burn_in_failures.empty());
    }
}
