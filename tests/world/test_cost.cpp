// The cost model end to end (docs/models/cost.md): energy cost as the exact integral of
// facility power x tariff, capital charges by asset class, financing, unit costs and the
// workloads' shares of the TCO.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/models/cooling_plant.hpp"
#include "factorysim/models/rack_power.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/world.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;
namespace fw = factorysim::world;
namespace fm = factorysim::models;

namespace {

json base(int racks, double hours) {
    json doc = json::parse(R"({"name": "cost", "failures": {"enabled": false},
                               "report": {"sample_interval_minutes": 600}})");
    doc["horizon_hours"] = hours;
    doc["pods"] = json::array({{{"name", "p"}, {"rack", "gb300_nvl72"}, {"racks", racks}}});
    doc["site"] = {{"ambient", {{"type", "constant"}, {"temp_c", 20}}}};
    return doc;
}

factorysim::report::Report run(const json& doc) {
    const auto s = sc::scenario_from_json(doc, "cost.json");
    return fw::run_scenario(s);
}

// A deployment ramp gives a facility power known in closed form that steps at times off the
// hour: rack r arrives at r x 2.4 h, is installed 0.7 h later, burns in at full load for
// 1.3 h, then idles in the pool (no workloads). 3 racks, constant 20 C outdoors.
constexpr int ramp_racks = 3;
constexpr double delivery_h = 2.4, install_h = 0.7, burn_in_h = 1.3;

json ramp(double hours) {
    auto doc = base(ramp_racks, hours);
    doc["deployment"] = {{"racks_per_day", 24.0 / delivery_h}, {"install_hours", install_h},
                         {"burn_in_hours", burn_in_h}};
    return doc;
}

// The world's facility power at time t (h) on the ramp, from the models' closed forms.
std::function<double(double)> ramp_facility_w(const json& doc) {
    const auto s = sc::scenario_from_json(doc, "cost.json");
    const auto& rack = s.catalog.rack("gb300_nvl72");
    const double full_w = fm::rack_power(rack, 1.0).total_w, idle_w = fm::rack_power(rack, 0.0).total_w;
    const double design_w = ramp_racks * fm::full_load_power_kw(rack) * 1e3;
    const auto cooling = s.cooling;
    return [=](double t) {
        double it_w = 0.0;
        for (int r = 0; r < ramp_racks; ++r) {
            const double installed = r * delivery_h + install_h, joined = installed + burn_in_h;
            it_w += t < installed ? 0.0 : t < joined ? full_w : idle_w;
        }
        return fm::plant_state(cooling, it_w, 20.0, design_w).facility_w;
    };
}

std::vector<double> ramp_power_steps_h() {
    std::vector<double> t;
    for (int r = 0; r < ramp_racks; ++r) {
        t.push_back(r * delivery_h + install_h);
        t.push_back(r * delivery_h + install_h + burn_in_h);
    }
    return t;
}

// Sum over the pieces between consecutive breakpoints of P x price x dt, each piece
// evaluated at its midpoint (both are constant on it), in USD.
double integral_usd(const std::function<double(double)>& power_w, const std::function<double(double)>& usd_per_kwh,
                    std::vector<double> breaks_h, double hours) {
    breaks_h.push_back(0.0);
    breaks_h.push_back(hours);
    std::sort(breaks_h.begin(), breaks_h.end());
    double usd = 0.0;
    for (std::size_t i = 0; i + 1 < breaks_h.size(); ++i) {
        const double a = breaks_h[i], b = std::min(breaks_h[i + 1], hours);
        if (b <= a) continue;
        const double mid = 0.5 * (a + b);
        usd += power_w(mid) / 1e3 * (b - a) * usd_per_kwh(mid);
    }
    return usd;
}

}  // namespace

