// Bottom-up network capex (docs/models/cost.md#network-capex): switches, optics and cables of
// the fat tree the fabric model sizes for the factory, against the closed form and the
// reference data's DGX SuperPOD figure (4,096 GPUs, networking 20-50 M USD).
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "factorysim/fabric/scale_out.hpp"
#include "factorysim/models/rack_power.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/world.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;
namespace fw = factorysim::world;
namespace ff = factorysim::fabric;
namespace fm = factorysim::models;

namespace {

json factory(const std::string& rack, int racks, double hours) {
    json doc = json::parse(R"({"name": "network capex", "failures": {"enabled": false},
                               "report": {"sample_interval_minutes": 600}})");
    doc["horizon_hours"] = hours;
    doc["pods"] = json::array({{{"name", "p"}, {"rack", rack}, {"racks", racks}}});
    doc["site"] = {{"ambient", {{"type", "constant"}, {"temp_c", 20}}}};
    doc["cost"]["network"]["model"] = "bottom_up";
    return doc;
}

factorysim::report::Report run(const json& doc) { return fw::run_scenario(sc::scenario_from_json(doc, "n.json")); }

std::string problems_of(const json& doc) {
    try {
        (void)sc::scenario_from_json(doc, "n.json");
    } catch (const sc::InputError& e) {
        std::string out;
        for (const auto& d : e.diagnostics()) out += d.pointer + ": " + d.message + "\n";
        return out;
    }
    return "";
}

}  // namespace

TEST_CASE("network capex: bottom-up is switches x price + optics x price + cables x price of the sized tree") {
    auto doc = factory("gb300_nvl72", 20, 1.0);  // 1,440 GPUs on 800 Gb/s NICs: Quantum-X800, 2 tiers
    const auto s = sc::scenario_from_json(doc, "n.json");
    const auto& rack = s.catalog.rack("gb300_nvl72");
    const auto sw = ff::resolve_switch("auto", rack.gpu.scaleout_nic_gbit_per_s.value);
    const int ports = ff::ports_per_nic(sw, rack.gpu.scaleout_nic_gbit_per_s.value);
    const auto tree = ff::size_fat_tree({20 * 72, ports, sw, 1.0, 0});
    const long long host_links = 20LL * 72 * ports, switch_links = tree.optical_links();
    // Default prices: Q3400 225,000 USD, 1,250 USD per 800G optic end, 100 USD per cable;
    // both ends of every link optical.
    const double expected = tree.switches() * 225000.0 + (2 * host_links + 2 * switch_links) * 1250.0 +
                            (host_links + switch_links) * 100.0;
    const auto rep = run(doc);
    const auto& n = rep.cost.network;
    CHECK(sw.name == "quantum-x800");
    CHECK(n.switch_model == "quantum-x800");
    CHECK(n.switches == tree.switches());
    CHECK(n.switches == rep.fabric.switches);  // the tree the fabric section reports
    CHECK(n.links == host_links + switch_links);
    CHECK(n.transceivers == 2 * (host_links + switch_links));
    CHECK(n.bottom_up_usd == Approx(expected).epsilon(1e-12));
    CHECK(rep.cost.capex_breakdown_usd.at("network") == Approx(expected).epsilon(1e-12));

    // Every price is the scenario's: copper NIC links, a cheaper switch, no cable cost.
    doc["cost"]["network"]["host_link_transceivers"] = 0;
    doc["cost"]["network"]["switch_usd"] = {{"quantum-x800", 1e5}};
    doc["cost"]["network"]["transceiver_usd_per_port"] = {{"quantum-x800", 900}};
    doc["cost"]["network"]["cable_usd_per_link"] = 0;
    const auto cheap = run(doc);
    CHECK(cheap.cost.network.transceivers == 2 * switch_links);
    CHECK(cheap.cost.capex_breakdown_usd.at("network") ==
          Approx(tree.switches() * 1e5 + 2 * switch_links * 900.0).epsilon(1e-12));
}

TEST_CASE("network capex: a 4,096-GPU B200 SuperPOD's network costs 20-50 M USD, as the reference data says") {
    // 256 HGX B200 racks of 16 GPUs on 400 Gb/s NICs: the B200 SuperPOD RA's 16 SUs, 128 leaf
    // + 128 spine + 64 core Quantum-2 switches, 4,096 cables per tier (fabric tests).
    const auto rep = run(factory("hgx_b200", 256, 1.0));
    const auto& n = rep.cost.network;
    CHECK(rep.utilization.gpus == 4096);
    CHECK(n.switch_model == "quantum-2");
    CHECK(n.switches == 320);
    CHECK(n.links == 3 * 4096);
    CHECK(n.transceivers == 2 * 3 * 4096);
    // 320 x 50,000 + 24,576 x 650 + 12,288 x 100 = 16.0 + 15.97 + 1.23 M USD.
    CHECK(n.bottom_up_usd == Approx(33'203'200.0).epsilon(1e-12));
    CHECK(n.bottom_up_usd >= 20e6);
    CHECK(n.bottom_up_usd <= 50e6);
    // Below the fraction default (0.33 x 256 x 470,000 = 39.7 M USD).
    CHECK(n.bottom_up_usd < 0.33 * rep.cost.capex_breakdown_usd.at("racks"));
}

