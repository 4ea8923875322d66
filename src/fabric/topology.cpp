#include "factorysim/fabric/topology.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/visitors.hpp>
#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim::fabric {

std::string_view to_string(LinkTier tier) {
    switch (tier) {
        case LinkTier::nvlink: return "nvlink";
        case LinkTier::host: return "host-leaf";
        case LinkTier::leaf_spine: return "leaf-spine";
        case LinkTier::spine_core: return "spine-core";
    }
    return "?";
}

namespace {

struct EdgeProperties {
    int link = 0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeProperties>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser: ECMP's hash
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Scale-out links that are in service (a functor, not a lambda: filtered_graph needs a
// default-constructible predicate).
struct UsableScaleOut {
    const Graph* graph = nullptr;
    const std::vector<LinkInfo>* links = nullptr;
    bool switches_only = false;  // clusters: GPUs hang off their leaf, never on a path between switches
    bool operator()(const Edge& e) const {
        const auto& l = (*links)[static_cast<std::size_t>((*graph)[e].link)];
        return l.up && l.tier != LinkTier::nvlink && !(switches_only && l.tier == LinkTier::host);
    }
};

}  // namespace

struct Topology::Impl {
    Graph graph;
    std::vector<LinkInfo> links;
    std::vector<std::string> names;
    std::vector<int> reverse;  // link id of the opposite direction, -1 if none
    std::vector<int> domain_of;  // per node: NVLink domain of a GPU, -1 otherwise
    std::vector<int> attach;     // per GPU: its leaf node (-1 without scale-out)
    std::vector<int> nvswitch;   // per domain: switch node
    int gpus = 0;
    FatTreeSize size;
    // Hop counts to a destination switch over the scale-out links that are up. In a
    // cluster only switch vertices (ids from `gpus` on) are searched and stored: a GPU's
    // only scale-out link is to its leaf. Cached per destination, within ~64 MiB.
    bool switches_only = false;
    mutable std::unordered_map<int, std::vector<int>> distance_cache;
    mutable std::vector<int> bfs_scratch;
    int distance_offset() const { return switches_only ? gpus : 0; }
    int distance(const std::vector<int>& d, int v) const {
        const int offset = distance_offset();
        return v < offset ? std::numeric_limits<int>::max() : d[static_cast<std::size_t>(v - offset)];
    }

    int add_node(std::string name) {
        const auto v = boost::add_vertex(graph);
        names.push_back(name.empty() ? fmt::format("n{}", v) : std::move(name));
        domain_of.push_back(-1);
        return static_cast<int>(v);
    }
    int add_link(int from, int to, double capacity, double latency, LinkTier tier) {
        const int n = static_cast<int>(names.size());
        if (from < 0 || to < 0 || from >= n || to >= n || from == to)
            throw ModelError(fmt::format("link {} -> {} between unknown nodes", from, to));
        if (!(capacity > 0.0) || !(latency >= 0.0))
            throw ModelError(fmt::format("link {} -> {}: capacity {} B/s, latency {} s", names[from], names[to],
                                         capacity, latency));
        const int id = static_cast<int>(links.size());
        boost::add_edge(static_cast<Vertex>(from), static_cast<Vertex>(to), EdgeProperties{id}, graph);
        links.push_back({from, to, capacity, latency, tier, true});
        reverse.push_back(-1);
        return id;
    }
    void add_cable(int a, int b, double capacity, double latency, LinkTier tier) {
        const int ab = add_link(a, b, capacity, latency, tier);
        const int ba = add_link(b, a, capacity, latency, tier);
        reverse[static_cast<std::size_t>(ab)] = ba;
        reverse[static_cast<std::size_t>(ba)] = ab;
    }

