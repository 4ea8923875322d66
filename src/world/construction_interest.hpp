// Interest during construction (docs/models/cost.md#interest-during-construction): the cost
// of the capital that is spent before it earns, carried at the financing rate r from spend
// to service, simple interest:
//
//   IDC = r / 8,760 h x sum over racks k of [ C_IT,k x (j_k - t_k) + C_site,k x (j_k - t_0 + T_build / 2) ]
//
// t_k: rack k delivered (its price, network, storage and installation share paid then);
// j_k: in service (after installation and burn-in); t_0: the first delivery; T_build: the
// site's construction before it, over which the facility and cooling plant (C_site,k: the
// rack's share by full-load power) are spent evenly, so on average T_build / 2 before t_0.
// Hours throughout; with every rack in service at time zero, IDC = r C_site T_build / 2.
#pragma once

#include <vector>

namespace factorysim::world {

struct RackCapital {
    double it_usd = 0.0;       // rack + its network, storage and installation share
    double site_usd = 0.0;     // its share of the facility and the cooling plant
    double delivered_h = 0.0;  // t_k
    double in_service_h = 0.0; // j_k
};

double interest_during_construction_usd(const std::vector<RackCapital>& racks, double rate_per_year,
                                        double first_delivery_h, double build_h);

}  // namespace factorysim::world