TEST_CASE("network capex: a 4,104-GPU GB300 factory on Quantum-X800 lands in the same 20-50 M USD range") {
    // 57 racks: 57 leaves + 29 spines; 4,104 host links + 4,104 leaf-spine links.
    const auto rep = run(factory("gb300_nvl72", 57, 1.0));
    const auto& n = rep.cost.network;
    CHECK(n.switches == 86);
    CHECK(n.links == 8208);
    CHECK(n.bottom_up_usd == Approx(86 * 225000.0 + 16416 * 1250.0 + 8208 * 100.0).epsilon(1e-12));  // 40.69 M
    CHECK(n.bottom_up_usd >= 20e6);
    CHECK(n.bottom_up_usd <= 50e6);
}

TEST_CASE("network capex: with bottom-up prices the network's charges over its life still sum to its capex") {
    auto doc = factory("gb300_nvl72", 4, 3 * 8760.0);
    doc["cost"]["depreciation_years"] = {{"network", 3}};
    const auto rep = run(doc);
    const auto& c = rep.cost;
    REQUIRE(c.capex_breakdown_usd.at("network") == Approx(c.network.bottom_up_usd).epsilon(1e-15));
    REQUIRE(c.network.bottom_up_usd > 0.0);
    CHECK(c.depreciation_breakdown_usd.at("network") == Approx(c.capex_breakdown_usd.at("network")).epsilon(1e-12));
    double capex = 0.0, charged = 0.0;
    for (const auto& [asset, usd] : c.capex_breakdown_usd) capex += usd;
    for (const auto& [asset, usd] : c.depreciation_breakdown_usd) charged += usd;
    CHECK(c.capex_usd == Approx(capex).epsilon(1e-12));
    CHECK(c.depreciation_usd == Approx(charged).epsilon(1e-12));
}

TEST_CASE("network capex: the fraction model (default) charges the fraction and reports the bottom-up figure") {
    auto doc = factory("gb300_nvl72", 8, 1.0);
    doc["cost"].erase("network");
    const auto rep = run(doc);
    const auto& c = rep.cost;
    CHECK(c.network.model == "fraction");
    CHECK(c.capex_breakdown_usd.at("network") == Approx(0.33 * c.capex_breakdown_usd.at("racks")).epsilon(1e-12));
    CHECK(c.network.switches == 12);  // 8 leaves + 4 spines, the B300-XDR RA's scalable unit
    CHECK(c.network.bottom_up_usd > 0.0);
    CHECK(c.network.bottom_up_usd != Approx(c.capex_breakdown_usd.at("network")));
}

TEST_CASE("network capex: a factory that is one NVLink domain has no scale-out tree and no network capex") {
    const auto rep = run(factory("gb300_nvl72", 1, 1.0));
    CHECK(rep.fabric.tiers == 0);
    CHECK(rep.cost.network.switches == 0);
    CHECK(rep.cost.capex_breakdown_usd.at("network") == 0.0);
}

TEST_CASE("network capex: bottom-up network capital carries interest from each rack's delivery, per GPU") {
    const double rate = 0.08, install = 8, burn_in = 24, per_day = 2;
    auto doc = factory("gb300_nvl72", 3, 24);
    doc["cost"]["financing"] = {{"rate_per_year", rate}};
    doc["deployment"] = {{"racks_per_day", per_day}, {"install_hours", install}, {"burn_in_hours", burn_in}};
    const auto rep = run(doc);
    const auto s = sc::scenario_from_json(doc, "n.json");
    const auto& rack = s.catalog.rack("gb300_nvl72");
    const double network_per_rack = rep.cost.network.bottom_up_usd / 3;  // equal racks: equal GPU shares
    const double it_usd = rack.price_usd->value * (1 + s.cost.installation_fraction) + network_per_rack +
                          s.cost.storage_usd_per_gpu * rack.gpu_count();
    const double site_usd = s.cost.facility_usd_per_mw * fm::full_load_power_kw(rack) / 1e3;
    double usd_hours = 0.0;
    for (int k = 0; k < 3; ++k) {
        const double delivered = k * 24.0 / per_day, in_service = delivered + install + burn_in;
        usd_hours += it_usd * (in_service - delivered) + site_usd * in_service;
    }
    CHECK(rep.cost.interest_during_construction_usd == Approx(rate / 8760 * usd_hours).epsilon(1e-12));
}

TEST_CASE("network capex: a bad network model or price is refused at its JSON pointer") {
    auto doc = factory("gb300_nvl72", 2, 1.0);
    doc["cost"]["network"]["model"] = "per_port";
    doc["cost"]["network"]["switch_usd"] = {{"quantum-x900", 1}};
    doc["cost"]["network"]["host_link_transceivers"] = 3;
    const auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/cost/network/model"));
    CHECK_THAT(p, Catch::Contains("/cost/network/switch_usd/quantum-x900"));
    CHECK_THAT(p, Catch::Contains("/cost/network/host_link_transceivers"));
}
