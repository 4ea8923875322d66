#include "factorysim/catalog/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "factorysim/core/error.hpp"
#include "factorysim/scenario/json_input.hpp"
#include "factorysim/scenario/schema.hpp"

namespace factorysim::detail {
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();
}

namespace factorysim::catalog {

using nlohmann::json;
using scenario::append_pointer;
using scenario::Diagnostic;
using scenario::InputError;

namespace {

// Reads one catalog entry, collecting every problem (with its JSON pointer) instead of
// stopping at the first, and rejecting keys it does not know.
class EntryReader {
public:
    EntryReader(const std::string& origin, std::vector<Diagnostic>& problems) : origin_(origin), problems_(problems) {}

    // A figure: {"value": v, "status": ..., "source": ..., "note": ...}. A bare number is
    // accepted for user entries and recorded as status "user", sourced to the file.
    Quantity quantity(const json& parent, const std::string& pointer, const char* key, bool required = true,
                      double default_value = 0.0) {
        Quantity q;
        q.value = default_value;
        const std::string at = append_pointer(pointer, key);
        if (!parent.contains(key)) {
            if (required) problem(pointer, fmt::format("missing required figure \"{}\"", key));
            return q;
        }
        const json& v = parent.at(key);
        if (v.is_number()) {
            q.value = v.get<double>();
            q.status = "user";
            q.source = origin_;
        } else if (v.is_object()) {
            expect_keys(v, at, {"value", "status", "source", "note"});
            if (!v.contains("value") || !v.at("value").is_number()) {
                problem(at, "expected a number under \"value\"");
                return q;
            }
            q.value = v.at("value").get<double>();
            q.status = text(v, at, "status", "user");
            q.source = text(v, at, "source", origin_);
            q.note = text(v, at, "note", "");
            if (q.status != "confirmed" && q.status != "estimate" && q.status != "user")
                problem(append_pointer(at, "status"),
                        fmt::format("expected \"confirmed\" or \"estimate\", found \"{}\"", q.status));
        } else {
            problem(at, fmt::format("expected a number or a figure object, found {}", scenario::describe_value(v)));
            return q;
        }
        if (!std::isfinite(q.value) || q.value < 0.0)
            problem(at, fmt::format("expected a finite, non-negative figure, found {}", q.value));
        return q;
    }

    std::string text(const json& parent, const std::string& pointer, const char* key, std::string fallback) {
        if (!parent.contains(key)) return fallback;
        const json& v = parent.at(key);
        if (!v.is_string()) {
            problem(append_pointer(pointer, key), fmt::format("expected a string, found {}", scenario::describe_value(v)));
            return fallback;
        }
        return v.get<std::string>();
    }

    int count(const json& parent, const std::string& pointer, const char* key, bool required, int max_value) {
        const std::string at = append_pointer(pointer, key);
        if (!parent.contains(key)) {
            if (required) problem(pointer, fmt::format("missing required key \"{}\"", key));
            return 0;
        }
        const json& v = parent.at(key);
        if (!v.is_number() || v.get<double>() != std::floor(v.get<double>()) || v.get<double>() < 0 ||
            v.get<double>() > max_value) {
            problem(at, fmt::format("expected an integer in [0, {}], found {}", max_value, scenario::describe_value(v)));
            return 0;
        }
        return v.get<int>();
    }

    bool flag(const json& parent, const std::string& pointer, const char* key) {
        if (!parent.contains(key)) return false;
        if (!parent.at(key).is_boolean()) {
            problem(append_pointer(pointer, key), "expected true or false");
            return false;
        }
        return parent.at(key).get<bool>();
    }

    void expect_keys(const json& object, const std::string& pointer, const std::vector<std::string>& known) {
        for (const auto& [key, value] : object.items()) {
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            const std::string hint = scenario::did_you_mean(key, known);
            problem(append_pointer(pointer, key),
                    hint.empty() ? fmt::format("unknown key \"{}\"", key)
                                 : fmt::format("unknown key \"{}\"; did you mean \"{}\"?", key, hint));
        }
    }

    const json* object(const json& parent, const std::string& pointer, const char* key) {
        if (!parent.contains(key) || !parent.at(key).is_object()) {
            problem(pointer, fmt::format("missing required object \"{}\"", key));
            return nullptr;
        }
        return &parent.at(key);
    }

