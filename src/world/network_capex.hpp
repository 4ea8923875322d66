// Bottom-up capex of the scale-out network from the fat tree sized for the factory
// (docs/models/cost.md#network-capex):
//   switches     = sum over tiers of the tree's switches
//   links        = host links (GPUs x switch ports per NIC) + switch-to-switch links
//   transceivers = host links x host_link_transceivers + 2 x switch-to-switch links
//   capex        = switches x switch_usd[model] + transceivers x transceiver_usd_per_port[model]
//                + links x cable_usd_per_link
// NICs are part of the rack price and not counted here.
#pragma once

#include <string>

#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::world {

// What the fabric model sized (FabricState::inventory): one switch model for every tier.
struct FabricInventory {
    std::string switch_model;
    long long switches = 0;
    long long host_links = 0;    // NIC ports to leaf ports
    long long switch_links = 0;  // leaf-spine and spine-core
};

// The bottom-up figures; `inventory` absent (one NVLink domain, no scale-out tree) gives zeros.
// Throws ModelError if the switch model has no price (the schema gives every built-in one).
report::NetworkCapexReport bottom_up_network_capex(const scenario::NetworkCost& cost,
                                                   const FabricInventory* inventory);

}  // namespace factorysim::world