    // Breadth-first hop counts from `target` over scale-out links that are up (cables
    // fail in pairs, so distances are symmetric).
    const std::vector<int>& distances_to(int target) const {
        auto it = distance_cache.find(target);
        if (it != distance_cache.end()) return it->second;
        const std::size_t vertices = boost::num_vertices(graph);
        const std::size_t stored = vertices - static_cast<std::size_t>(distance_offset());
        if (distance_cache.size() * stored * sizeof(int) > (64u << 20)) distance_cache.clear();
        boost::filtered_graph<Graph, UsableScaleOut> scale_out(graph, UsableScaleOut{&graph, &links, switches_only});
        bfs_scratch.assign(vertices, std::numeric_limits<int>::max());
        bfs_scratch[static_cast<std::size_t>(target)] = 0;
        boost::breadth_first_search(
            scale_out, static_cast<Vertex>(target),
            boost::visitor(boost::make_bfs_visitor(boost::record_distances(bfs_scratch.data(), boost::on_tree_edge()))));
        std::vector<int> dist(bfs_scratch.begin() + distance_offset(), bfs_scratch.end());
        return distance_cache.emplace(target, std::move(dist)).first->second;
    }
};

Topology::Topology() : impl_(std::make_unique<Impl>()) {}
Topology::~Topology() = default;
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;

int Topology::add_node(std::string name) { return impl_->add_node(std::move(name)); }
int Topology::add_link(int from, int to, double capacity, double latency, LinkTier tier) {
    impl_->distance_cache.clear();
    return impl_->add_link(from, to, capacity, latency, tier);
}
int Topology::nodes() const { return static_cast<int>(impl_->names.size()); }
int Topology::links() const { return static_cast<int>(impl_->links.size()); }
const LinkInfo& Topology::link(int id) const { return impl_->links.at(static_cast<std::size_t>(id)); }
const std::string& Topology::node_name(int node) const { return impl_->names.at(static_cast<std::size_t>(node)); }
int Topology::gpus() const { return impl_->gpus; }
const FatTreeSize& Topology::fat_tree() const { return impl_->size; }

Topology Topology::cluster(const ClusterSpec& spec) {
    if (spec.domains < 1 || spec.gpus_per_domain < 1)
        throw ModelError(fmt::format("cluster of {} domains of {} GPUs", spec.domains, spec.gpus_per_domain));
    Topology t;
    Impl& m = *t.impl_;
    const int gpus = spec.domains * spec.gpus_per_domain;
    m.gpus = gpus;
    for (int g = 0; g < gpus; ++g) {
        m.add_node(fmt::format("gpu{}", g));
        m.domain_of.back() = g / spec.gpus_per_domain;
    }
    if (spec.gpus_per_domain > 1) {
        if (!(spec.nvlink_bytes_per_s > 0.0)) throw ModelError("cluster: NVLink domains without NVLink bandwidth");
        for (int d = 0; d < spec.domains; ++d) {
            const int sw = m.add_node(fmt::format("nvswitch{}", d));
            m.nvswitch.push_back(sw);
            for (int i = 0; i < spec.gpus_per_domain; ++i)
                m.add_cable(d * spec.gpus_per_domain + i, sw, spec.nvlink_bytes_per_s, spec.nvlink_latency_s / 2.0,
                            LinkTier::nvlink);
        }
    }
    m.attach.assign(static_cast<std::size_t>(gpus), -1);
    if (spec.domains == 1 || !(spec.nic_bytes_per_s > 0.0)) return t;
    m.switches_only = true;

    const int ports = ports_per_nic(spec.leaf_switch, spec.nic_bytes_per_s * 8.0 / 1e9);
    m.size = size_fat_tree({gpus, ports, spec.leaf_switch, spec.oversubscription, spec.tiers});
    const int k = spec.leaf_switch.radix;
    const int down = m.size.host_ports_per_leaf / ports;  // hosts per leaf
    const int up = m.size.uplinks_per_leaf;
    const double port = spec.leaf_switch.port_gbit_per_s / 8.0 * 1e9;
    const double hop = spec.leaf_switch.latency_s;
    const int rails = std::min(spec.gpus_per_domain, 8);
    const int unit_gpus = rails * down;
    const int units = (gpus + unit_gpus - 1) / unit_gpus;
    const int leaves = units * rails;
    std::vector<int> leaf(static_cast<std::size_t>(leaves));
    for (int l = 0; l < leaves; ++l) leaf[static_cast<std::size_t>(l)] = m.add_node(fmt::format("leaf{}", l));
    for (int g = 0; g < gpus; ++g) {
        const int unit = g / unit_gpus;
        const int rail = (g % spec.gpus_per_domain) % rails;
        const int l = leaf[static_cast<std::size_t>(unit * rails + rail)];
        m.attach[static_cast<std::size_t>(g)] = l;
        // The NIC's line rate: below a port's (400G NICs on 800G ports), or several ports
        // bundled into one link (a 1.6T NIC on two 800G ports).
        m.add_cable(g, l, std::min(port * ports, spec.nic_bytes_per_s), hop / 2.0, LinkTier::host);
    }
    if (m.size.tiers == 2) {
        const int spines = (leaves * up + k - 1) / k;
        std::vector<int> spine(static_cast<std::size_t>(spines));
        for (int s = 0; s < spines; ++s) spine[static_cast<std::size_t>(s)] = m.add_node(fmt::format("spine{}", s));
        for (int l = 0; l < leaves; ++l)
            for (int j = 0; j < up; ++j)
                m.add_cable(leaf[static_cast<std::size_t>(l)], spine[static_cast<std::size_t>(j % spines)], port, hop,
                            LinkTier::leaf_spine);
    } else {
        // Pods of k/2 leaves, each leaf with one link to each of `up` spines of its pod;
        // spine j of a pod spreads its k/2 uplinks over the cores from j * k/2 on.
        const int pod_leaves = k / 2;
        const int pods = (leaves + pod_leaves - 1) / pod_leaves;
        const int spines = pods * up;
        const int cores = (spines * (k / 2) + k - 1) / k;
        std::vector<int> spine(static_cast<std::size_t>(spines)), core(static_cast<std::size_t>(cores));
        for (int s = 0; s < spines; ++s) spine[static_cast<std::size_t>(s)] = m.add_node(fmt::format("spine{}", s));
        for (int c = 0; c < cores; ++c) core[static_cast<std::size_t>(c)] = m.add_node(fmt::format("core{}", c));
        for (int l = 0; l < leaves; ++l) {
            const int pod = l / pod_leaves;
            for (int j = 0; j < up; ++j)
                m.add_cable(leaf[static_cast<std::size_t>(l)], spine[static_cast<std::size_t>(pod * up + j)], port,
                            hop, LinkTier::leaf_spine);
        }
        for (int s = 0; s < spines; ++s) {
            const int local = s % up;
            for (int j = 0; j < k / 2; ++j)
                m.add_cable(spine[static_cast<std::size_t>(s)],
                            core[static_cast<std::size_t>((local * (k / 2) + j) % cores)], port, hop,
                            LinkTier::spine_core);
        }
    }
    return t;
}

std::vector<int> Topology::route(int from, int to, std::uint64_t flow_hash) const {
    const Impl& m = *impl_;
    const int n = nodes();
    if (from < 0 || to < 0 || from >= n || to >= n) throw ModelError(fmt::format("route {} -> {}: no such node", from, to));
    std::vector<int> path;
    if (from == to) return path;
    const auto fail = [&] {
        return ModelError(fmt::format("no route from {} to {} (failed links?)", m.names[static_cast<std::size_t>(from)],
                                      m.names[static_cast<std::size_t>(to)]));
    };
    const auto link_between = [&](int a, int b) -> int {
        for (const auto e : boost::make_iterator_range(boost::out_edges(static_cast<Vertex>(a), m.graph))) {
            const int id = m.graph[e].link;
            if (static_cast<int>(boost::target(e, m.graph)) == b && m.links[static_cast<std::size_t>(id)].up) return id;
        }
        return -1;
    };
    // Same NVLink domain: up to the domain's switch and down.
    const int dom_a = m.domain_of[static_cast<std::size_t>(from)];
    if (dom_a >= 0 && dom_a == m.domain_of[static_cast<std::size_t>(to)] && !m.nvswitch.empty()) {
        const int sw = m.nvswitch[static_cast<std::size_t>(dom_a)];
        const int a = link_between(from, sw), b = link_between(sw, to);
        if (a < 0 || b < 0) throw fail();
        return {a, b};
    }
    // Across domains: to the destination GPU's leaf (one cached search serves every GPU
    // on that leaf), then down to the GPU.
    const bool to_gpu = to < m.gpus && m.attach[static_cast<std::size_t>(to)] >= 0;
    const int target = to_gpu ? m.attach[static_cast<std::size_t>(to)] : to;
    const auto& dist = m.distances_to(target);
    int at = from;
    if (m.switches_only && from < m.gpus) {  // up from the GPU to its leaf first
        const int leaf = m.attach[static_cast<std::size_t>(from)];
        const int first = leaf >= 0 ? link_between(from, leaf) : -1;
        if (first < 0) throw fail();
        path.push_back(first);
        at = leaf;
    }
    if (m.distance(dist, at) == std::numeric_limits<int>::max()) throw fail();
    std::vector<int> candidates;
    while (at != target) {
        candidates.clear();
        const int want = m.distance(dist, at) - 1;
        for (const auto e : boost::make_iterator_range(boost::out_edges(static_cast<Vertex>(at), m.graph))) {
            const auto& l = m.links[static_cast<std::size_t>(m.graph[e].link)];
            if (l.up && l.tier != LinkTier::nvlink && !(m.switches_only && l.tier == LinkTier::host) &&
                m.distance(dist, l.to) == want)
                candidates.push_back(m.graph[e].link);
        }
        if (candidates.empty()) throw fail();
        const int chosen = candidates[mix(flow_hash ^ mix(static_cast<std::uint64_t>(at))) % candidates.size()];
        path.push_back(chosen);
        at = m.links[static_cast<std::size_t>(chosen)].to;
    }
    if (to_gpu) {
        const int last = link_between(target, to);
        if (last < 0) throw fail();
        path.push_back(last);
    }
    return path;
}

void Topology::set_cable_up(int id, bool up) {
    Impl& m = *impl_;
    m.links.at(static_cast<std::size_t>(id)).up = up;
    const int r = m.reverse[static_cast<std::size_t>(id)];
    if (r >= 0) m.links[static_cast<std::size_t>(r)].up = up;
    m.distance_cache.clear();
}

void Topology::fail_node(int node) {
    Impl& m = *impl_;
    for (auto& l : m.links)
        if (l.from == node || l.to == node) l.up = false;
    m.distance_cache.clear();
}

}  // namespace factorysim::fabric
