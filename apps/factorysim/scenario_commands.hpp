#pragma once
#include <CLI/CLI.hpp>

namespace factorysim::cli {
// `factorysim run`, `validate`, `schema` and `compare`.
void add_scenario_commands(CLI::App& app);
}
