// The hardware and model catalog: racks (GPU + rack figures) and LLM architectures, as
// data. The built-in entries are the JSON files under src/catalog/, embedded into the
// library at build time (no data path needed at run time). Users add or override entries
// with Catalog::add_json (from a scenario's "catalog" section or `--catalog FILE`).
//
// Every figure is a Quantity carrying its source and status, so `factorysim describe`
// can show where each number comes from (see docs/models/rack.md).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace factorysim::catalog {

struct Quantity {
    double value = 0.0;
    std::string status;  // "confirmed" (vendor spec / official result) or "estimate"
    std::string source;
    std::string note;
};

enum class Precision { FP4, FP8, BF16, TF32, FP64 };
std::string to_string(Precision p);
// Accepts "fp4", "nvfp4", "fp8", "bf16", "fp16", "tf32", "fp64"; nullopt otherwise.
std::optional<Precision> parse_precision(std::string_view name);
// Bytes per parameter or activation element: fp4 0.5, fp8 1, bf16 2, tf32 4, fp64 8.
double bytes_per_element(Precision p);

// The precisions a GPU's tensor cores run natively, with the provenance of that list.
struct PrecisionSupport {
    std::set<Precision> precisions;
    std::string status;  // "confirmed", "estimate", or "derived" (no list given: the precisions with a peak)
    std::string source;
    std::string note;
};

struct GpuSpec {
    std::string name;
    // Dense peak TFLOPS per GPU by precision; a precision absent here has no published
    // figure for this GPU (not necessarily no hardware support).
    std::map<Precision, Quantity> dense_tflops;
    std::optional<Quantity> fp4_inference_tflops;  // a distinct published inference figure (Rubin)
    Quantity hbm_capacity_gb;
    Quantity hbm_usable_gb;
    Quantity hbm_bandwidth_gb_per_s;
    Quantity nvlink_gb_per_s_per_direction;
    Quantity scaleout_nic_gbit_per_s;
    Quantity tdp_w;
    Quantity idle_w;
    // Native tensor-core precisions (FP4 needs Blackwell or later). A catalog entry without
    // "tensor_precisions" supports the precisions it has a dense peak for.
    PrecisionSupport tensor_precisions;

    // Peak for a precision; throws ModelError naming the GPU if unpublished.
    double dense_tflops_for(Precision p) const;
    // The simulator can run work at `p` here: the tensor cores support it and a peak is
    // published (a supported precision without a figure cannot be timed).
    bool runs(Precision p) const { return tensor_precisions.precisions.count(p) != 0 && dense_tflops.count(p) != 0; }
};

struct RackSpec {
    std::string name;
    std::string summary;
    std::string cooling;  // "liquid" or "air"
    GpuSpec gpu;
    Quantity gpus;
    Quantity nvlink_domain_gpus;
    Quantity servers_per_rack;
    Quantity compute_trays;
    Quantity cpus;
    std::string cpu_name;
    Quantity cpu_cores;
    Quantity cpu_memory_gb;
    Quantity cpu_tdp_w;
    Quantity nvlink_switch_trays;
    Quantity nvlink_switch_tray_w;
    Quantity nvswitch_w_per_server;  // HGX baseboards; 0 for NVL72
    Quantity nics;
    Quantity nic_w;
    Quantity power_shelves;
    Quantity power_shelf_capacity_kw;
    Quantity other_w;
    Quantity fan_w;  // server/tray fans, part of other_w
    Quantity max_power_kw;
    std::optional<Quantity> price_usd;

    int gpu_count() const { return static_cast<int>(gpus.value); }
    int domain_gpus() const { return static_cast<int>(nvlink_domain_gpus.value); }
};

// LLM architecture (decoder-only transformer; dense or mixture-of-experts).
struct LlmSpec {
    std::string name;
    std::string summary;
    std::string source;
    std::string status;
    int layers = 0;
    int hidden_size = 0;
    int attention_heads = 0;
    int kv_heads = 0;
    int head_dim = 0;
    int ffn_hidden_size = 0;           // dense FFN width (dense layers of an MoE too)
    std::string ffn_type = "swiglu";   // "swiglu" (3 matrices) or "gelu" (2 matrices)
    int vocab_size = 0;
    bool tied_embeddings = false;
    int max_context_tokens = 0;
    // Mixture of experts (experts == 0 means dense).
    int experts = 0;
    int active_experts = 0;
    int shared_experts = 0;
    int expert_ffn_hidden_size = 0;
    int dense_layers = 0;  // leading layers with a dense FFN (DeepSeek-V3: 3)
    // Attention variant: "mha", "gqa" or "mla" (multi-head latent attention).
    std::string attention = "gqa";
    int q_lora_rank = 0;
    int kv_lora_rank = 0;
    int qk_rope_head_dim = 0;
    int qk_nope_head_dim = 0;
    int v_head_dim = 0;
    // Published totals, kept to check the derived counts against.
    double published_parameters_b = 0.0;
    double published_active_parameters_b = 0.0;
    // Serving: the achieved fraction of the large-GEMM rate across an inference iteration's
    // math, where it has been calibrated for this model's architecture (value 0: not
    // calibrated, the services' dense default applies; models/inference_fluid.hpp).
    Quantity serving_compute_efficiency;
};

class Catalog {
public:
    // The entries embedded in the library.
    static const Catalog& builtin();

    // Adds or replaces entries from a JSON document: either one entry (with "kind") or an
    // object {"racks": [...], "llms": [...]}. `origin` names the file in error messages.
    // Throws scenario::InputError with JSON pointers on malformed entries.
    void add_json(const nlohmann::json& doc, const std::string& origin);

    const RackSpec& rack(const std::string& name) const;  // InputError listing known racks
    const LlmSpec& llm(const std::string& name) const;    // InputError listing known LLMs
    bool has_rack(const std::string& name) const { return racks_.count(name) != 0; }
    bool has_llm(const std::string& name) const { return llms_.count(name) != 0; }
    std::vector<std::string> rack_names() const;
    std::vector<std::string> llm_names() const;
    // The JSON an entry was read from (for `describe`).
    const nlohmann::json& raw(const std::string& name) const;

private:
    std::map<std::string, RackSpec> racks_;
    std::map<std::string, LlmSpec> llms_;
    std::map<std::string, std::shared_ptr<nlohmann::json>> raw_;
};

}  // namespace factorysim::catalog