TEST_CASE("cost: energy cost is the exact integral of facility power x a time-of-use tariff") {
    const double hours = 30.0;
    auto doc = ramp(hours);
    // Off-hour boundaries (3.75 h) and a period past midnight.
    doc["site"]["tariff"] = json::parse(R"({"type": "time_of_use", "periods": [
        {"from_hour": 22, "to_hour": 3.75, "usd_per_kwh": 0.05},
        {"from_hour": 3.75, "to_hour": 7, "usd_per_kwh": 0.08},
        {"from_hour": 7, "to_hour": 22, "usd_per_kwh": 0.15}]})");
    const auto rep = run(doc);
    REQUIRE(rep.thermal.throttled_gpu_hours == 0.0);  // the closed form assumes no throttling
    auto price = [](double t) {
        const double h = std::fmod(t, 24.0);
        return h >= 22.0 || h < 3.75 ? 0.05 : h < 7.0 ? 0.08 : 0.15;
    };
    std::vector<double> breaks = ramp_power_steps_h();
    for (double day : {0.0, 24.0})
        for (double h : {3.75, 7.0, 22.0}) breaks.push_back(day + h);
    const double expected = integral_usd(ramp_facility_w(doc), price, breaks, hours);
    CHECK(rep.cost.energy_cost_usd == Approx(expected).epsilon(1e-9));
    // The average price weights each hour's price by the energy drawn in it.
    CHECK(rep.cost.energy_usd_per_kwh_avg == Approx(expected / (rep.power.energy_mwh * 1e3)).epsilon(1e-9));
}

TEST_CASE("cost: energy cost is the exact integral of facility power x hourly prices from a CSV, wrapping") {
    const std::string path = "tariff-test.csv";
    std::vector<double> prices;
    {
        std::ofstream out(path);
        out << "hour,usd_per_kwh\n";
        for (int h = 0; h < 24; ++h) {
            prices.push_back(0.03 + 0.011 * (h % 7) - (h == 5 ? 0.06 : 0.0));  // hour 5: a negative price
            out << h << ',' << prices.back() << '\n';
        }
    }
    const double hours = 30.5;  // wraps to the file's start after 24 h
    auto doc = ramp(hours);
    doc["site"]["tariff"] = {{"type", "csv"}, {"path", path}};
    const auto rep = run(doc);
    REQUIRE(rep.thermal.throttled_gpu_hours == 0.0);
    auto price = [&](double t) { return prices[static_cast<std::size_t>(std::floor(t)) % prices.size()]; };
    std::vector<double> breaks = ramp_power_steps_h();
    for (int h = 1; h <= 30; ++h) breaks.push_back(h);
    CHECK(rep.cost.energy_cost_usd == Approx(integral_usd(ramp_facility_w(doc), price, breaks, hours)).epsilon(1e-9));
    CHECK(std::find(rep.run.warnings.begin(), rep.run.warnings.end(),
                    "the tariff file " + path + " has 24 hours; the run wraps around to its start") !=
          rep.run.warnings.end());
    std::remove(path.c_str());
}

TEST_CASE("cost: a flat tariff prices the facility energy at the one price") {
    auto doc = ramp(9.0);
    doc["site"]["electricity_usd_per_kwh"] = 0.0892;
    const auto rep = run(doc);
    CHECK(rep.cost.energy_cost_usd == Approx(rep.power.energy_mwh * 1e3 * 0.0892).epsilon(1e-12));
    CHECK(rep.cost.energy_usd_per_kwh_avg == Approx(0.0892).epsilon(1e-12));
}

TEST_CASE("cost: weekday and weekend prices follow the day of the week at time zero") {
    auto doc = base(1, 48.0);
    doc["site"]["tariff"] = json::parse(R"({"type": "time_of_use", "start_day": "friday", "periods": [
        {"from_hour": 0, "to_hour": 24, "days": "weekday", "usd_per_kwh": 0.2},
        {"from_hour": 0, "to_hour": 24, "days": "weekend", "usd_per_kwh": 0.05}]})");
    const auto rep = run(doc);  // an idle rack: constant power; Friday at 0.2, Saturday at 0.05
    CHECK(rep.cost.energy_usd_per_kwh_avg == Approx(0.125).epsilon(1e-12));
}