    void problem(std::string pointer, std::string message) { problems_.push_back({std::move(pointer), std::move(message)}); }

private:
    const std::string& origin_;
    std::vector<Diagnostic>& problems_;
};

// "tensor_precisions": {"value": ["fp4", "fp8", ...], "status", "source", "note"}, or a bare
// list for user entries. Absent: the precisions the entry has a dense peak for.
PrecisionSupport read_precision_support(EntryReader& r, const json& g, const std::string& at, const GpuSpec& gpu) {
    PrecisionSupport s;
    if (!g.contains("tensor_precisions")) {
        for (const auto& [p, q] : gpu.dense_tflops) s.precisions.insert(p);
        s.status = "derived";
        s.note = "no tensor_precisions list: the precisions with a dense peak";
        return s;
    }
    const std::string p_at = append_pointer(at, "tensor_precisions");
    const json& v = g.at("tensor_precisions");
    const json* list = &v;
    if (v.is_object()) {
        r.expect_keys(v, p_at, {"value", "status", "source", "note"});
        s.status = r.text(v, p_at, "status", "user");
        s.source = r.text(v, p_at, "source", "");
        s.note = r.text(v, p_at, "note", "");
        if (!v.contains("value")) {
            r.problem(p_at, "expected a list of precisions under \"value\"");
            return s;
        }
        list = &v.at("value");
    } else {
        s.status = "user";
    }
    if (!list->is_array()) {
        r.problem(p_at, fmt::format("expected a list of precisions, found {}", scenario::describe_value(*list)));
        return s;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& name = (*list)[i];
        const auto precision = name.is_string() ? parse_precision(name.get<std::string>()) : std::nullopt;
        if (!precision)
            r.problem(append_pointer(v.is_object() ? append_pointer(p_at, "value") : p_at, i),
                      fmt::format("expected one of fp4, fp8, bf16, tf32, fp64, found {}", scenario::describe_value(name)));
        else
            s.precisions.insert(*precision);
    }
    return s;
}

GpuSpec read_gpu(EntryReader& r, const json& g, const std::string& at) {
    r.expect_keys(g, at,
                  {"name", "dense_tflops", "fp4_inference_tflops", "hbm_capacity_gb", "hbm_usable_gb",
                   "hbm_bandwidth_gb_per_s", "nvlink_gb_per_s_per_direction", "scaleout_nic_gbit_per_s", "tdp_w",
                   "idle_w", "tensor_precisions"});
    GpuSpec gpu;
    gpu.name = r.text(g, at, "name", "GPU");
    if (const json* peaks = r.object(g, at, "dense_tflops")) {
        const std::string p_at = append_pointer(at, "dense_tflops");
        for (const auto& [key, value] : peaks->items()) {
            if (key == "fp4_inference") {  // a distinct published inference figure (Rubin's 50 PF NVFP4)
                gpu.fp4_inference_tflops = r.quantity(*peaks, p_at, "fp4_inference");
                continue;
            }
            const auto precision = parse_precision(key);
            if (!precision || key == "nvfp4" || key == "fp16") {
                r.problem(append_pointer(p_at, key),
                          fmt::format("unknown precision \"{}\"; expected fp4, fp4_inference, fp8, bf16, tf32 or fp64", key));
                continue;
            }
            gpu.dense_tflops[*precision] = r.quantity(*peaks, p_at, key.c_str());
        }
    }
    if (g.contains("fp4_inference_tflops")) gpu.fp4_inference_tflops = r.quantity(g, at, "fp4_inference_tflops");
    gpu.hbm_capacity_gb = r.quantity(g, at, "hbm_capacity_gb");
    gpu.hbm_usable_gb = g.contains("hbm_usable_gb") ? r.quantity(g, at, "hbm_usable_gb") : gpu.hbm_capacity_gb;
    gpu.hbm_bandwidth_gb_per_s = r.quantity(g, at, "hbm_bandwidth_gb_per_s");
    gpu.nvlink_gb_per_s_per_direction = r.quantity(g, at, "nvlink_gb_per_s_per_direction");
    gpu.scaleout_nic_gbit_per_s = r.quantity(g, at, "scaleout_nic_gbit_per_s");
    gpu.tdp_w = r.quantity(g, at, "tdp_w");
    gpu.idle_w = r.quantity(g, at, "idle_w");
    if (gpu.idle_w.value > gpu.tdp_w.value)
        r.problem(append_pointer(at, "idle_w"), fmt::format("idle power {} W exceeds the TDP of {} W", gpu.idle_w.value,
                                                            gpu.tdp_w.value));
    gpu.tensor_precisions = read_precision_support(r, g, at, gpu);
    return gpu;
}

RackSpec read_rack(EntryReader& r, const json& e, const std::string& at) {
    r.expect_keys(e, at, {"name", "kind", "summary", "cooling", "gpu", "rack", "price_usd"});
    RackSpec rack;
    rack.name = r.text(e, at, "name", "");
    rack.summary = r.text(e, at, "summary", "");
    rack.cooling = r.text(e, at, "cooling", "liquid");
    if (rack.cooling != "liquid" && rack.cooling != "air")
        r.problem(append_pointer(at, "cooling"), fmt::format("expected \"liquid\" or \"air\", found \"{}\"", rack.cooling));
    if (const json* g = r.object(e, at, "gpu")) rack.gpu = read_gpu(r, *g, append_pointer(at, "gpu"));
    if (const json* k = r.object(e, at, "rack")) {
        const std::string k_at = append_pointer(at, "rack");
        r.expect_keys(*k, k_at,
                      {"gpus", "nvlink_domain_gpus", "servers_per_rack", "compute_trays", "cpus", "cpu_name",
                       "cpu_cores", "cpu_memory_gb", "cpu_tdp_w", "nvlink_switch_trays", "nvlink_switch_tray_w",
                       "nvswitch_chips", "nvswitch_w_per_server", "nics", "nic_w", "power_shelves",
                       "power_shelf_capacity_kw", "other_w", "fan_w", "max_power_kw", "weight_kg"});
        rack.gpus = r.quantity(*k, k_at, "gpus");
        rack.nvlink_domain_gpus = r.quantity(*k, k_at, "nvlink_domain_gpus");
        rack.servers_per_rack = r.quantity(*k, k_at, "servers_per_rack", false, 1.0);
        rack.compute_trays = r.quantity(*k, k_at, "compute_trays", false, rack.servers_per_rack.value);
        rack.cpus = r.quantity(*k, k_at, "cpus");
        rack.cpu_name = r.text(*k, k_at, "cpu_name", "CPU");
        rack.cpu_cores = r.quantity(*k, k_at, "cpu_cores", false);
        rack.cpu_memory_gb = r.quantity(*k, k_at, "cpu_memory_gb", false);
        rack.cpu_tdp_w = r.quantity(*k, k_at, "cpu_tdp_w");
        rack.nvlink_switch_trays = r.quantity(*k, k_at, "nvlink_switch_trays", false);
        rack.nvlink_switch_tray_w = r.quantity(*k, k_at, "nvlink_switch_tray_w", false);
        rack.nvswitch_w_per_server = r.quantity(*k, k_at, "nvswitch_w_per_server", false);
        rack.nics = r.quantity(*k, k_at, "nics");
        rack.nic_w = r.quantity(*k, k_at, "nic_w");
        rack.power_shelves = r.quantity(*k, k_at, "power_shelves");
        rack.power_shelf_capacity_kw = r.quantity(*k, k_at, "power_shelf_capacity_kw");
        rack.other_w = r.quantity(*k, k_at, "other_w", false);
        rack.fan_w = r.quantity(*k, k_at, "fan_w", false);
        rack.max_power_kw = r.quantity(*k, k_at, "max_power_kw", false);
        const double gpus = rack.gpus.value, domain = rack.nvlink_domain_gpus.value;
        if (gpus < 1 || gpus > 1024 || gpus != std::floor(gpus))
            r.problem(append_pointer(k_at, "gpus"), fmt::format("expected a whole number of GPUs in [1, 1024], found {}", gpus));
        else if (domain < 1 || domain > gpus || std::fmod(gpus, domain) != 0)
            r.problem(append_pointer(k_at, "nvlink_domain_gpus"),
                      fmt::format("expected a divisor of the rack's {} GPUs, found {}", gpus, domain));
    }
    if (e.contains("price_usd")) rack.price_usd = r.quantity(e, at, "price_usd");
    return rack;
}

LlmSpec read_llm(EntryReader& r, const json& e, const std::string& at) {
    r.expect_keys(e, at,
                  {"name", "kind", "summary", "source", "status", "layers", "hidden_size", "attention_heads", "kv_heads",
                   "head_dim", "ffn_hidden_size", "ffn_type", "vocab_size", "tied_embeddings", "max_context_tokens",
                   "experts", "active_experts", "shared_experts", "expert_ffn_hidden_size", "dense_layers", "attention",
                   "q_lora_rank", "kv_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim",
                   "published_parameters_b", "published_active_parameters_b", "serving_compute_efficiency"});
    LlmSpec m;
    constexpr int big = 1 << 24;
    m.name = r.text(e, at, "name", "");
    m.summary = r.text(e, at, "summary", "");
    m.source = r.text(e, at, "source", "");
    m.status = r.text(e, at, "status", "user");
    m.layers = r.count(e, at, "layers", true, 100'000);
    m.hidden_size = r.count(e, at, "hidden_size", true, big);
    m.attention_heads = r.count(e, at, "attention_heads", true, big);
    m.kv_heads = r.count(e, at, "kv_heads", false, big);
    if (m.kv_heads == 0) m.kv_heads = m.attention_heads;
    m.head_dim = r.count(e, at, "head_dim", false, big);
    if (m.head_dim == 0 && m.attention_heads > 0) m.head_dim = m.hidden_size / m.attention_heads;
    m.ffn_hidden_size = r.count(e, at, "ffn_hidden_size", true, big);
    m.ffn_type = r.text(e, at, "ffn_type", "swiglu");
    if (m.ffn_type != "swiglu" && m.ffn_type != "gelu")
        r.problem(append_pointer(at, "ffn_type"), fmt::format("expected \"swiglu\" or \"gelu\", found \"{}\"", m.ffn_type));
    m.vocab_size = r.count(e, at, "vocab_size", true, big);
    m.tied_embeddings = r.flag(e, at, "tied_embeddings");
    m.max_context_tokens = r.count(e, at, "max_context_tokens", false, big * 8);
    m.experts = r.count(e, at, "experts", false, 1 << 16);
    m.active_experts = r.count(e, at, "active_experts", false, 1 << 16);
    m.shared_experts = r.count(e, at, "shared_experts", false, 1 << 16);
    m.expert_ffn_hidden_size = r.count(e, at, "expert_ffn_hidden_size", false, big);
    m.dense_layers = r.count(e, at, "dense_layers", false, 100'000);
    m.attention = r.text(e, at, "attention", m.kv_heads == m.attention_heads ? "mha" : "gqa");
    if (m.attention != "mha" && m.attention != "gqa" && m.attention != "mla")
        r.problem(append_pointer(at, "attention"), fmt::format("expected \"mha\", \"gqa\" or \"mla\", found \"{}\"", m.attention));
    m.q_lora_rank = r.count(e, at, "q_lora_rank", false, big);
    m.kv_lora_rank = r.count(e, at, "kv_lora_rank", false, big);
    m.qk_rope_head_dim = r.count(e, at, "qk_rope_head_dim", false, big);
    m.qk_nope_head_dim = r.count(e, at, "qk_nope_head_dim", false, big);
    m.v_head_dim = r.count(e, at, "v_head_dim", false, big);
    if (e.contains("published_parameters_b")) m.published_parameters_b = r.quantity(e, at, "published_parameters_b").value;
    if (e.contains("published_active_parameters_b"))
        m.published_active_parameters_b = r.quantity(e, at, "published_active_parameters_b").value;
    m.serving_compute_efficiency = r.quantity(e, at, "serving_compute_efficiency", false);
    if (e.contains("serving_compute_efficiency") &&
        !(m.serving_compute_efficiency.value >= 0.05 && m.serving_compute_efficiency.value <= 1.0))
        r.problem(append_pointer(at, "serving_compute_efficiency"),
                  fmt::format("expected a fraction in [0.05, 1], found {}", m.serving_compute_efficiency.value));
    if (m.experts > 0 && (m.active_experts < 1 || m.active_experts > m.experts))
        r.problem(append_pointer(at, "active_experts"),
                  fmt::format("expected between 1 and {} active experts, found {}", m.experts, m.active_experts));
    if (m.attention_heads > 0 && m.kv_heads > 0 && m.attention_heads % m.kv_heads != 0)
        r.problem(append_pointer(at, "kv_heads"),
                  fmt::format("expected a divisor of the {} attention heads, found {}", m.attention_heads, m.kv_heads));
    return m;
}

std::string known_list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// "unknown rack "x" (did you mean "y"?); known racks: a, b, c"
InputError unknown_entry(const char* kind, const char* kinds, const std::string& name,
                         const std::vector<std::string>& names) {
    const std::string hint = scenario::did_you_mean(name, names);
    return InputError("catalog", {{"", fmt::format("unknown {} \"{}\"{}; known {}: {}", kind, name,
                                                   hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint),
                                                   kinds, known_list(names))}});
}

}  // namespace

double GpuSpec::dense_tflops_for(Precision p) const {
    const auto it = dense_tflops.find(p);
    if (it == dense_tflops.end())
        throw ModelError(fmt::format("{} has no published dense {} peak in the catalog", name, to_string(p)));
    return it->second.value;
}

const Catalog& Catalog::builtin() {
    static const Catalog catalog = [] {
        Catalog c;
        for (const auto& [path, text] : detail::embedded_files())
            c.add_json(scenario::parse_json_text(text, "built-in catalog " + std::string(path)),
                       "built-in catalog " + std::string(path));
        return c;
    }();
    return catalog;
}

void Catalog::add_json(const json& doc, const std::string& origin) {
    std::vector<Diagnostic> problems;
    EntryReader reader(origin, problems);
    std::vector<std::pair<const json*, std::string>> entries;
    if (!doc.is_object()) {
        throw InputError(origin, {{"", "expected a catalog entry or {\"racks\": [...], \"llms\": [...]}"}});
    } else if (doc.contains("kind")) {
        entries.emplace_back(&doc, "");
    } else {
        reader.expect_keys(doc, "", {"racks", "llms"});
        for (const char* section : {"racks", "llms"}) {
            if (!doc.contains(section)) continue;
            const json& list = doc.at(section);
            if (!list.is_array()) {
                reader.problem(append_pointer("", section), "expected an array of catalog entries");
                continue;
            }
            for (std::size_t i = 0; i < list.size(); ++i)
                entries.emplace_back(&list[i], append_pointer(append_pointer("", section), i));
        }
    }
    std::vector<std::pair<std::string, RackSpec>> new_racks;
    std::vector<std::pair<std::string, LlmSpec>> new_llms;
    std::vector<std::pair<std::string, const json*>> new_raw;
    for (const auto& [entry, at] : entries) {
        if (!entry->is_object()) {
            reader.problem(at, "expected a catalog entry object");
            continue;
        }
        const std::string kind = reader.text(*entry, at, "kind", "");
        const std::string name = reader.text(*entry, at, "name", "");
        if (name.empty() || name.size() > 64 ||
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos) {
            reader.problem(append_pointer(at, "name"),
                           "expected a name of 1-64 characters from a-z, 0-9, '_', '.', '-'");
            continue;
        }
        if (kind == "rack") {
            new_racks.emplace_back(name, read_rack(reader, *entry, at));
        } else if (kind == "llm") {
            new_llms.emplace_back(name, read_llm(reader, *entry, at));
        } else {
            reader.problem(append_pointer(at, "kind"), fmt::format("expected \"rack\" or \"llm\", found \"{}\"", kind));
            continue;
        }
        new_raw.emplace_back(name, entry);
    }
    if (!problems.empty()) throw InputError(origin, std::move(problems));
    // All or nothing: nothing is replaced unless every entry was valid.
    for (auto& [name, rack] : new_racks) racks_[name] = std::move(rack);
    for (auto& [name, llm] : new_llms) llms_[name] = std::move(llm);
    for (auto& [name, raw] : new_raw) raw_[name] = std::make_shared<json>(*raw);
}

const RackSpec& Catalog::rack(const std::string& name) const {
    const auto it = racks_.find(name);
    if (it == racks_.end()) throw unknown_entry("rack", "racks", name, rack_names());
    return it->second;
}

const LlmSpec& Catalog::llm(const std::string& name) const {
    const auto it = llms_.find(name);
    if (it == llms_.end()) throw unknown_entry("LLM", "LLMs", name, llm_names());
    return it->second;
}

std::vector<std::string> Catalog::rack_names() const {
    std::vector<std::string> names;
    for (const auto& [name, spec] : racks_) names.push_back(name);
    return names;
}

std::vector<std::string> Catalog::llm_names() const {
    std::vector<std::string> names;
    for (const auto& [name, spec] : llms_) names.push_back(name);
    return names;
}

const json& Catalog::raw(const std::string& name) const {
    const auto it = raw_.find(name);
    if (it == raw_.end()) throw InputError("catalog", {{"", fmt::format("no catalog entry named \"{}\"", name)}});
    return *it->second;
}

}  // namespace factorysim::catalog
