#include "world/fabric_state.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "factorysim/fabric/flow_model.hpp"

namespace factorysim::world {

FabricState::FabricState(const scenario::Fabric& fabric, const std::vector<const catalog::RackSpec*>& racks,
                         std::set<std::string>& warnings)
    : fabric_(&fabric), flow_model_(fabric.model == "flow") {
    if (racks.empty()) return;
    const auto* first = racks.front();
    gpus_per_rack_ = first->gpu_count();
    domain_gpus_ = std::max(1, first->domain_gpus());
    double nic_gbit = 0.0;
    for (const auto* r : racks) {
        hosts_ += r->gpu_count();
        nic_gbit = std::max(nic_gbit, r->gpu.scaleout_nic_gbit_per_s.value);
        if (r->name != first->name && flow_model_) {
            warnings.insert("fabric model \"flow\" lays every rack out like the first pod's; the pods mix rack types");
        }
    }
    nic_bytes_per_s_ = nic_gbit / 8.0 * 1e9;
    nvlink_bytes_per_s_ = first->gpu.nvlink_gb_per_s_per_direction.value * 1e9;
    switch_ = fabric::resolve_switch(fabric.scale_out_switch, nic_gbit);
    if (hosts_ > domain_gpus_ && nic_bytes_per_s_ > 0.0)
        size_ = fabric::size_fat_tree({hosts_, fabric::ports_per_nic(switch_, nic_gbit), switch_,
                                       fabric.oversubscription, fabric.tiers});
}

std::vector<double> FabricState::flow_shares(const std::vector<FabricJob>& jobs) {
    std::vector<double> shares(jobs.size(), 1.0);
    if (!flow_model_ || !size_) return shares;
    if (!topology_) {
        fabric::ClusterSpec c;
        c.domains = hosts_ / domain_gpus_;
        c.gpus_per_domain = domain_gpus_;
        c.nvlink_bytes_per_s = nvlink_bytes_per_s_;
        c.nic_bytes_per_s = nic_bytes_per_s_;
        c.leaf_switch = switch_;
        c.oversubscription = fabric_->oversubscription;
        c.tiers = fabric_->tiers;
        topology_ = std::make_unique<fabric::Topology>(fabric::Topology::cluster(c));
    }
    // Each multi-domain job: a ring over its racks' domains on every rail; the GPUs a job
    // holds in a rack are taken as the rack's first ones (the world places GPU chunks, not
    // GPU indices; docs/models/fabric.md).
    fabric::MaxMinProblem problem;
    for (int l = 0; l < topology_->links(); ++l) problem.capacity.push_back(topology_->link(l).capacity_bytes_per_s);
    std::vector<std::pair<int, int>> job_flows(jobs.size(), {0, 0});  // [first, last) flow index
    for (std::size_t j = 0; j < jobs.size(); ++j) {
        const auto& job = jobs[j];
        job_flows[j].first = problem.flows();
        if (job.data_parallel_domains <= 1 || job.racks.size() < 2) {
            job_flows[j].second = problem.flows();
            continue;
        }
        // Rail i of one rack sends to rail i of the next, for the rails both racks hold (a
        // partly held rack reduces inside its domain first: hierarchical collectives).
        const std::size_t k = job.racks.size();
        for (std::size_t d = 0; d < k; ++d) {
            const auto [rack, n] = job.racks[d];
            const auto [next_rack, next_n] = job.racks[(d + 1) % k];
            for (int i = 0; i < std::min(n, next_n); ++i) {
                const int src = rack * gpus_per_rack_ + i;
                const int dst = next_rack * gpus_per_rack_ + i;
                if (src >= hosts_ || dst >= hosts_) continue;
                const auto hash = static_cast<std::uint64_t>(j) * 1000003ULL + static_cast<std::uint64_t>(src);
                problem.add_flow(topology_->route(src, dst, hash));
            }
        }
        job_flows[j].second = problem.flows();
    }
    std::vector<double> rates;
    fabric::solve_max_min(problem, rates);
    for (std::size_t j = 0; j < jobs.size(); ++j) {
        const auto [first, last] = job_flows[j];
        if (first == last) continue;
        double slowest = nic_bytes_per_s_;
        for (int f = first; f < last; ++f) slowest = std::min(slowest, rates[static_cast<std::size_t>(f)]);
        shares[j] = std::clamp(slowest / nic_bytes_per_s_, 1e-6, 1.0);
    }
    return shares;
}

std::optional<FabricInventory> FabricState::inventory() const {
    if (!size_) return std::nullopt;
    FabricInventory inv;
    inv.switch_model = switch_.name;
    inv.switches = size_->switches();
    inv.host_links = static_cast<long long>(size_->hosts) * size_->ports_per_host;
    inv.switch_links = size_->optical_links();
    return inv;
}

report::FabricSection FabricState::report(const std::vector<FabricJob>& jobs, double seconds) const {
    report::FabricSection out;
    out.model = fabric_->model;
    if (!size_) return out;
    out.scale_out_switch = switch_.name;
    out.tiers = size_->tiers;
    out.oversubscription = fabric_->oversubscription;
    out.hosts = size_->hosts;
    out.switches = size_->switches();
    const double port = switch_.port_gbit_per_s / 8.0 * 1e9;
    const int k = switch_.radix;
    const int d = size_->host_ports_per_leaf;
    // Where a job's ring traffic leaves a leaf (it spans scalable units of rails x d GPUs)
    // or a pod (k/2 leaves): crossings / domains of the ring.
    const int rails = std::min(domain_gpus_, 8);
    const double hosts_per_leaf = static_cast<double>(d) / size_->ports_per_host;
    const double unit_gpus = rails * hosts_per_leaf;
    const double pod_gpus = (k / 2) * hosts_per_leaf;
    double host_bytes = 0.0, spine_bytes = 0.0, core_bytes = 0.0;
    for (const auto& j : jobs) {
        host_bytes += j.scale_out_bytes;
        const double domains = std::max(1, j.data_parallel_domains);
        const double units = std::ceil(j.gpus / unit_gpus);
        const double pods = std::ceil(j.gpus / pod_gpus);
        if (units > 1.0) spine_bytes += j.scale_out_bytes * std::min(1.0, units / domains);
        if (pods > 1.0) core_bytes += j.scale_out_bytes * std::min(1.0, pods / domains);
    }
    const auto tier = [&](std::string name, int switches, int links, double capacity, double bytes) {
        report::FabricTierReport t;
        t.name = std::move(name);
        t.switches = switches;
        t.links = links;
        t.capacity_tbps = capacity * 8.0 / 1e12;
        t.utilization = seconds > 0.0 && capacity > 0.0 ? bytes / (capacity * seconds) : 0.0;
        return t;
    };
    const double host_capacity = size_->hosts * std::min(port * size_->ports_per_host, nic_bytes_per_s_);
    out.tier.push_back(tier("host-leaf", size_->tier[0].switches, size_->hosts * size_->ports_per_host, host_capacity,
                            host_bytes));
    out.tier.push_back(tier("leaf-spine", size_->tier[1].switches, size_->tier[0].links_up,
                            size_->tier[0].uplink_capacity_bytes_per_s, spine_bytes));
    if (size_->tiers == 3)
        out.tier.push_back(tier("spine-core", size_->tier[2].switches, size_->tier[1].links_up,
                                size_->tier[1].uplink_capacity_bytes_per_s, core_bytes));
    return out;
}

}  // namespace factorysim::world
