// One numeric column of an hourly CSV file: a header row naming the columns, then one row
// per hour. Shared by the weather (site.ambient) and the tariff (site.tariff) inputs so both
// report a bad file the same way: the scenario file, the JSON pointer of its "path" key,
// then the CSV file, the line and the column.
#pragma once

#include <string>
#include <vector>

namespace factorysim::scenario {

struct HourlyColumn {
    std::string pointer;  // of the scenario's "path" key, e.g. /site/ambient/path
    std::string column;   // header name
    double minimum = 0.0, maximum = 0.0;
    std::string what;     // "a temperature", "a price"
    std::string unit;     // "degC", "USD/kWh"
};

// A relative `path` is relative to the directory of the scenario file.
std::string resolve_beside(const std::string& path, const std::string& scenario_file);

// The column's values, one per data row (blank lines skipped). Throws InputError naming
// `scenario_file` and `spec.pointer` for a missing, oversized or empty file, a missing
// column, or a value that is not a number in [minimum, maximum].
// Several columns of a CSV file, row by row (blank lines skipped), each checked like the
// hourly column; errors name `pointer` (the scenario's "path" key).
std::vector<std::vector<double>> read_csv_columns(const std::string& path, const std::string& pointer,
                                                  const std::vector<HourlyColumn>& columns,
                                                  const std::string& scenario_file);

std::vector<double> read_hourly_csv(const std::string& path, const HourlyColumn& spec,
                                    const std::string& scenario_file);

}  // namespace factorysim::scenario
