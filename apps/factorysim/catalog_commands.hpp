#pragma once
#include <CLI/CLI.hpp>

namespace factorysim::cli {
// `factorysim models` and `factorysim describe NAME`.
void add_catalog_commands(CLI::App& app);
}