TEST_CASE("cost: each asset class's capital charge over its own life sums to its capex") {
    const std::vector<std::pair<std::string, double>> lives = {{"racks", 2},    {"network", 3},  {"storage", 4},
                                                               {"installation", 1}, {"facility", 5}, {"cooling", 6}};
    for (const auto& [asset, years] : lives) {
        auto doc = base(1, years * 8760.0);
        doc["cost"]["cooling_usd_per_mw"] = 1.5e6;  // give the cooling class a capex
        for (const auto& [a, y] : lives) doc["cost"]["depreciation_years"][a] = y;
        const auto rep = run(doc);
        INFO(asset);
        CHECK(rep.cost.capex_breakdown_usd.at(asset) > 0.0);
        CHECK(rep.cost.depreciation_breakdown_usd.at(asset) ==
              Approx(rep.cost.capex_breakdown_usd.at(asset)).epsilon(1e-12));
    }
}

TEST_CASE("cost: classes without their own life take the IT or facility life; the charges add up") {
    auto doc = base(2, 8760.0 / 4);
    doc["cost"]["it_depreciation_years"] = 4;
    doc["cost"]["facility_depreciation_years"] = 25;
    doc["cost"]["depreciation_years"] = {{"network", 8}};
    const auto rep = run(doc);
    const auto& capex = rep.cost.capex_breakdown_usd;
    const auto& charge = rep.cost.depreciation_breakdown_usd;
    CHECK(charge.at("racks") == Approx(capex.at("racks") / 4 / 4).epsilon(1e-12));
    CHECK(charge.at("storage") == Approx(capex.at("storage") / 4 / 4).epsilon(1e-12));
    CHECK(charge.at("network") == Approx(capex.at("network") / 8 / 4).epsilon(1e-12));
    CHECK(charge.at("facility") == Approx(capex.at("facility") / 25 / 4).epsilon(1e-12));
    double sum = 0.0;
    for (const auto& [asset, usd] : charge) sum += usd;
    CHECK(rep.cost.depreciation_usd == Approx(sum).epsilon(1e-12));
    CHECK(charge.size() == 6);
}

TEST_CASE("cost: with financing each class is an annuity that repays its capex with interest") {
    const double rate = 0.08;
    auto doc = base(2, 8760.0);
    doc["cost"]["financing"]["rate_per_year"] = rate;
    const auto rep = run(doc);
    const auto& capex = rep.cost.capex_breakdown_usd;
    const auto& charge = rep.cost.depreciation_breakdown_usd;
    for (const auto& [asset, life] : {std::pair<std::string, int>{"racks", 5}, {"facility", 20}}) {
        INFO(asset);
        // The closed form: capex x r (1+r)^n / ((1+r)^n - 1) per year.
        const double g = std::pow(1 + rate, life);
        CHECK(charge.at(asset) == Approx(capex.at(asset) * rate * g / (g - 1)).epsilon(1e-12));
        // Its defining property: the payments discounted at r are worth the capex.
        double present_value = 0.0;
        for (int k = 1; k <= life; ++k) present_value += charge.at(asset) / std::pow(1 + rate, k);
        CHECK(present_value == Approx(capex.at(asset)).epsilon(1e-12));
        CHECK(charge.at(asset) > capex.at(asset) / life);  // interest costs something
    }
    // A vanishing rate is straight-line depreciation.
    doc["cost"]["financing"]["rate_per_year"] = 1e-12;
    const auto near_zero = run(doc);
    CHECK(near_zero.cost.depreciation_breakdown_usd.at("racks") == Approx(capex.at("racks") / 5).epsilon(1e-9));
}

