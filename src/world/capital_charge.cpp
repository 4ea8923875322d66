#include "world/capital_charge.hpp"

#include <cmath>

namespace factorysim::world {

double capital_recovery_factor(double rate_per_year, double life_years) {
    if (rate_per_year <= 0.0) return 1.0 / life_years;
    // r / (1 - (1 + r)^-n), with expm1/log1p so a rate near zero still tends to 1/n.
    return rate_per_year / -std::expm1(-life_years * std::log1p(rate_per_year));
}

double capital_charge_usd(double capex_usd, double life_years, double rate_per_year, double years) {
    return capex_usd * capital_recovery_factor(rate_per_year, life_years) * years;
}

}  // namespace factorysim::world
