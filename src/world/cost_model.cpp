#include "world/cost_model.hpp"

#include <map>

#include <fmt/format.h>

#include "factorysim/models/rack_power.hpp"
#include "world/capital_charge.hpp"
#include "world/construction_interest.hpp"

namespace factorysim::world {

report::CostSection compute_cost(const scenario::Cost& cost, const CostInputs& in, std::set<std::string>& warnings) {
    report::CostSection c;
    double rack_capex = 0.0, critical_mw = 0.0;
    int gpus = 0;
    std::vector<RackCapital> carried;  // what each rack's capital costs before it serves
    for (std::size_t k = 0; k < in.racks.size(); ++k) {
        const auto* r = in.racks[k];
        double price = 0.0;
        if (cost.rack_price_usd > 0.0) {
            price = cost.rack_price_usd;
        } else if (r->price_usd) {
            price = r->price_usd->value;
        } else {
            warnings.insert(fmt::format("no catalog price for {}; set cost.rack_price_usd", r->name));
        }
        const double mw = models::full_load_power_kw(*r) / 1e3;
        rack_capex += price;
        critical_mw += mw;
        gpus += r->gpu_count();
        RackCapital rc;
        rc.it_usd = price;  // completed below, once the network is priced
        rc.site_usd = (cost.facility_usd_per_mw + cost.cooling_usd_per_mw) * mw;
        rc.delivered_h = k < in.delivered_hours.size() ? in.delivered_hours[k] : 0.0;
        rc.in_service_h = k < in.in_service_hours.size() ? in.in_service_hours[k] : 0.0;
        carried.push_back(rc);
    }
    c.network = bottom_up_network_capex(cost.network, in.fabric ? &*in.fabric : nullptr);
    const bool bottom_up = cost.network.model == "bottom_up";
    const double network = bottom_up ? c.network.bottom_up_usd : cost.network_fraction * rack_capex;
    // Each rack's IT capital is paid at its delivery: its price, installation and storage, and
    // its share of the network (the fraction of its price, or the tree's cost per GPU).
    for (std::size_t k = 0; k < carried.size(); ++k) {
        const double price = carried[k].it_usd;
        const int rack_gpus = in.racks[k]->gpu_count();
        carried[k].it_usd = bottom_up ? price * (1.0 + cost.installation_fraction) +
                                            (gpus > 0 ? network * rack_gpus / gpus : 0.0) +
                                            cost.storage_usd_per_gpu * rack_gpus
                                      : price * (1.0 + cost.network_fraction + cost.installation_fraction) +
                                            cost.storage_usd_per_gpu * rack_gpus;
    }
    const double storage = cost.storage_usd_per_gpu * gpus;
    const double installation = cost.installation_fraction * rack_capex;
    const double facility = cost.facility_usd_per_mw * critical_mw;
    const double cooling = cost.cooling_usd_per_mw * critical_mw;
    c.capex_breakdown_usd = {{"racks", rack_capex},
                             {"network", network},
                             {"storage", storage},
                             {"installation", installation},
                             {"facility", facility},
                             {"cooling", cooling}};
    const double it_capex = rack_capex + network + storage + installation;
    c.capex_usd = it_capex + facility + cooling;
    c.interest_during_construction_usd = interest_during_construction_usd(
        carried, cost.financing_rate_per_year, in.first_delivery_hours, in.site_build_hours);
    c.initial_investment_usd = c.capex_usd + c.interest_during_construction_usd;

    const double years = in.hours / 8760.0;
    const std::map<std::string, double> life_years = {{"racks", cost.lives.racks_years},
                                                      {"network", cost.lives.network_years},
                                                      {"storage", cost.lives.storage_years},
                                                      {"installation", cost.lives.installation_years},
                                                      {"facility", cost.lives.facility_years},
                                                      {"cooling", cost.lives.cooling_years}};
    for (const auto& [asset, capex] : c.capex_breakdown_usd) {
        const double charge = capital_charge_usd(capex, life_years.at(asset), cost.financing_rate_per_year, years);
        c.depreciation_breakdown_usd[asset] = charge;
        c.depreciation_usd += charge;
    }

    c.energy_cost_usd = in.energy_cost_usd;
    c.energy_usd_per_kwh_avg = in.facility_energy_mwh > 0 ? in.energy_cost_usd / (in.facility_energy_mwh * 1e3) : 0.0;
    c.maintenance_usd = cost.maintenance_fraction_per_year * it_capex * years;
    c.staff_usd = cost.staff_usd_per_year * years;
    c.colocation_usd = cost.colocation_usd_per_kw_month * critical_mw * 1e3 * years * 12.0;
    c.opex_usd = c.energy_cost_usd + c.maintenance_usd + c.staff_usd + c.colocation_usd;
    c.tco_usd = c.depreciation_usd + c.opex_usd;
    c.tco_annualized_usd = years > 0 ? c.tco_usd / years : 0.0;

    const auto& u = in.utilization;
    c.usd_per_gpu_hour = u.gpu_hours > 0 ? c.tco_usd / u.gpu_hours : 0.0;
    c.usd_per_allocated_gpu_hour = u.allocated_gpu_hours > 0 ? c.tco_usd / u.allocated_gpu_hours : 0.0;
    c.usd_per_busy_gpu_hour = u.busy_gpu_hours > 0 ? c.tco_usd / u.busy_gpu_hours : 0.0;
    c.usd_per_million_tokens = in.tokens > 0 ? c.tco_usd / in.tokens * 1e6 : 0.0;
    c.usd_per_million_inference_tokens =
        in.inference_tokens > 0
            ? workload_cost_usd(c, in.inference_allocated_gpu_hours) / in.inference_tokens * 1e6
            : 0.0;
    return c;
}

double workload_cost_usd(const report::CostSection& cost, double allocated_gpu_hours) {
    return cost.usd_per_allocated_gpu_hour * allocated_gpu_hours;
}

}  // namespace factorysim::world
