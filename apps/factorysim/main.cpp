// factorysim command-line tool: wires the library to CLI11. Exit codes (DESIGN.md):
//   0 ok, 1 simulation/model error, 2 bad usage or invalid input.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "catalog_commands.hpp"
#include "demo_command.hpp"
#include "scenario_commands.hpp"
#include "factorysim/core/error.hpp"
#include "factorysim/version.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_model_error = 1;
constexpr int exit_usage = 2;

// Subcommands whose engine-side work has not landed yet: they parse their arguments so
// scripts can be written against them, then say plainly what is missing.
void add_pending_subcommand(CLI::App& app, const char* name, const char* description, const char* needs) {
    auto* cmd = app.add_subcommand(name, description);
    cmd->allow_extras();
    cmd->callback([name, needs] {
        throw factorysim::UsageError(
            fmt::format("`factorysim {}` needs {}, which this build does not include yet; `factorysim demo` runs "
                        "the engine on a built-in rack-load model",
                        name, needs));
    });
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_default_logger(spdlog::stderr_color_st("factorysim"));
    spdlog::set_pattern("%^%l%$: %v");
    spdlog::set_level(spdlog::level::info);

    CLI::App app{"factorysim: discrete-event simulator of AI datacenters (racks, fabrics, cooling, workloads, "
                 "failures, cost)",
                 "factorysim"};
    app.set_version_flag("--version", std::string("factorysim ") + factorysim::version_string);
    app.require_subcommand(1);
    // Logging goes to stderr; reports go to stdout or files. Flag callbacks run before
    // the subcommand's, so the level is set before any work starts.
    app.add_flag_function(
        "-q,--quiet", [](std::int64_t) { spdlog::set_level(spdlog::level::err); }, "Only print errors");
    app.add_flag_function(
        "-v,--verbose",
        [](std::int64_t n) { spdlog::set_level(n >= 2 ? spdlog::level::trace : spdlog::level::debug); },
        "More log output (-vv for trace)");

    factorysim::cli::add_catalog_commands(app);
    factorysim::cli::add_demo_command(app);
    factorysim::cli::add_scenario_commands(app);
    add_pending_subcommand(app, "sweep", "Run scenario variants and seeds in parallel",
                           "the parallel sweep runner (not built yet; script `factorysim run --set ... --seed ...` meanwhile)");



    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_usage;
    } catch (const factorysim::UsageError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return exit_usage;
    } catch (const factorysim::ModelError& e) {
        std::fprintf(stderr, "simulation error: %s\n", e.what());
        return exit_model_error;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "internal error: %s\n", e.what());
        return exit_model_error;
    }
    return exit_ok;
}
