#include "factorysim/world/accuracy.hpp"

#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "factorysim/report/writers.hpp"
#include "factorysim/scenario/json_input.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/world.hpp"

namespace factorysim::world {
namespace {

using nlohmann::json;
using scenario::Schema;

const Schema& cases_schema() {
    using namespace scenario;
    static const Schema s = object(
        "Accuracy cases",
        {{"description", string("Free text", "")},
         {"cases", array("Cases",
                         object("One published figure",
                                {{"name", string("Case name")},
                                 {"scenario", string("Scenario file, relative to the cases file")},
                                 {"metric", string("JSON pointer into the report, e.g. /throughput/training/0/mfu")},
                                 {"reference", number("Published value")},
                                 {"tolerance_rel", number("Allowed relative error", "", 0, 10)},
                                 {"tolerance_abs", number("Allowed absolute error", "", 0)},
                                 {"minimum", number("The prediction must be at least this")},
                                 {"role", enumeration("calibration or validation", {"calibration", "validation"})},
                                 {"source", string("Where the reference comes from")},
                                 {"expected_miss",
                                  string("A known, documented gap: the case is reported as KNOWN MISS (not a "
                                         "failure) when outside its tolerance; the reason and where it is explained",
                                         "")}},
                                {"name", "scenario", "metric", "reference", "role", "source"}),
                         1)}},
        {"cases"});
    return s;
}

}  // namespace

std::vector<AccuracyResult> run_accuracy_cases(const std::string& cases_file) {
    json doc = scenario::load_json_file(cases_file);
    scenario::apply_defaults(doc, cases_schema());
    scenario::validate_or_throw(doc, cases_schema(), cases_file);
    const auto dir = std::filesystem::path(cases_file).parent_path();
    std::map<std::string, nlohmann::ordered_json> reports;  // each scenario runs once
    std::vector<AccuracyResult> out;
    const auto& cases = doc.at("cases");
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        AccuracyResult r;
        r.name = c.at("name").get<std::string>();
        r.scenario = c.at("scenario").get<std::string>();
        r.metric = c.at("metric").get<std::string>();
        r.role = c.at("role").get<std::string>();
        r.source = c.at("source").get<std::string>();
        r.reference = c.at("reference").get<double>();
        if (c.contains("expected_miss")) r.expected_miss = c.at("expected_miss").get<std::string>();
        const std::string path = (dir / r.scenario).string();
        if (!reports.count(path)) reports[path] = report::to_json(run_scenario(scenario::load_scenario(path)));
        const auto& rep = reports.at(path);
        const nlohmann::ordered_json::json_pointer pointer(r.metric);
        if (!rep.contains(pointer) || !rep.at(pointer).is_number())
            throw scenario::InputError(cases_file, {{fmt::format("/cases/{}/metric", i),
                                                     fmt::format("the report of {} has no number at {}", r.scenario,
                                                                 r.metric)}});
        r.predicted = rep.at(pointer).get<double>();
        r.error = r.predicted - r.reference;
        r.relative_error = r.reference != 0.0 ? r.error / r.reference : 0.0;
        r.pass = true;
        if (c.contains("tolerance_rel")) {
            const double tol = c.at("tolerance_rel").get<double>();
            r.tolerance = fmt::format("+/-{:g} %", tol * 100);
            r.pass = std::abs(r.relative_error) <= tol;
        }
        if (c.contains("tolerance_abs")) {
            const double tol = c.at("tolerance_abs").get<double>();
            r.tolerance = fmt::format("+/-{:g}", tol);
            r.pass = r.pass && std::abs(r.error) <= tol;
        }
        if (c.contains("minimum")) {
            const double min = c.at("minimum").get<double>();
            r.tolerance = fmt::format(">= {:g}", min);
            r.pass = r.pass && r.predicted >= min;
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace factorysim::world
