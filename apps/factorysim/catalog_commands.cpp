#include "catalog_commands.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/models/registry.hpp"
#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/models/rack_power.hpp"

namespace factorysim::cli {

namespace {

using nlohmann::json;
using catalog::Catalog;

// Units follow from the key suffix (the project's naming rule), so describe needs no
// per-field table.
std::string unit_of(const std::string& key) {
    static const std::pair<const char*, const char*> suffixes[] = {
        {"_gb_per_s_per_direction", "GB/s per direction"}, {"_gbit_per_s", "Gb/s"}, {"_gb_per_s", "GB/s"},
        {"_gb", "GB"}, {"_kw", "kW"}, {"_w", "W"}, {"_usd", "USD"}, {"_kg", "kg"}, {"_b", "billion"}};
    for (const auto& [suffix, unit] : suffixes) {
        const std::string s(suffix);
        if (key.size() >= s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0) return unit;
    }
    return "";
}

// Every figure of an entry as (path, value, unit, status, source), walking the raw JSON.
void collect_figures(const json& node, const std::string& path, json& rows) {
    for (const auto& [key, value] : node.items()) {
        const std::string here = path.empty() ? key : path + "." + key;
        if (value.is_object() && value.contains("value")) {
            const bool peak = here.find("tflops") != std::string::npos;
            rows.push_back({{"figure", here},
                            {"value", value.at("value")},
                            {"unit", peak ? "TFLOPS (dense)" : unit_of(key)},
                            {"status", value.value("status", "")},
                            {"source", value.value("source", "")},
                            {"note", value.value("note", "")}});
        } else if (value.is_object()) {
            collect_figures(value, here, rows);
        }
    }
}

json describe_rack(const catalog::RackSpec& rack, const json& raw) {
    json figures = json::array();
    collect_figures(raw, "", figures);
    json peaks = json::object();
    for (const auto& [precision, q] : rack.gpu.dense_tflops)
        peaks[catalog::to_string(precision)] = q.value * rack.gpus.value / 1000.0;
    const auto idle = models::rack_power(rack, 0.0);
    const auto full = models::rack_power(rack, 1.0);
    return {{"name", rack.name},
            {"kind", "rack"},
            {"summary", rack.summary},
            {"gpu", rack.gpu.name},
            {"gpus_per_rack", rack.gpu_count()},
            {"nvlink_domain_gpus", rack.domain_gpus()},
            {"cooling", rack.cooling},
            {"full_load_power_kw", full.total_w / 1000.0},
            {"idle_power_kw", idle.total_w / 1000.0},
            {"full_load_capped_by_power_shelves", full.capped_by_shelves},
            {"rack_dense_pflops", peaks},
            {"rack_hbm_tb", rack.gpus.value * rack.gpu.hbm_capacity_gb.value / 1000.0},
            {"figures", figures}};
}

json describe_llm(const catalog::LlmSpec& m) {
    using catalog::Precision;
    return {{"name", m.name},
            {"kind", "llm"},
            {"summary", m.summary},
            {"source", m.source},
            {"status", m.status},
            {"architecture",
             {{"layers", m.layers}, {"hidden_size", m.hidden_size}, {"attention", m.attention},
              {"attention_heads", m.attention_heads}, {"kv_heads", m.kv_heads}, {"head_dim", m.head_dim},
              {"ffn_hidden_size", m.ffn_hidden_size}, {"ffn_type", m.ffn_type}, {"vocab_size", m.vocab_size},
              {"experts", m.experts}, {"active_experts", m.active_experts}, {"shared_experts", m.shared_experts},
              {"expert_ffn_hidden_size", m.expert_ffn_hidden_size}, {"max_context_tokens", m.max_context_tokens}}},
            {"derived",
             {{"parameters_b", catalog::parameters(m) / 1e9},
              {"active_parameters_b", catalog::active_parameters(m) / 1e9},
              {"published_parameters_b", m.published_parameters_b},
              {"weight_gb_bf16", catalog::weight_bytes(m, Precision::BF16) / 1e9},
              {"weight_gb_fp8", catalog::weight_bytes(m, Precision::FP8) / 1e9},
              {"weight_gb_fp4", catalog::weight_bytes(m, Precision::FP4) / 1e9},
              {"kv_cache_bytes_per_token_bf16", catalog::kv_cache_bytes_per_token(m, Precision::BF16)},
              {"forward_gflops_per_token_at_4k_context", catalog::forward_flops_per_token(m, 4096) / 1e9},
              {"training_gflops_per_token_seq_8k", catalog::training_flops_per_token(m, 8192) / 1e9}}}};
}

void print_json(const json& j) { std::printf("%s\n", j.dump(2).c_str()); }

// A model type's parameters: name, type, unit, range, default, description.
json describe_model_type(const models::ModelType& t) {
    json params = json::array();
    for (const auto& [key, schema] : t.parameters.properties) {
        if (key == "type") continue;
        json p{{"name", key}, {"kind", std::string(scenario::to_string(schema.kind))}, {"unit", schema.unit},
               {"description", schema.description}};
        if (schema.default_value) p["default"] = *schema.default_value;
        if (schema.minimum) p["minimum"] = *schema.minimum;
        if (schema.maximum) p["maximum"] = *schema.maximum;
        if (!schema.enum_values.empty()) p["values"] = schema.enum_values;
        params.push_back(std::move(p));
    }
    return json{{"kind", "model"}, {"family", t.family}, {"name", t.type}, {"summary", t.summary},
                {"parameters", std::move(params)}};
}

}  // namespace

void add_catalog_commands(CLI::App& app) {
    auto models_format = std::make_shared<std::string>("table");
    auto* models = app.add_subcommand("models", "List the catalog: rack types and LLM architectures");
    models->add_option("--format", *models_format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    models->callback([models_format] {
        const Catalog& c = Catalog::builtin();
        if (*models_format == "json") {
            json out{{"racks", json::array()}, {"llms", json::array()}};
            for (const auto& n : c.rack_names())
                out["racks"].push_back({{"name", n}, {"summary", c.rack(n).summary}});
            for (const auto& n : c.llm_names()) out["llms"].push_back({{"name", n}, {"summary", c.llm(n).summary}});
            out["model_types"] = json::array();
            for (const auto& t : models::builtin_registry().types())
                out["model_types"].push_back({{"family", t.family}, {"name", t.type}, {"summary", t.summary}});
            print_json(out);
            return;
        }
        std::printf("Racks (catalog)\n");
        for (const auto& n : c.rack_names()) std::printf("  %-14s %s\n", n.c_str(), c.rack(n).summary.c_str());
        std::printf("LLM architectures (catalog)\n");
        for (const auto& n : c.llm_names()) std::printf("  %-14s %s\n", n.c_str(), c.llm(n).summary.c_str());
        std::printf("Model types (scenario \"type\" or policy strings)\n");
        for (const auto& t : models::builtin_registry().types())
            std::printf("  %-10s %-14s %s\n", t.family.c_str(), t.type.c_str(), t.summary.c_str());
        std::printf("\n`factorysim describe NAME` prints a rack's or LLM's figures with their units, status and sources, or a "
                    "model type's parameters with units and defaults.\n");
    });

    auto name = std::make_shared<std::string>();
    auto describe_format = std::make_shared<std::string>("table");
    auto* describe = app.add_subcommand("describe", "Print a catalog entry's figures with units and sources");
    describe->add_option("name", *name, "Catalog name (see `factorysim models`)")->required();
    describe->add_option("--format", *describe_format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
    describe->callback([name, describe_format] {
        const Catalog& c = Catalog::builtin();
        json d;
        if (const auto* type = models::builtin_registry().find(*name); type && !c.has_rack(*name) && !c.has_llm(*name)) {
            d = describe_model_type(*type);
            if (*describe_format == "json") return print_json(d);
            std::printf("%s (%s): %s\n", d["name"].get<std::string>().c_str(), d["family"].get<std::string>().c_str(),
                        d["summary"].get<std::string>().c_str());
            for (const auto& p : d["parameters"])
                std::printf("  %-34s %-9s %-10s %-14s %s\n", p["name"].get<std::string>().c_str(),
                            p["kind"].get<std::string>().c_str(), p["unit"].get<std::string>().c_str(),
                            p.contains("default") ? p["default"].dump().c_str() : "-",
                            p["description"].get<std::string>().c_str());
            return;
        }
        if (c.has_llm(*name)) d = describe_llm(c.llm(*name));
        else {
            const catalog::RackSpec& rack = c.rack(*name);  // unknown names: InputError listing known racks
            d = describe_rack(rack, c.raw(*name));
        }
        if (*describe_format == "json") return print_json(d);
        std::printf("%s: %s\n", d["name"].get<std::string>().c_str(), d["summary"].get<std::string>().c_str());
        if (d["kind"] == "llm") {
            for (const auto& [k, v] : d["architecture"].items()) std::printf("  %-40s %s\n", k.c_str(), v.dump().c_str());
            for (const auto& [k, v] : d["derived"].items())
                std::printf("  %-40s %s\n", k.c_str(), fmt::format("{:.6g}", v.get<double>()).c_str());
            std::printf("  source: %s (%s)\n", d["source"].get<std::string>().c_str(), d["status"].get<std::string>().c_str());
            return;
        }
        std::printf("  %-40s %d\n", "gpus_per_rack", d["gpus_per_rack"].get<int>());
        std::printf("  %-40s %.1f kW (idle %.1f kW)\n", "full_load_power", d["full_load_power_kw"].get<double>(),
                    d["idle_power_kw"].get<double>());
        for (const auto& [k, v] : d["rack_dense_pflops"].items())
            std::printf("  %-40s %.1f PFLOPS\n", ("rack dense " + k).c_str(), v.get<double>());
        std::printf("\n  %-40s %12s %-20s %-9s %s\n", "figure", "value", "unit", "status", "source");
        for (const auto& row : d["figures"]) {
            const json& v = row["value"];
            std::string value;  // a number, or a list (gpu.tensor_precisions)
            if (v.is_array())
                for (const auto& item : v) value += (value.empty() ? "" : ",") + item.get<std::string>();
            else
                value = fmt::format("{:g}", v.get<double>());
            std::printf("  %-40s %12s %-20s %-9s %s\n", row["figure"].get<std::string>().c_str(), value.c_str(), row["unit"].get<std::string>().c_str(),
                        row["status"].get<std::string>().c_str(), row["source"].get<std::string>().c_str());
        }
    });
}

}  // namespace factorysim::cli
