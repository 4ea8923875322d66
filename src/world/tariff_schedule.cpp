#include "world/tariff_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace factorysim::world {
namespace {

constexpr std::int64_t hour_ns = 3'600'000'000'000;
constexpr std::int64_t day_ns = 24 * hour_ns;

// The same rounding as the loader's coverage check (scenario/tariff_reader.cpp).
std::int64_t hour_of_day_ns(double hour) { return std::llround(hour * 3.6e12); }

}  // namespace

TariffSchedule::TariffSchedule(const scenario::Site& site) {
    using Kind = scenario::Tariff::Kind;
    const auto& tariff = site.tariff;
    std::vector<std::pair<std::int64_t, double>> steps;
    if (tariff.kind == Kind::Flat) {
        cycle_ns_ = day_ns;
        steps.emplace_back(0, site.electricity_usd_per_kwh);
    } else if (tariff.kind == Kind::Hourly) {
        cycle_ns_ = static_cast<std::int64_t>(tariff.hourly_usd_per_kwh.size()) * hour_ns;
        for (std::size_t h = 0; h < tariff.hourly_usd_per_kwh.size(); ++h)
            steps.emplace_back(static_cast<std::int64_t>(h) * hour_ns, tariff.hourly_usd_per_kwh[h]);
    } else {
        using Days = scenario::TariffPeriod::Days;
        const bool weekly = std::any_of(tariff.periods.begin(), tariff.periods.end(),
                                        [](const auto& p) { return p.days != Days::All; });
        const int days = weekly ? 7 : 1;
        cycle_ns_ = days * day_ns;
        for (int d = 0; d < days; ++d) {
            const bool weekend = (tariff.start_day_of_week + d) % 7 >= 5;  // 0 = Monday
            for (const auto& p : tariff.periods)
                if (p.days == Days::All || (p.days == Days::Weekend) == weekend)
                    steps.emplace_back(d * day_ns + hour_of_day_ns(p.from_hour), p.usd_per_kwh);
        }
        std::sort(steps.begin(), steps.end());
    }
    // Neighbours with the same price are one step: fewer splits of the energy integral.
    for (const auto& [start, price] : steps) {
        if (!usd_per_kwh_.empty() && usd_per_kwh_.back() == price) continue;
        starts_ns_.push_back(start);
        usd_per_kwh_.push_back(price);
    }
}

TariffSchedule::Step TariffSchedule::at(Time t) const {
    const std::int64_t offset = t.ns() % cycle_ns_;
    const auto next = std::upper_bound(starts_ns_.begin(), starts_ns_.end(), offset);
    const auto i = static_cast<std::size_t>(next - starts_ns_.begin()) - 1;
    const std::int64_t end_offset = next == starts_ns_.end() ? cycle_ns_ : *next;
    return {usd_per_kwh_[i], t + Duration::from_ns(end_offset - offset)};
}

}  // namespace factorysim::world