TEST_CASE("cost: colocation is charged per kW of critical IT per month") {
    auto doc = base(2, 730.0);  // one month
    doc["cost"]["colocation_usd_per_kw_month"] = 163.44;
    doc["cost"]["facility_usd_per_mw"] = 0;
    const auto rep = run(doc);
    const auto s = sc::scenario_from_json(doc, "cost.json");
    const double critical_kw = 2 * fm::full_load_power_kw(s.catalog.rack("gb300_nvl72"));
    CHECK(rep.cost.colocation_usd == Approx(163.44 * critical_kw).epsilon(1e-12));
    CHECK(rep.cost.opex_usd == Approx(rep.cost.energy_cost_usd + rep.cost.maintenance_usd + rep.cost.staff_usd +
                                      rep.cost.colocation_usd)
                                   .epsilon(1e-12));
    CHECK(rep.cost.capex_breakdown_usd.at("facility") == 0.0);
}

TEST_CASE("cost: unit costs divide the TCO; the workloads' shares of it add up to it") {
    auto doc = base(8, 24.0);
    doc["workloads"] = json::array(
        {{{"type", "training"}, {"name", "job"}, {"model", "llama3.1-8b"}, {"racks", 4}, {"start_hours", 2.5},
          {"parallelism", {{"tp", 8}}}},
         {{"type", "inference"}, {"name", "svc"}, {"model", "llama3.1-70b"}, {"replicas", 20},
          {"arrival", {{"type", "diurnal"}, {"rate_per_s", 40}}}}});
    const auto rep = run(doc);
    const auto& c = rep.cost;
    const auto& job = rep.throughput.training.at(0);
    const auto& svc = rep.throughput.inference.at(0);
    const double seconds = rep.run.simulated_hours * 3600.0;
    const double inference_tokens = (svc.input_tokens_per_s + svc.output_tokens_per_s) * seconds;
    REQUIRE(job.tokens_trained > 0.0);
    REQUIRE(inference_tokens > 0.0);
    CHECK(c.usd_per_million_tokens == Approx(c.tco_usd / (job.tokens_trained + inference_tokens) * 1e6).epsilon(1e-12));
    CHECK(c.usd_per_gpu_hour == Approx(c.tco_usd / rep.utilization.gpu_hours).epsilon(1e-12));
    CHECK(c.usd_per_allocated_gpu_hour == Approx(c.tco_usd / rep.utilization.allocated_gpu_hours).epsilon(1e-12));
    CHECK(c.usd_per_busy_gpu_hour == Approx(c.tco_usd / rep.utilization.busy_gpu_hours).epsilon(1e-12));
    CHECK(c.usd_per_busy_gpu_hour > c.usd_per_allocated_gpu_hour);
    // Each workload carries the GPU-hours it held x the allocated rate: the job its 288 GPUs
    // from 2.5 h on, and together they carry the whole TCO.
    CHECK(job.cost_usd == Approx(c.usd_per_allocated_gpu_hour * 288 * (24.0 - 2.5)).epsilon(1e-9));
    CHECK(job.cost_usd + svc.cost_usd == Approx(c.tco_usd).epsilon(1e-9));
    // The GPU-hours themselves are reported: 288 x 21.5 for the job, 20 replicas x 8 GPUs x
    // 24 h for the service, and together the allocated GPU-hours of the site.
    CHECK(job.gpu_hours == Approx(288 * (24.0 - 2.5)).epsilon(1e-12));
    CHECK(svc.gpu_hours == Approx(20 * 8 * 24.0).epsilon(1e-12));
    CHECK(job.gpu_hours + svc.gpu_hours == Approx(rep.utilization.allocated_gpu_hours).epsilon(1e-12));
    CHECK(job.cost_usd == Approx(c.usd_per_allocated_gpu_hour * job.gpu_hours).epsilon(1e-12));
    CHECK(c.usd_per_million_inference_tokens == Approx(svc.cost_usd / inference_tokens * 1e6).epsilon(1e-12));
}

