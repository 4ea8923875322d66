// The factory's fabric as the world sees it (docs/models/fabric.md): the scale-out fat
// tree sized for all GPUs, per-tier traffic for the report, and, with the flow-level
// model, each training job's share of NIC bandwidth from max-min fair sharing of the fat
// tree among the running jobs' inter-domain collective flows.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/fabric/scale_out.hpp"
#include "factorysim/fabric/topology.hpp"
#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "world/network_capex.hpp"

namespace factorysim::world {

// A training job's placement and traffic, as the fabric needs it.
struct FabricJob {
    std::vector<std::pair<int, int>> racks;  // (rack index, GPUs there), in rack order
    int gpus = 0;
    int data_parallel_domains = 1;           // NVLink domains one DP group spans
    double scale_out_bytes = 0.0;            // sent through NICs so far, all its GPUs
};

class FabricState {
public:
    FabricState(const scenario::Fabric& fabric, const std::vector<const catalog::RackSpec*>& racks,
                std::set<std::string>& warnings);

    bool flow_model() const { return flow_model_; }
    // Per job: the achieved per-GPU NIC rate over the line rate of its slowest ring flow,
    // when all running multi-domain jobs communicate at once (1 for single-domain jobs).
    std::vector<double> flow_shares(const std::vector<FabricJob>& jobs);

    report::FabricSection report(const std::vector<FabricJob>& jobs, double seconds) const;
    // The sized tree's switches and links for the network capex; empty without a scale-out tree.
    std::optional<FabricInventory> inventory() const;

private:
    const scenario::Fabric* fabric_;
    bool flow_model_ = false;
    int gpus_per_rack_ = 0;
    int domain_gpus_ = 1;
    int hosts_ = 0;
    double nic_bytes_per_s_ = 0.0;
    double nvlink_bytes_per_s_ = 0.0;
    fabric::SwitchSpec switch_;
    std::optional<fabric::FatTreeSize> size_;
    std::unique_ptr<fabric::Topology> topology_;  // built on first use (flow model)
};

}  // namespace factorysim::world
