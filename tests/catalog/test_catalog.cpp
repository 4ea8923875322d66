#include <catch2/catch.hpp>

#include <functional>

#include <nlohmann/json.hpp>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/scenario/schema.hpp"

using factorysim::catalog::Catalog;
using factorysim::catalog::Precision;
using factorysim::scenario::InputError;
using nlohmann::json;

TEST_CASE("the built-in catalog has the racks and LLMs the product promises", "[catalog]") {
    const Catalog& c = Catalog::builtin();
    for (const char* rack : {"gb300_nvl72", "vr_nvl72", "gb200_nvl72", "hgx_b200", "hgx_h200", "hgx_h100"})
        REQUIRE(c.has_rack(rack));
    for (const char* llm : {"llama3.1-8b", "llama3.1-70b", "llama3.1-405b", "llama2-70b", "deepseek-v3", "deepseek-r1",
                            "gpt3-175b", "mixtral-8x7b"})
        REQUIRE(c.has_llm(llm));
}

TEST_CASE("every built-in figure carries a source and a confirmed/estimate status", "[catalog]") {
    const Catalog& c = Catalog::builtin();
    int figures = 0;
    std::function<void(const json&, const std::string&)> walk = [&](const json& node, const std::string& path) {
        for (const auto& [key, value] : node.items()) {
            if (!value.is_object()) continue;
            if (value.contains("value")) {
                ++figures;
                INFO(path + "/" + key);
                REQUIRE(value.contains("source"));
                REQUIRE_FALSE(value.at("source").get<std::string>().empty());
                const std::string status = value.at("status").get<std::string>();
                REQUIRE((status == "confirmed" || status == "estimate"));
            } else {
                walk(value, path + "/" + key);
            }
        }
    };
    for (const auto& name : c.rack_names()) walk(c.raw(name), name);
    REQUIRE(figures > 100);
}

TEST_CASE("GB300 NVL72: 72 GPUs in one NVLink domain, 1,080 PFLOPS dense FP4, 72 x 288 GB HBM", "[catalog]") {
    const auto& r = Catalog::builtin().rack("gb300_nvl72");
    REQUIRE(r.gpu_count() == 72);
    REQUIRE(r.domain_gpus() == 72);
    REQUIRE(r.gpu.dense_tflops_for(Precision::FP4) * r.gpus.value / 1000.0 == Approx(1080.0));
    REQUIRE(r.gpu.hbm_capacity_gb.value == 288.0);
    REQUIRE(r.gpus.value * r.gpu.hbm_capacity_gb.value == Approx(20736.0));
    REQUIRE(r.gpu.nvlink_gb_per_s_per_direction.value == 900.0);
}

TEST_CASE("Vera Rubin NVL72: 50 PFLOPS NVFP4 inference per GPU, 22 TB/s HBM4, 1.8 TB/s NVLink per direction",
          "[catalog]") {
    const auto& r = Catalog::builtin().rack("vr_nvl72");
    REQUIRE(r.gpu.fp4_inference_tflops.has_value());
    REQUIRE(r.gpu.fp4_inference_tflops->value == 50000.0);
    REQUIRE(r.gpu.hbm_bandwidth_gb_per_s.value == 22000.0);
    REQUIRE(r.gpu.nvlink_gb_per_s_per_direction.value == 1800.0);
    // BF16 is not published for Rubin: the catalog must say the figure is an estimate.
    REQUIRE(r.gpu.dense_tflops.at(Precision::BF16).status == "estimate");
}

TEST_CASE("an H100 has 989 dense BF16 TFLOPS and no FP4", "[catalog]") {
    const auto& g = Catalog::builtin().rack("hgx_h100").gpu;
    REQUIRE(g.dense_tflops_for(Precision::BF16) == Approx(989.0).margin(1.0));
    REQUIRE_FALSE(g.dense_tflops.count(Precision::FP4));
    REQUIRE_THROWS_AS(g.dense_tflops_for(Precision::FP4), factorysim::ModelError);
}

