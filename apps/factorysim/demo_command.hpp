#pragma once
#include <CLI/CLI.hpp>

namespace factorysim::cli {
// `factorysim demo`: the built-in rack-load run (see demo/rack_load_demo.hpp).
void add_demo_command(CLI::App& app);
}
