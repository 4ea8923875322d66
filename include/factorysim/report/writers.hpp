// Report writers: the same Report as a terminal table, the stable JSON summary, CSV time
// series, or one self-contained HTML page with SVG charts. Writers are pure functions of
// the Report (no clock, no locale), so equal reports give equal bytes.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "factorysim/report/report.hpp"

namespace factorysim::report {

enum class Format { Table, Json, Csv, Html };

// "table", "json", "csv", "html"; nullopt otherwise.
std::optional<Format> parse_format(std::string_view name);

// The JSON summary (docs/report.md): sections run, throughput, power, thermal,
// reliability, utilization, cost, in that order. Floating-point values are rounded to 9
// significant digits so that last-ulp differences between libm versions do not show.
nlohmann::ordered_json to_json(const Report& report);

void write_json(const Report& report, std::ostream& out);
// The at-a-glance table for a terminal: throughput, power, thermal, reliability,
// utilisation, cost.
void write_table(const Report& report, std::ostream& out);
// The time series: a header "time_h,<column>,..." then one row per sample.
void write_csv(const Report& report, std::ostream& out);
// One HTML page, no external resources: the summary tables and an SVG line chart per
// time-series group (power, temperatures, utilisation, tokens/s, queue lengths).
void write_html(const Report& report, std::ostream& out);

// Dispatches on the format.
void write_report(const Report& report, Format format, std::ostream& out);
std::string render_report(const Report& report, Format format);

// Rounds to `digits` significant digits (0 stays 0; non-finite values become 0, which
// validation prevents from reaching a report).
double round_significant(double value, int digits = 9);

}  // namespace factorysim::report