TEST_CASE("cost: a 10,000-GPU GB300 NVL72 factory costs hundreds of millions of dollars") {
    auto doc = base(139, 1.0);  // 139 x 72 = 10,008 GPUs
    const auto rep = run(doc);
    CHECK(rep.utilization.gpus == 10008);
    CHECK(rep.cost.capex_usd >= 1e8);
    CHECK(rep.cost.capex_usd <= 1e9);
    // With the defaults: 3.5 M USD per rack, network 0.33 and installation 0.02 of it,
    // 1,000 USD of storage per GPU, 10.7 M USD per MW of full-load IT.
    const auto s = sc::scenario_from_json(doc, "cost.json");
    const double rack_kw = fm::full_load_power_kw(s.catalog.rack("gb300_nvl72"));
    CHECK(rep.cost.capex_usd == Approx(139 * 3.5e6 * 1.35 + 10008 * 1000.0 + 10.7e6 * 139 * rack_kw / 1e3).epsilon(1e-12));
}

TEST_CASE("cost: interest during construction is capital x rate x time from spend to service (closed form)") {
    const double rate = 0.08, build_months = 6, start_h = 10, install = 8, burn_in = 24, per_day = 2;
    auto doc = base(3, 24);
    doc["cost"]["financing"] = {{"rate_per_year", rate}};
    doc["cost"]["cooling_usd_per_mw"] = 1.5e6;
    doc["deployment"] = {{"racks_per_day", per_day}, {"start_hours", start_h}, {"install_hours", install},
                         {"burn_in_hours", burn_in}, {"site_build_months", build_months}};
    const auto rep = run(doc);
    const auto s = sc::scenario_from_json(doc, "cost.json");
    const auto& rack = s.catalog.rack("gb300_nvl72");
    const double price = rack.price_usd->value;
    const double it_usd = price * (1 + s.cost.network_fraction + s.cost.installation_fraction) +
                          s.cost.storage_usd_per_gpu * rack.gpu_count();
    const double site_usd = (s.cost.facility_usd_per_mw + 1.5e6) * fm::full_load_power_kw(rack) / 1e3;
    double usd_hours = 0.0;
    for (int k = 0; k < 3; ++k) {
        const double delivered = start_h + k * 24.0 / per_day, in_service = delivered + install + burn_in;
        usd_hours += it_usd * (in_service - delivered) + site_usd * (in_service - start_h + build_months * 730 / 2);
    }
    CHECK(rep.cost.interest_during_construction_usd == Approx(rate / 8760 * usd_hours).epsilon(1e-12));
    CHECK(rep.cost.initial_investment_usd ==
          Approx(rep.cost.capex_usd + rep.cost.interest_during_construction_usd).epsilon(1e-15));
    // The site's share: a quarter year (6 months / 2) at 8 % is 2 % of it, plus the ramp.
    CHECK(rep.cost.interest_during_construction_usd > 0.02 * 3 * site_usd);
}

TEST_CASE("cost: without a ramp only the site carries interest, for half its build; without a rate none") {
    auto doc = base(2, 24);
    doc["cost"]["financing"] = {{"rate_per_year", 0.1}};
    doc["deployment"] = {{"site_build_months", 12}};
    const auto rep = run(doc);
    const double site = rep.cost.capex_breakdown_usd.at("facility") + rep.cost.capex_breakdown_usd.at("cooling");
    CHECK(rep.cost.interest_during_construction_usd == Approx(0.1 * site * 12 * 730 / 2 / 8760).epsilon(1e-12));
    doc["cost"]["financing"]["rate_per_year"] = 0;
    const auto free = run(doc);
    CHECK(free.cost.interest_during_construction_usd == 0.0);
    CHECK(free.cost.initial_investment_usd == free.cost.capex_usd);
    CHECK(free.cost.tco_usd == Approx(rep.cost.tco_usd - rep.cost.depreciation_usd + free.cost.depreciation_usd));
}
