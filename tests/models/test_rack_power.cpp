#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/error.hpp"
#include "factorysim/models/rack_power.hpp"

using factorysim::catalog::Catalog;
using namespace factorysim::models;

TEST_CASE("a GB300 NVL72 rack at full load draws 120-142 kW", "[power]") {
    const double kw = full_load_power_kw(Catalog::builtin().rack("gb300_nvl72"));
    REQUIRE(kw >= 120.0);
    REQUIRE(kw <= 142.0);
}

TEST_CASE("a Vera Rubin NVL72 rack at full load draws 190-230 kW", "[power]") {
    const double kw = full_load_power_kw(Catalog::builtin().rack("vr_nvl72"));
    REQUIRE(kw >= 190.0);
    REQUIRE(kw <= 230.0);
}

TEST_CASE("at full load the components add up to the catalog's published-range arithmetic", "[power]") {
    // At u = 1 every term is at its nominal figure: sum = N_gpu TDP + N_cpu TDP + switches + NICs + other.
    const auto& r = Catalog::builtin().rack("gb300_nvl72");
    const auto p = rack_power(r, 1.0);
    REQUIRE(p.gpu_w == Approx(72 * 1400.0));
    REQUIRE(p.cpu_w == Approx(r.cpus.value * r.cpu_tdp_w.value));
    REQUIRE(p.total_w == Approx(p.gpu_w + p.cpu_w + p.switch_w + p.nic_w + p.other_w));
    REQUIRE_FALSE(p.capped_by_shelves);
}

TEST_CASE("no rack ever draws more than its power shelves deliver", "[power]") {
    const Catalog& c = Catalog::builtin();
    for (const auto& name : c.rack_names()) {
        const auto& r = c.rack(name);
        INFO(name);
        const double shelves_w = r.power_shelves.value * r.power_shelf_capacity_kw.value * 1e3;
        for (double u = 0.0; u <= 1.0; u += 0.25) REQUIRE(rack_power(r, u).total_w <= shelves_w);
        auto tight = r;
        tight.power_shelves.value = 1;  // one shelf cannot feed a full rack
        if (name.rfind("hgx", 0) != 0) {
            const auto p = rack_power(tight, 1.0);
            REQUIRE(p.capped_by_shelves);
            REQUIRE(p.total_w == Approx(tight.power_shelf_capacity_kw.value * 1e3));
        }
    }
}

TEST_CASE("rack power rises monotonically from idle to full load", "[power]") {
    for (const auto& name : Catalog::builtin().rack_names()) {
        const auto& r = Catalog::builtin().rack(name);
        double previous = 0.0;
        for (int i = 0; i <= 10; ++i) {
            const double w = rack_power(r, i / 10.0).total_w;
            REQUIRE(w > previous);
            previous = w;
        }
        REQUIRE(rack_power(r, 0.0).total_w < 0.5 * rack_power(r, 1.0).total_w);
    }
}

TEST_CASE("a power cap lowers clocks and holds the GPU at the cap", "[power]") {
    const auto& gpu = Catalog::builtin().rack("gb300_nvl72").gpu;
    const auto uncapped = gpu_operating_point(gpu, 1.0, std::numeric_limits<double>::infinity(), 1.0);
    REQUIRE(uncapped.power_w == Approx(1400.0));
    REQUIRE(uncapped.clock_fraction == 1.0);
    const auto capped = gpu_operating_point(gpu, 1.0, 1000.0, 1.0);
    REQUIRE(capped.power_w == Approx(1000.0));
    // Closed form: f = cbrt((cap - idle) / (TDP - idle)).
    REQUIRE(capped.clock_fraction == Approx(std::cbrt((1000.0 - gpu.idle_w.value) / (1400.0 - gpu.idle_w.value))));
    // A cap below idle cannot be met: clocks bottom out, power stays near idle.
    const auto starved = gpu_operating_point(gpu, 1.0, 10.0, 1.0);
    REQUIRE(starved.clock_fraction == Approx(min_clock_fraction));
}

TEST_CASE("thermal throttling lowers clocks and power", "[power]") {
    const auto& r = Catalog::builtin().rack("gb300_nvl72");
    const auto hot = rack_power(r, 1.0, std::numeric_limits<double>::infinity(), 0.8);
    const auto cool = rack_power(r, 1.0);
    REQUIRE(hot.gpu_w == Approx(72 * (r.gpu.idle_w.value + (1400.0 - r.gpu.idle_w.value) * 0.512)));
    REQUIRE(hot.total_w < cool.total_w);
    REQUIRE_THROWS_AS(rack_power(r, 1.5), factorysim::ModelError);
}
