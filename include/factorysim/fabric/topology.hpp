// A cluster's links as a graph: NVLink domains (every GPU one hop from its domain's
// NVLink switches, aggregated into one switch node) and a rail-optimised scale-out fat
// tree of 2 or 3 tiers (scale_out.hpp sizes it). Routing is ECMP over equal-cost
// shortest paths with a deterministic hash, so the same flow always takes the same path.
// Links are directed (one per direction) and fail in pairs, as cables do.
//
// The graph is a Boost.Graph adjacency list kept behind this interface (docs/models/fabric.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "factorysim/fabric/scale_out.hpp"

namespace factorysim::fabric {

enum class LinkTier { nvlink, host, leaf_spine, spine_core };
std::string_view to_string(LinkTier tier);
inline constexpr int link_tier_count = 4;

struct LinkInfo {
    int from = 0;  // node ids
    int to = 0;
    double capacity_bytes_per_s = 0.0;
    double latency_s = 0.0;
    LinkTier tier = LinkTier::host;
    bool up = true;
};

struct ClusterSpec {
    int domains = 1;
    int gpus_per_domain = 72;
    double nvlink_bytes_per_s = 0.0;  // per GPU, one direction (0: no NVLink between GPUs)
    double nic_bytes_per_s = 0.0;     // per GPU, one direction (0: no scale-out fabric)
    SwitchSpec leaf_switch;
    double oversubscription = 1.0;
    int tiers = 0;                    // 0 = as few as reach all GPUs
    double nvlink_latency_s = 0.0;    // GPU to GPU through the NVLink switch
};

class Topology {
public:
    // A cluster of NVLink domains joined by a rail-optimised fat tree: GPUs of the same
    // index modulo the rail count (min(domain, 8)) in a scalable unit of rails x d GPUs
    // share a leaf, as in the DGX SuperPOD reference architectures.
    static Topology cluster(const ClusterSpec& spec);

    // An empty graph to fill by hand (replayed link lists, tests).
    Topology();
    ~Topology();
    Topology(Topology&&) noexcept;
    Topology& operator=(Topology&&) noexcept;
    int add_node(std::string name = {});
    int add_link(int from, int to, double capacity_bytes_per_s, double latency_s = 0.0,
                 LinkTier tier = LinkTier::host);

    int nodes() const;
    int links() const;
    const LinkInfo& link(int id) const;
    const std::string& node_name(int node) const;
    int gpus() const;             // GPU nodes are 0 .. gpus()-1 in a cluster
    const FatTreeSize& fat_tree() const;  // sizes of a cluster's scale-out tiers

    // Link ids from node `from` to node `to`: through the NVLink switch when both GPUs
    // are in one domain, else through the scale-out fabric (ECMP chooses among equal
    // next hops by `flow_hash`). Empty if from == to. Throws ModelError if unreachable.
    std::vector<int> route(int from, int to, std::uint64_t flow_hash) const;

    // Takes a link and its reverse out of service (or back); routes are recomputed.
    void set_cable_up(int link, bool up);
    // Takes every link of a switch node out of service.
    void fail_node(int node);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace factorysim::fabric
