#include "scenario/hourly_csv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "factorysim/scenario/schema.hpp"

namespace factorysim::scenario {
namespace {

std::vector<std::string> split_cells(const std::string& text) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream stream(text);
    while (std::getline(stream, cell, ',')) {
        while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
        while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
        cells.push_back(cell);
    }
    return cells;
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

}  // namespace

std::string resolve_beside(const std::string& path, const std::string& scenario_file) {
    std::filesystem::path p(path);
    if (p.is_relative()) p = std::filesystem::path(scenario_file).parent_path() / p;
    return p.string();
}

std::vector<std::vector<double>> read_csv_columns(const std::string& path, const std::string& pointer,
                                                  const std::vector<HourlyColumn>& columns,
                                                  const std::string& scenario_file) {
    auto fail = [&](const std::string& message) -> std::vector<std::vector<double>> {
        throw InputError(scenario_file, {{pointer, fmt::format("{}: {}", path, message)}});
    };
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return fail("cannot read the file: " + ec.message());
    if (size > (64u << 20)) return fail(fmt::format("the file is {} bytes, more than the 64 MiB limit", size));
    std::ifstream in(path);
    if (!in) return fail("cannot open the file");
    std::string line;
    std::vector<std::string> names;
    for (const auto& c : columns) names.push_back("\"" + c.column + "\"");
    if (!std::getline(in, line)) return fail("the file is empty; expected a header row naming " + join(names));
    const auto header = split_cells(line);
    std::vector<std::size_t> index;
    for (const auto& c : columns) {
        const auto it = std::find(header.begin(), header.end(), c.column);
        if (it == header.end())
            return fail(fmt::format("line 1: no column \"{}\" in the header ({})", c.column, join(header)));
        index.push_back(static_cast<std::size_t>(it - header.begin()));
    }
    std::vector<std::vector<double>> rows;
    for (std::size_t number = 2; std::getline(in, line); ++number) {
        if (line.empty() || line == "\r") continue;
        const auto cells = split_cells(line);
        std::vector<double> row;
        for (std::size_t k = 0; k < columns.size(); ++k) {
            const auto& spec = columns[k];
            const auto where = fmt::format("line {}, column \"{}\"", number, spec.column);
            if (index[k] >= cells.size()) return fail(where + ": no value");
            const auto& cell = cells[index[k]];
            char* end = nullptr;
            const double v = std::strtod(cell.c_str(), &end);
            if (cell.empty() || *end != '\0' || !std::isfinite(v) || v < spec.minimum || v > spec.maximum)
                return fail(fmt::format("{}: expected {} in [{}, {}] {}, found \"{}\"", where, spec.what, spec.minimum,
                                        spec.maximum, spec.unit, cell));
            row.push_back(v);
        }
        rows.push_back(std::move(row));
    }
    if (rows.empty()) return fail("no data rows after the header");
    return rows;
}

std::vector<double> read_hourly_csv(const std::string& path, const HourlyColumn& spec,
                                    const std::string& scenario_file) {
    std::vector<double> values;
    for (auto& row : read_csv_columns(path, spec.pointer, {spec}, scenario_file)) values.push_back(row.front());
    return values;
}

}  // namespace factorysim::scenario
