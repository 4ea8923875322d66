// site.tariff (validated by the schema, defaults applied) as a plain Tariff, with the checks
// a schema cannot express: time-of-use periods cover every hour of every day exactly once,
// and an hourly CSV holds one price per row.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/scenario/scenario.hpp"

namespace factorysim::scenario {

// `site` is the site section. Problems with the periods, and a flat price written beside
// another kind of tariff (`flat_price_written`: the key was in the document before defaults),
// are appended to `problems`, each with a JSON pointer; an unreadable CSV file throws
// InputError naming `scenario_file`, /site/tariff/path, the CSV file, line and column.
// Periods that run past midnight come back split in two, so every returned period has
// from_hour < to_hour.
Tariff read_tariff(const nlohmann::json& site, const std::string& scenario_file, bool flat_price_written,
                   std::vector<Diagnostic>& problems);

}  // namespace factorysim::scenario
