// What owning an asset costs per period (docs/models/cost.md#capital-charge):
//   straight line (rate 0):  capex / life per year
//   financed (rate r > 0):   capex x CRF(r, life) per year, the annuity that repays the capex
//                            and its interest over the life:
//                            CRF(r, n) = r (1 + r)^n / ((1 + r)^n - 1)
// Both are charged pro rata to the simulated period, also past the life (as if the asset
// were replaced at the same price).
#pragma once

namespace factorysim::world {

// Annual payment per USD of capex; 1 / life_years at rate 0.
double capital_recovery_factor(double rate_per_year, double life_years);

double capital_charge_usd(double capex_usd, double life_years, double rate_per_year, double years);

}  // namespace factorysim::world
