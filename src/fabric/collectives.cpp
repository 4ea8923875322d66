#include "factorysim/fabric/collectives.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim::fabric {

std::string_view to_string(Collective c) {
    switch (c) {
        case Collective::all_reduce: return "all_reduce";
        case Collective::all_gather: return "all_gather";
        case Collective::reduce_scatter: return "reduce_scatter";
        case Collective::all_to_all: return "all_to_all";
        case Collective::send_recv: return "send_recv";
    }
    return "?";
}

namespace {

struct Choice {
    double seconds = std::numeric_limits<double>::infinity();
    std::string_view algorithm = "none";
    void consider(double s, std::string_view name) {
        if (s < seconds) {
            seconds = s;
            algorithm = name;
        }
    }
};

double log2_steps(double n) { return std::ceil(std::log2(n)); }

// All-reduce of `bytes` among n ranks on links of `bandwidth` (already with efficiency).
Choice all_reduce_flat(double bytes, double n, double bandwidth, double alpha, double in_network_bandwidth) {
    Choice c;
    if (n <= 1.0) {
        c.seconds = 0.0;
        return c;
    }
    c.consider(2.0 * (n - 1.0) / n * bytes / bandwidth + 2.0 * (n - 1.0) * alpha, "ring");
    c.consider(2.0 * bytes / bandwidth + 2.0 * log2_steps(n) * alpha, "tree");
    if (in_network_bandwidth > 0.0) c.consider(bytes / in_network_bandwidth + 2.0 * alpha, "in_network");
    return c;
}

// All-gather or reduce-scatter of a `bytes` total buffer among n ranks.
Choice gather_flat(double bytes, double n, double bandwidth, double alpha) {
    Choice c;
    if (n <= 1.0) {
        c.seconds = 0.0;
        return c;
    }
    c.consider((n - 1.0) / n * bytes / bandwidth + (n - 1.0) * alpha, "ring");
    // Recursive doubling/halving: same bytes, log2 n steps (NCCL's PAT for small sizes).
    c.consider((n - 1.0) / n * bytes / bandwidth + log2_steps(n) * alpha, "tree");
    return c;
}

}  // namespace

CollectiveTime collective_time(Collective op, double bytes, const Group& group, const LinkLevels& links) {
    const int n_ranks = group.ranks;
    const int g_ranks = std::min(group.ranks_per_domain, group.ranks);
    if (n_ranks < 1 || g_ranks < 1)
        throw ModelError(fmt::format("collective over {} ranks, {} per domain", n_ranks, g_ranks));
    if (!(bytes >= 0.0)) throw ModelError(fmt::format("collective of {} bytes", bytes));
    const double n = n_ranks;
    const double g = g_ranks;
    const double domains = std::ceil(n / g);
    const bool multi_domain = domains > 1.0;
    const double nvl = links.nvlink_bytes_per_s * links.nvlink_efficiency;
    const double nvls = links.nvls ? links.nvlink_bytes_per_s * links.nvls_efficiency : 0.0;
    const double nic = links.nic_bytes_per_s * links.nic_efficiency / std::max(1.0, links.oversubscription);
    if (g > 1.0 && !(nvl > 0.0))
        throw ModelError("collective inside an NVLink domain without NVLink bandwidth");
    if (multi_domain && !(nic > 0.0))
        throw ModelError(fmt::format("collective over {} NVLink domains without scale-out bandwidth", domains));

    CollectiveTime out;
    if (n_ranks == 1 || bytes == 0.0) {
        out.algorithm = "none";
        return out;
    }
    Choice c;
    switch (op) {
        case Collective::all_reduce: {
            Choice intra = all_reduce_flat(bytes, g, nvl, links.nvlink_latency_s, nvls);
            if (intra.algorithm == "in_network") intra.algorithm = "nvls";
            if (!multi_domain) {
                c = intra;
                break;
            }
            // Each of the g rails all-reduces S/g between domains; inside a domain the
            // reduce-scatter + all-gather moves S (ring: 2(g-1)/g S; NVLS: S once).
            Choice inter = all_reduce_flat(bytes / g, domains, nic, links.nic_latency_s,
                                           links.sharp ? nic : 0.0);
            if (inter.algorithm == "in_network") inter.algorithm = "sharp";
            c.seconds = std::max(intra.seconds, inter.seconds);
            c.algorithm = g > 1.0 ? std::string_view("hierarchical") : inter.algorithm;
            out.nic_bytes = inter.algorithm == "ring"   ? 2.0 * (domains - 1.0) / domains * bytes / g
                            : inter.algorithm == "tree" ? 2.0 * bytes / g
                                                        : bytes / g;
            break;
        }
        case Collective::all_gather:
        case Collective::reduce_scatter: {
            Choice intra = gather_flat(bytes, g, nvl, links.nvlink_latency_s);
            if (!multi_domain) {
                c = intra;
                break;
            }
            Choice inter = gather_flat(bytes / g, domains, nic, links.nic_latency_s);
            c.seconds = std::max(intra.seconds, inter.seconds);
            c.algorithm = g > 1.0 ? std::string_view("hierarchical") : inter.algorithm;
            out.nic_bytes = (domains - 1.0) / domains * bytes / g;
            break;
        }
        case Collective::all_to_all: {
            // Pairwise exchange: every rank sends bytes/n to each other rank at once.
            const double over_nvlink = g > 1.0 ? (g - 1.0) / n * bytes / nvl : 0.0;
            const double over_nic = multi_domain ? (n - g) / n * bytes / nic : 0.0;
            c.seconds = std::max(over_nvlink, over_nic) +
                        (multi_domain ? links.nic_latency_s : links.nvlink_latency_s);
            c.algorithm = "direct";
            out.nic_bytes = multi_domain ? (n - g) / n * bytes : 0.0;
            break;
        }
        case Collective::send_recv: {
            // One rank to its peer: inside the domain if the group's ranks share it.
            const bool inside = !multi_domain;
            c.seconds = bytes / (inside ? nvl : nic) + (inside ? links.nvlink_latency_s : links.nic_latency_s);
            c.algorithm = "direct";
            out.nic_bytes = inside ? 0.0 : bytes;
            break;
        }
    }
    out.seconds = c.seconds;
    out.algorithm = c.algorithm;
    out.algorithm_bytes_per_s = c.seconds > 0.0 ? bytes / c.seconds : 0.0;
    const double factor = op == Collective::all_reduce ? 2.0 * (n - 1.0) / n
                          : op == Collective::send_recv ? 1.0
                                                        : (n - 1.0) / n;
    out.bus_bytes_per_s = out.algorithm_bytes_per_s * factor;
    return out;
}

}  // namespace factorysim::fabric
