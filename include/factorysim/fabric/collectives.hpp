// Analytical (alpha-beta) cost of point-to-point transfers and NCCL-style collectives,
// with the bottleneck bandwidth of where the ranks actually are: inside one NVLink domain,
// or spread over domains and joined by the scale-out NICs and the fat tree
// (docs/models/fabric.md has the equations and the comparison with published figures).
//
// Sizes follow nccl-tests: all-reduce `bytes` is the buffer of each rank; all-gather and
// reduce-scatter `bytes` is the whole (gathered) buffer; all-to-all `bytes` is what each
// rank sends in total. Bus bandwidth = algorithm bandwidth x 2(n-1)/n (all-reduce) or
// (n-1)/n (the others), as nccl-tests reports it.
//
// One domain of n ranks, per-GPU NVLink bandwidth B (one direction) and efficiency e:
//   ring all-reduce   2 (n-1)/n  S / (B e)        + 2 (n-1) alpha
//   tree all-reduce   2 S / (B e)                  + 2 ceil(log2 n) alpha
//   NVLS all-reduce   S / (B e_nvls)               + 2 alpha     (NVSwitch reduces and multicasts:
//                                                                  each GPU sends and receives S once)
// Ranks over D domains, g per domain (hierarchical; NCCL pipelines the phases, so the
// slower phase sets the time):
//   all-reduce  max( intra-domain reduce-scatter + all-gather of S,  inter-domain all-reduce of S/g
//                    on each of the g rails through the NICs )
// with the inter-domain part the fastest of ring, tree and (with SHARP) in-network
// reduction on NIC bandwidth N e_nic / oversubscription. All-to-all over n ranks sends
// (g-1)/n of S over NVLink and (n-g)/n of S through the NIC.
#pragma once

#include <string_view>

namespace factorysim::fabric {

enum class Collective { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };
std::string_view to_string(Collective c);

// What one GPU of the group sees.
struct LinkLevels {
    double nvlink_bytes_per_s = 0.0;   // per GPU, one direction, nominal
    double nvlink_efficiency = 0.8;    // achieved / nominal in ring collectives
    bool nvls = false;                 // NVSwitch in-network reduction (NVLink SHARP)
    double nvls_efficiency = 0.61;     // achieved / nominal with NVLS (calibrated, docs/models/fabric.md)
    double nvlink_latency_s = 10e-6;   // alpha per collective step inside a domain
    double nic_bytes_per_s = 0.0;      // scale-out NIC per GPU, one direction, nominal
    double nic_efficiency = 0.8;
    double nic_latency_s = 10e-6;      // alpha per collective step between domains
    bool sharp = false;                // in-network reduction in the scale-out switches
    double oversubscription = 1.0;     // of the fat tree tiers the group crosses (1 = non-blocking)
};

struct Group {
    int ranks = 1;
    int ranks_per_domain = 1;  // g: ranks of the group that share one NVLink domain
};

struct CollectiveTime {
    double seconds = 0.0;
    double bus_bytes_per_s = 0.0;        // nccl-tests "busbw"
    double algorithm_bytes_per_s = 0.0;  // nccl-tests "algbw" = bytes / seconds
    std::string_view algorithm;          // "ring", "tree", "nvls", "sharp", "hierarchical", "direct", "none"
    double nic_bytes = 0.0;              // bytes each rank sends through its scale-out NIC
};

// The group spans ceil(ranks / g) domains (the last one may be partial). Throws ModelError
// on a group that does not make sense (ranks or g < 1, a multi-domain group without NIC
// bandwidth, an intra-domain group without NVLink bandwidth).
CollectiveTime collective_time(Collective op, double bytes, const Group& group, const LinkLevels& links);

}  // namespace factorysim::fabric
