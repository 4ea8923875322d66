// Reading site.tariff: time-of-use periods must cover every hour of every day exactly once,
// an hourly CSV must hold prices, and every problem names the file and a JSON pointer.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "factorysim/scenario/scenario.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;

namespace {

json with_tariff(const json& tariff) {
    json doc = json::parse(R"({"name": "t", "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 1}]})");
    doc["site"]["tariff"] = tariff;
    return doc;
}

json period(double from, double to, double price, const std::string& days = "all") {
    return {{"from_hour", from}, {"to_hour", to}, {"usd_per_kwh", price}, {"days", days}};
}

// (A list, so that one period is not taken for the object itself.)
json time_of_use(std::initializer_list<json> periods) {
    json list = json::array();
    for (const auto& p : periods) list.push_back(p);
    return {{"type", "time_of_use"}, {"periods", list}};
}

// Every diagnostic as "<pointer>: <message>", one per line.
std::string problems(const json& doc) {
    try {
        (void)sc::scenario_from_json(doc, "tariff.json");
    } catch (const sc::InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("tariff: the default is flat at site.electricity_usd_per_kwh") {
    const auto s = sc::scenario_from_json(json::parse(R"({"name": "t", "site": {"electricity_usd_per_kwh": 0.07},
        "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 1}]})"),
                                          "t.json");
    CHECK(s.site.tariff.kind == sc::Tariff::Kind::Flat);
    CHECK(s.site.electricity_usd_per_kwh == 0.07);
}

TEST_CASE("tariff: time-of-use periods past midnight are split; weekday and weekend periods are kept apart") {
    const auto s = sc::scenario_from_json(
        with_tariff({{"type", "time_of_use"},
                     {"start_day", "sunday"},
                     {"periods", {period(22, 6, 0.04), period(6, 22, 0.12, "weekday"), period(6, 22, 0.06, "weekend")}}}),
        "t.json");
    const auto& t = s.site.tariff;
    REQUIRE(t.kind == sc::Tariff::Kind::TimeOfUse);
    CHECK(t.start_day_of_week == 6);
    REQUIRE(t.periods.size() == 4);
    CHECK(t.periods[0].from_hour == 22);
    CHECK(t.periods[0].to_hour == 24);
    CHECK(t.periods[1].from_hour == 0);
    CHECK(t.periods[1].to_hour == 6);
    CHECK(t.periods[3].days == sc::TariffPeriod::Days::Weekend);
}

TEST_CASE("tariff: a gap between periods names the hours and the pointer") {
    const auto text = problems(with_tariff(time_of_use({period(0, 6, 0.05), period(7, 24, 0.1)})));
    CHECK_THAT(text, Catch::Contains("tariff.json: /site/tariff/periods: no period covers 06:00-07:00; the periods "
                                     "must cover all 24 hours of every day"));
}

TEST_CASE("tariff: overlapping periods name the later one") {
    const auto text = problems(with_tariff(time_of_use({period(0, 12.5, 0.05), period(12, 24, 0.1)})));
    CHECK_THAT(text, Catch::Contains("tariff.json: /site/tariff/periods/1: overlaps period 0 at 12:00-12:30"));
}

TEST_CASE("tariff: weekday periods alone leave the weekends uncovered") {
    const auto text = problems(with_tariff(time_of_use({period(0, 24, 0.05, "weekday")})));
    CHECK_THAT(text, Catch::Contains("/site/tariff/periods: no period covers 00:00-24:00 on weekends"));
    CHECK_THAT(text, !Catch::Contains("on weekdays"));
}

TEST_CASE("tariff: an empty period, an hour out of range, a missing price") {
    auto text = problems(with_tariff(time_of_use({period(0, 24, 0.05), period(5, 5, 0.1)})));
    CHECK_THAT(text, Catch::Contains("/site/tariff/periods/1/to_hour: equals from_hour"));
    text = problems(with_tariff(time_of_use({period(0, 25, 0.05)})));
    CHECK_THAT(text, Catch::Contains("/site/tariff/periods/0/to_hour: expected a number in (0, 24] h, found 25"));
    json no_price = time_of_use({period(0, 24, 0.05)});
    no_price["periods"][0].erase("usd_per_kwh");
    CHECK_THAT(problems(with_tariff(no_price)), Catch::Contains("/site/tariff/periods/0"));
    CHECK_THAT(problems(with_tariff({{"type", "time_of_use"}})), Catch::Contains("/site/tariff"));
}

TEST_CASE("tariff: a flat price beside another tariff is an error, not silently ignored") {
    auto doc = with_tariff(time_of_use({period(0, 24, 0.05)}));
    doc["site"]["electricity_usd_per_kwh"] = 0.08;
    CHECK_THAT(problems(doc), Catch::Contains("tariff.json: /site/electricity_usd_per_kwh: a flat price is not used "
                                              "with a \"time_of_use\" tariff"));
    doc["site"]["tariff"] = {{"type", "flat"}};
    CHECK(problems(doc).empty());
}

TEST_CASE("tariff: an hourly CSV is read beside the scenario; a bad row names file, line and column") {
    const std::string path = "tariff-reader-test.csv";
    {
        std::ofstream out(path);
        out << "hour,usd_per_kwh\n0,0.05\n1,-0.01\n\n2,0.07\n";
    }
    const auto s = sc::scenario_from_json(with_tariff({{"type", "csv"}, {"path", path}}), "t.json");
    CHECK(s.site.tariff.kind == sc::Tariff::Kind::Hourly);
    CHECK(s.site.tariff.hourly_usd_per_kwh == std::vector<double>{0.05, -0.01, 0.07});
    {
        std::ofstream out(path);
        out << "hour,usd_per_kwh\n0,0.05\n1,cheap\n";
    }
    CHECK_THAT(problems(with_tariff({{"type", "csv"}, {"path", path}})),
               Catch::Contains("tariff.json: /site/tariff/path: " + path +
                               ": line 3, column \"usd_per_kwh\": expected a price in [-10, 10] USD/kWh, found "
                               "\"cheap\""));
    CHECK_THAT(problems(with_tariff({{"type", "csv"}, {"path", path}, {"column", "price"}})),
               Catch::Contains("line 1: no column \"price\" in the header (hour, usd_per_kwh)"));
    std::remove(path.c_str());
    CHECK_THAT(problems(with_tariff({{"type", "csv"}, {"path", path}})),
               Catch::Contains("/site/tariff/path: " + path + ": cannot read the file"));
}
