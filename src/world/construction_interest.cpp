#include "world/construction_interest.hpp"

namespace factorysim::world {

double interest_during_construction_usd(const std::vector<RackCapital>& racks, double rate_per_year,
                                        double first_delivery_h, double build_h) {
    double usd_hours = 0.0;  // capital x hours carried
    for (const auto& r : racks)
        usd_hours += r.it_usd * (r.in_service_h - r.delivered_h) +
                     r.site_usd * (r.in_service_h - first_delivery_h + build_h / 2.0);
    return rate_per_year / 8760.0 * usd_hours;
}

}  // namespace factorysim::world
