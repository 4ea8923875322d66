// Scale-out fabrics: the switches they are built from and the closed-form sizing of a
// rail-optimised fat tree (docs/models/fabric.md).
//
// A leaf of radix k with oversubscription o (downlinks : uplinks) has
//   d = round(k o / (1 + o)) host ports and u = k - d uplinks.
// Two tiers (leaf, spine) reach k d hosts; beyond that a third tier (core) is added:
//   leaves L = ceil(H / d);  spines S = ceil(L u / k)                       (2 tiers)
//   spines S = ceil(L u / (k/2)) (k/2 down, k/2 up);  cores C = ceil(S (k/2) / k)   (3 tiers)
// With k = 144 (Quantum-X800) and 1:1 this gives 8 leaves + 4 spines per 576-GPU scalable
// unit and 144 leaves + 72 spines for 18 units (10,368 hosts), as the DGX SuperPOD B300-XDR
// reference architecture lists; with k = 64 (Quantum-2) 64 + 32 for 2,048 GPUs and
// 128 + 128 + 64 for 4,096, as the B200 SuperPOD lists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace factorysim::fabric {

struct SwitchSpec {
    std::string name;
    int radix = 0;                  // ports
    double port_gbit_per_s = 0.0;   // per port, per direction
    double latency_s = 0.0;         // port to port
    bool in_network_reduction = false;  // SHARP
    std::string source;
};

// The built-in switches: "quantum-x800", "quantum-2", "spectrum-x".
const std::vector<SwitchSpec>& switch_catalog();
std::optional<SwitchSpec> find_switch(std::string_view name);
// "auto" picks the InfiniBand switch of the NIC generation: quantum-x800 for NICs of
// 800 Gb/s and more, quantum-2 below. Throws ModelError on an unknown name.
SwitchSpec resolve_switch(std::string_view name, double nic_gbit_per_s);

struct FatTreeSpec {
    int hosts = 0;               // GPUs to connect (one NIC each)
    int ports_per_host = 1;      // switch ports a NIC takes (a 1.6 Tb/s NIC on 800 Gb/s ports: 2)
    SwitchSpec leaf_switch;      // every tier uses the same switch
    double oversubscription = 1.0;  // leaf downlinks : uplinks (1 = non-blocking)
    int tiers = 0;               // 0 = the fewest that reach `hosts`; else 2 or 3
};

struct TierSize {
    std::string name;     // "leaf", "spine", "core"
    int switches = 0;
    int links_up = 0;     // links from this tier to the next one up (0 for the top tier)
    double uplink_capacity_bytes_per_s = 0.0;  // all links_up, one direction
};

struct FatTreeSize {
    int tiers = 0;
    int hosts = 0;
    int ports_per_host = 1;
    int host_ports_per_leaf = 0;  // d (ports; d / ports_per_host hosts)
    int uplinks_per_leaf = 0;     // u
    std::vector<TierSize> tier;   // leaf first
    int switches() const;
    int optical_links() const;    // switch-to-switch links (hosts attach with copper/DAC or optics too; see docs)
    double host_capacity_bytes_per_s = 0.0;  // all host links, one direction
};

// Throws ModelError if `hosts` needs more than three tiers or the spec is inconsistent.
FatTreeSize size_fat_tree(const FatTreeSpec& spec);

// The largest number of host ports `tiers` tiers of this switch reach at this oversubscription.
long long max_hosts(const SwitchSpec& sw, double oversubscription, int tiers);
// Switch ports one NIC of `nic_gbit_per_s` takes: ceil(NIC / port speed).
int ports_per_nic(const SwitchSpec& sw, double nic_gbit_per_s);

}  // namespace factorysim::fabric