TEST_CASE("tensor precisions: FP4 needs Blackwell or later; every built-in GPU lists its own, with a source",
          "[catalog]") {
    const auto& c = Catalog::builtin();
    for (const auto& name : c.rack_names()) {
        INFO(name);
        const auto& support = c.rack(name).gpu.tensor_precisions;
        CHECK((support.status == "confirmed" || support.status == "estimate"));
        CHECK_FALSE(support.source.empty());
        CHECK(c.rack(name).gpu.runs(Precision::BF16));
    }
    for (const char* hopper : {"hgx_h100", "hgx_h200"}) CHECK_FALSE(c.rack(hopper).gpu.runs(Precision::FP4));
    for (const char* blackwell : {"gb200_nvl72", "gb300_nvl72", "hgx_b200", "vr_nvl72"})
        CHECK(c.rack(blackwell).gpu.runs(Precision::FP4));
    CHECK_FALSE(c.rack("vr_nvl72").gpu.runs(Precision::TF32));  // unpublished: cannot be timed
}

TEST_CASE("tensor precisions: a user entry without a list supports the precisions it has a peak for; a bad name is "
          "rejected with its pointer",
          "[catalog]") {
    Catalog c = Catalog::builtin();
    json rack = c.raw("hgx_h100");
    rack["name"] = "my_h100";
    rack["gpu"].erase("tensor_precisions");
    c.add_json(rack, "mine.json");
    CHECK(c.rack("my_h100").gpu.tensor_precisions.status == "derived");
    CHECK(c.rack("my_h100").gpu.runs(Precision::FP8));
    CHECK_FALSE(c.rack("my_h100").gpu.runs(Precision::FP4));
    rack["gpu"]["tensor_precisions"] = json::array({"fp8", "int3"});
    try {
        c.add_json(rack, "mine.json");
        FAIL("expected an input error");
    } catch (const factorysim::scenario::InputError& e) {
        CHECK(e.diagnostics().front().pointer == "/gpu/tensor_precisions/1");
    }
}

TEST_CASE("unknown catalog names list the known ones", "[catalog]") {
    REQUIRE_THROWS_WITH(Catalog::builtin().rack("gb300_nvl27"),
                        Catch::Contains("unknown rack \"gb300_nvl27\"") && Catch::Contains("did you mean \"gb300_nvl72\"") &&
                            Catch::Contains("hgx_h100"));
    REQUIRE_THROWS_WITH(Catalog::builtin().llm("llama4"), Catch::Contains("known LLMs:"));
}

TEST_CASE("a user can add a rack with bare numbers and override a built-in entry", "[catalog]") {
    Catalog c = Catalog::builtin();
    json rack = c.raw("gb300_nvl72");
    rack["name"] = "gb300_capped";
    rack["gpu"]["tdp_w"] = 1100;  // bare number: a user figure
    c.add_json(rack, "site.json");
    REQUIRE(c.rack("gb300_capped").gpu.tdp_w.value == 1100.0);
    REQUIRE(c.rack("gb300_capped").gpu.tdp_w.status == "user");
    REQUIRE(c.rack("gb300_capped").gpu.tdp_w.source == "site.json");
    REQUIRE(c.rack("gb300_nvl72").gpu.tdp_w.value == 1400.0);  // the original is untouched
}

TEST_CASE("a malformed catalog entry is rejected whole, with every problem's JSON pointer", "[catalog]") {
    Catalog c = Catalog::builtin();
    json bad = c.raw("hgx_h100");
    bad["gpu"]["tdp_w"] = -5;
    bad["rack"]["gpus"] = 0;
    bad["gpu"]["hbm_bandwith_gb_per_s"] = 3350;
    try {
        c.add_json(json{{"racks", json::array({bad})}}, "mine.json");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        const std::string what = e.what();
        REQUIRE(what.find("mine.json: /racks/0/gpu/tdp_w") != std::string::npos);
        REQUIRE(what.find("/racks/0/rack/gpus") != std::string::npos);
        REQUIRE(what.find("did you mean \"hbm_bandwidth_gb_per_s\"") != std::string::npos);
        // The negative TDP is also below the idle power: reported as a fourth problem.
        REQUIRE(what.find("exceeds the TDP") != std::string::npos);
        REQUIRE(e.diagnostics().size() == 4);
    }
    REQUIRE(c.rack("hgx_h100").gpu.tdp_w.value == 700.0);
}
