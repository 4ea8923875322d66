#include "world/network_capex.hpp"

#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim::world {

namespace {

double price(const std::map<std::string, double>& prices, const std::string& model, const char* key) {
    const auto it = prices.find(model);
    if (it == prices.end()) throw ModelError(fmt::format("cost.network.{} has no price for switch \"{}\"", key, model));
    return it->second;
}

}  // namespace

report::NetworkCapexReport bottom_up_network_capex(const scenario::NetworkCost& cost,
                                                   const FabricInventory* inventory) {
    report::NetworkCapexReport out;
    out.model = cost.model;
    if (!inventory) return out;
    out.switch_model = inventory->switch_model;
    out.switches = inventory->switches;
    out.links = inventory->host_links + inventory->switch_links;
    // Switch-to-switch links run between racks or rows, beyond copper reach (and XDR has no
    // DAC at all): an optic at each end. Host links: as many ends as the scenario says.
    out.transceivers = inventory->host_links * cost.host_link_transceivers + 2 * inventory->switch_links;
    out.switches_usd = static_cast<double>(out.switches) * price(cost.switch_usd, out.switch_model, "switch_usd");
    out.transceivers_usd = static_cast<double>(out.transceivers) *
                           price(cost.transceiver_usd_per_port, out.switch_model, "transceiver_usd_per_port");
    out.cables_usd = static_cast<double>(out.links) * cost.cable_usd_per_link;
    out.bottom_up_usd = out.switches_usd + out.transceivers_usd + out.cables_usd;
    return out;
}

}  // namespace factorysim::world
