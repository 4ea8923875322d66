#include "factorysim/fabric/scale_out.hpp"

#include <cmath>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim::fabric {

const std::vector<SwitchSpec>& switch_catalog() {
    static const std::vector<SwitchSpec> switches = {
        {"quantum-x800", 144, 800.0, 300e-9, true,
         "Quantum-X800 Q3400: 144 x 800 Gb/s XDR, SHARPv4 (NVIDIA spec via "
         "https://ziash.github.io/nvidia-nca-aiio-study-guide/02-ai-infrastructure/09-high-speed-network-options/); "
         "latency: no official figure, 300 ns assumed from the Quantum-2 range (estimate)"},
        {"quantum-2", 64, 400.0, 300e-9, true,
         "Quantum-2 QM9700: 64 x 400 Gb/s NDR, SHARPv3 (https://itctshop.com/infiniband-switch-guide); latency "
         "<150-330 ns in third-party sources, 300 ns used (estimate)"},
        {"spectrum-x", 64, 800.0, 500e-9, false,
         "Spectrum-X Ethernet, 800 Gb/s class (NVIDIA DGX SuperPOD B300 RA); 64 ports assumed (Spectrum-4 "
         "SN5600 class) and 500 ns latency (estimates); no in-network reduction"},
    };
    return switches;
}

std::optional<SwitchSpec> find_switch(std::string_view name) {
    for (const auto& s : switch_catalog())
        if (s.name == name) return s;
    return std::nullopt;
}

SwitchSpec resolve_switch(std::string_view name, double nic_gbit_per_s) {
    if (name == "auto") return *find_switch(nic_gbit_per_s >= 800.0 ? "quantum-x800" : "quantum-2");
    auto s = find_switch(name);
    if (!s) throw ModelError(fmt::format("unknown switch \"{}\"", name));
    return *s;
}

namespace {

struct LeafPorts {
    int down = 0;
    int up = 0;
};

LeafPorts leaf_ports(const SwitchSpec& sw, double oversubscription) {
    if (sw.radix < 4 || !(sw.port_gbit_per_s > 0.0))
        throw ModelError(fmt::format("switch {}: radix {} and {} Gb/s ports are not usable", sw.name, sw.radix,
                                     sw.port_gbit_per_s));
    if (!(oversubscription >= 1.0))
        throw ModelError(fmt::format("oversubscription {} is below 1:1", oversubscription));
    LeafPorts p;
    p.down = static_cast<int>(std::lround(sw.radix * oversubscription / (1.0 + oversubscription)));
    p.down = std::min(p.down, sw.radix - 1);
    p.up = sw.radix - p.down;
    return p;
}

int ceil_div(long long a, long long b) { return static_cast<int>((a + b - 1) / b); }

}  // namespace

long long max_hosts(const SwitchSpec& sw, double oversubscription, int tiers) {
    const auto p = leaf_ports(sw, oversubscription);
    const long long k = sw.radix;
    if (tiers <= 1) return p.down;
    if (tiers == 2) return k * p.down;
    return k * (k / 2) * p.down;  // k pods of k/2 leaves
}

int ports_per_nic(const SwitchSpec& sw, double nic_gbit_per_s) {
    if (!(nic_gbit_per_s > 0.0) || !(sw.port_gbit_per_s > 0.0)) return 1;
    return std::max(1, static_cast<int>(std::ceil(nic_gbit_per_s / sw.port_gbit_per_s - 1e-9)));
}

int FatTreeSize::switches() const {
    int n = 0;
    for (const auto& t : tier) n += t.switches;
    return n;
}

int FatTreeSize::optical_links() const {
    int n = 0;
    for (const auto& t : tier) n += t.links_up;
    return n;
}

FatTreeSize size_fat_tree(const FatTreeSpec& spec) {
    if (spec.hosts <= 0 || spec.ports_per_host < 1) throw ModelError("fat tree: no hosts to connect");
    const long long host_ports = static_cast<long long>(spec.hosts) * spec.ports_per_host;
    const auto p = leaf_ports(spec.leaf_switch, spec.oversubscription);
    const int k = spec.leaf_switch.radix;
    int tiers = spec.tiers;
    if (tiers == 0) {
        tiers = host_ports <= max_hosts(spec.leaf_switch, spec.oversubscription, 2) ? 2 : 3;
    }
    if (tiers < 2 || tiers > 3)
        throw ModelError(fmt::format("fat tree: {} tiers requested; 2 or 3 are modelled", tiers));
    if (host_ports > max_hosts(spec.leaf_switch, spec.oversubscription, tiers))
        throw ModelError(fmt::format("fat tree: {} host ports exceed what {} tiers of {}-port {} switches reach ({})",
                                     host_ports, tiers, k, spec.leaf_switch.name,
                                     max_hosts(spec.leaf_switch, spec.oversubscription, tiers)));
    const double port = spec.leaf_switch.port_gbit_per_s / 8.0 * 1e9;
    FatTreeSize out;
    out.tiers = tiers;
    out.hosts = spec.hosts;
    out.ports_per_host = spec.ports_per_host;
    out.host_ports_per_leaf = p.down;
    out.uplinks_per_leaf = p.up;
    out.host_capacity_bytes_per_s = static_cast<double>(host_ports) * port;
    const int leaves = ceil_div(host_ports, p.down);
    const int leaf_up = leaves * p.up;
    if (tiers == 2) {
        const int spines = ceil_div(leaf_up, k);
        out.tier = {{"leaf", leaves, leaf_up, leaf_up * port}, {"spine", spines, 0, 0.0}};
    } else {
        const int spines = ceil_div(leaf_up, k / 2);
        const int spine_up = spines * (k / 2);
        const int cores = ceil_div(spine_up, k);
        out.tier = {{"leaf", leaves, leaf_up, leaf_up * port},
                    {"spine", spines, spine_up, spine_up * port},
                    {"core", cores, 0, 0.0}};
    }
    return out;
}

}  // namespace factorysim::fabric
