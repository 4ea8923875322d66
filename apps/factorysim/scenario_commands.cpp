// The scenario commands. The library does the work; this file parses options, installs
// the Ctrl-C handler, draws the progress bar, and writes outputs atomically.
#include "scenario_commands.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "factorysim/report/atomic_file.hpp"
#include "factorysim/report/writers.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/accuracy.hpp"
#include "factorysim/world/world.hpp"

namespace factorysim::cli {
namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_sigint(int) { interrupted.store(true); }

struct CommonOptions {
    std::vector<std::string> overrides;
    std::vector<std::string> catalogs;
    std::int64_t seed = -1;
};

void add_common(CLI::App* cmd, CommonOptions& o) {
    cmd->add_option("--set", o.overrides, "Override a value: /json/pointer=value (repeatable), e.g. /pods/0/racks=16");
    cmd->add_option("--catalog", o.catalogs, "Catalog file adding or overriding racks and LLMs (repeatable)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--seed", o.seed, "Random seed (overrides the scenario's)")->check(CLI::Range(0LL, (1LL << 53) - 1));
}

scenario::LoadOptions load_options(const CommonOptions& o) {
    scenario::LoadOptions lo;
    lo.overrides = o.overrides;
    lo.catalog_files = o.catalogs;
    if (o.seed >= 0) lo.seed = static_cast<std::uint64_t>(o.seed);
    return lo;
}

// A progress bar on stderr, drawn only when stderr is a terminal and the run has taken
// more than a second (short runs stay silent).
class ProgressBar {
public:
    explicit ProgressBar(std::string label)
        : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) && spdlog::get_level() <= spdlog::level::info),
          start_(std::chrono::steady_clock::now()) {}
    ~ProgressBar() {
        if (drawn_) std::fputs("\r\033[K", stderr);
    }
    void update(double fraction) {
        if (!enabled_) return;
        const auto elapsed = std::chrono::steady_clock::now() - start_;
        if (elapsed < std::chrono::seconds(1)) return;
        const int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::fprintf(stderr, "\r%s [%s%s] %3.0f%%", label_.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), fraction * 100.0);
        std::fflush(stderr);
        drawn_ = true;
    }

private:
    std::string label_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
};

report::Report run_file(const std::string& file, const CommonOptions& o, bool timing,
                        std::vector<scenario::ReportOutput>* outputs = nullptr) {
    const auto t0 = std::chrono::steady_clock::now();
    const scenario::Scenario s = scenario::load_scenario(file, load_options(o));
    if (outputs) *outputs = s.report.outputs;
    ProgressBar bar(s.name);
    world::RunOptions ro;
    ro.stop_requested = &interrupted;
    ro.progress = [&bar](double f) { bar.update(f); };
    auto previous = std::signal(SIGINT, on_sigint);
    report::Report rep = world::run_scenario(s, ro);
    std::signal(SIGINT, previous);
    if (rep.run.partial) spdlog::warn("interrupted: the report covers {:.3g} of {:.3g} h and is marked partial",
                                      rep.run.simulated_hours, rep.run.horizon_hours);
    if (timing) {
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "timing: %s: %.3f s wall, %llu events, %.3g events/s\n", file.c_str(), wall,
                     static_cast<unsigned long long>(rep.run.events), static_cast<double>(rep.run.events) / wall);
    }
    return rep;
}

void emit(const std::string& content, const std::string& output) {
    if (output.empty() || output == "-") {
        std::fwrite(content.data(), 1, content.size(), stdout);
        std::fflush(stdout);
    } else {
        report::write_file_atomically(output, content);
    }
}

void add_run(CLI::App& app) {
    struct Options {
        CommonOptions common;
        std::string file, format = "table", output, csv, html, json;
        bool timing = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("run", "Run a JSON scenario and report throughput, power, thermal, reliability, "
                                          "utilisation and cost");
    cmd->add_option("scenario", o->file, "Scenario file")->required();
    cmd->add_option("--format", o->format, "table, json, csv (time series) or html")
        ->check(CLI::IsMember({"table", "json", "csv", "html"}))
        ->capture_default_str();
    cmd->add_option("-o,--output", o->output, "Write the report here (atomically) instead of stdout");
    cmd->add_option("--json", o->json, "Also write the JSON summary to this file");
    cmd->add_option("--csv", o->csv, "Also write the time series as CSV to this file");
    cmd->add_option("--html", o->html, "Also write the HTML report to this file");
    cmd->add_flag("--timing", o->timing, "Print wall-clock time and event rate on stderr");
    add_common(cmd, o->common);
    cmd->callback([o] {
        std::vector<scenario::ReportOutput> outputs;
        const report::Report rep = run_file(o->file, o->common, o->timing, &outputs);
        emit(report::render_report(rep, *report::parse_format(o->format)), o->output);
        for (const auto& out : outputs)
            report::write_file_atomically(out.path, report::render_report(rep, *report::parse_format(out.format)));
        if (!o->json.empty()) report::write_file_atomically(o->json, report::render_report(rep, report::Format::Json));
        if (!o->csv.empty()) report::write_file_atomically(o->csv, report::render_report(rep, report::Format::Csv));
        if (!o->html.empty()) report::write_file_atomically(o->html, report::render_report(rep, report::Format::Html));
        // Ctrl-C: the partial report is written, and the exit status says so (128 + SIGINT).
        if (rep.run.partial) std::exit(130);
    });
}

void add_validate(CLI::App& app) {
    auto files = std::make_shared<std::vector<std::string>>();
    auto common = std::make_shared<CommonOptions>();
    auto* cmd = app.add_subcommand("validate", "Check scenarios without running them (all problems at once)");
    cmd->add_option("scenarios", *files, "Scenario files")->required();
    add_common(cmd, *common);
    cmd->callback([files, common] {
        std::vector<std::string> errors;
        for (const auto& f : *files) {
            try {
                const auto s = scenario::load_scenario(f, load_options(*common));
                std::printf("%s: ok (%zu pods, %zu training jobs, %zu inference services, %.4g h)\n", f.c_str(),
                            s.pods.size(), s.training.size(), s.inference.size(), s.horizon.hours());
            } catch (const UsageError& e) {
                errors.push_back(e.what());
            }
        }
        if (!errors.empty()) {
            std::string all;
            for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
            throw UsageError(all);
        }
    });
}

void add_schema(CLI::App& app) {
    auto format = std::make_shared<std::string>("json");
    auto* cmd = app.add_subcommand("schema", "Print the scenario contract: JSON Schema, or the Markdown reference");
    cmd->add_option("--format", *format, "json (JSON Schema) or markdown (docs/scenario.md)")
        ->check(CLI::IsMember({"json", "markdown"}))
        ->capture_default_str();
    cmd->callback([format] {
        if (*format == "markdown") {
            std::fputs(scenario::scenario_reference_markdown().c_str(), stdout);
        } else {
            auto schema = scenario::to_json_schema(scenario::scenario_schema());
            std::printf("%s\n", schema.dump(2).c_str());
        }
    });
}

// "compare": the key figures of two runs side by side, with B/A ratios.
void add_compare(CLI::App& app) {
    struct Options {
        CommonOptions common;
        std::vector<std::string> set_a, set_b;
        std::string a, b, format = "table", output;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("compare", "Run two scenarios and print their metrics side by side with ratios");
    cmd->add_option("a", o->a, "Baseline scenario")->required();
    cmd->add_option("b", o->b, "Alternative scenario")->required();
    cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    cmd->add_option("-o,--output", o->output, "Write here (atomically) instead of stdout");
    add_common(cmd, o->common);
    cmd->add_option("--set-a", o->set_a, "Override a value in A only (repeatable)");
    cmd->add_option("--set-b", o->set_b, "Override a value in B only (repeatable), e.g. compare X.json X.json "
                                         "--set-b /cooling/type=air");
    cmd->callback([o] {
        CommonOptions a = o->common, b = o->common;
        a.overrides.insert(a.overrides.end(), o->set_a.begin(), o->set_a.end());
        b.overrides.insert(b.overrides.end(), o->set_b.begin(), o->set_b.end());
        const auto ra = report::to_json(run_file(o->a, a, false));
        const auto rb = report::to_json(run_file(o->b, b, false));
        // Every numeric leaf of the summary, except the run bookkeeping and per-workload lists.
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        for (const char* section : {"throughput", "power", "thermal", "reliability", "utilization", "cost"}) {
            const auto flat_a = ra.at(section).flatten();
            const auto flat_b = rb.at(section).flatten();
            for (const auto& [key, va] : flat_a.items()) {
                if (!va.is_number() || key.find("/training/") == 0 || key.find("/inference/") == 0) continue;
                const auto it = flat_b.find(key);
                if (it == flat_b.end() || !it->is_number()) continue;
                const double x = va.get<double>(), y = it->get<double>();
                nlohmann::ordered_json row{{"metric", std::string(section) + key}, {"a", x}, {"b", y}};
                row["ratio"] = x != 0.0 ? nlohmann::ordered_json(report::round_significant(y / x, 4)) : nlohmann::ordered_json(nullptr);
                rows.push_back(std::move(row));
            }
        }
        std::string out;
        if (o->format == "json") {
            out = nlohmann::ordered_json{{"a", o->a}, {"b", o->b}, {"metrics", rows}}.dump(2) + "\n";
        } else {
            out = fmt::format("{:<46} {:>16} {:>16} {:>9}\n", "metric", "A: " + o->a.substr(o->a.rfind('/') + 1),
                              "B: " + o->b.substr(o->b.rfind('/') + 1), "B/A");
            for (const auto& r : rows)
                out += fmt::format("{:<46} {:>16.6g} {:>16.6g} {:>9}\n", r["metric"].get<std::string>(),
                                   r["a"].get<double>(), r["b"].get<double>(),
                                   r["ratio"].is_null() ? "-" : fmt::format("{:.3f}", r["ratio"].get<double>()));
        }
        emit(out, o->output);
    });
}

void add_accuracy(CLI::App& app) {
    auto file = std::make_shared<std::string>("scenarios/validation/cases.json");
    auto format = std::make_shared<std::string>("table");
    auto* cmd = app.add_subcommand("accuracy", "Compare model predictions with published measurements "
                                               "(exit 1 if a case leaves its tolerance, "
                                               "unless it is a documented known miss)");
    cmd->add_option("cases", *file, "Cases file")->capture_default_str();
    cmd->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    cmd->callback([file, format] {
        const auto results = world::run_accuracy_cases(*file);
        int failed = 0;
        if (*format == "json") {
            nlohmann::ordered_json out = nlohmann::ordered_json::array();
            for (const auto& r : results) {
                out.push_back({{"name", r.name}, {"role", r.role}, {"scenario", r.scenario}, {"metric", r.metric},
                               {"reference", r.reference}, {"predicted", report::round_significant(r.predicted)},
                               {"relative_error", report::round_significant(r.relative_error, 4)},
                               {"tolerance", r.tolerance}, {"pass", r.pass}, {"known_miss", r.known_miss()},
                               {"expected_miss", r.expected_miss}, {"source", r.source}});
            }
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("%-66s %-11s %12s %12s %8s %-10s %s\n", "case", "role", "reference", "predicted", "error",
                        "tolerance", "");
            for (const auto& r : results) {
                const char* status = r.pass ? (r.expected_miss.empty() ? "ok" : "ok (was known miss)")
                                            : (r.known_miss() ? "KNOWN MISS" : "FAIL");
                std::printf("%-66s %-11s %12.4g %12.4g %+7.1f%% %-10s %s\n", r.name.c_str(), r.role.c_str(), r.reference,
                            r.predicted, r.relative_error * 100, r.tolerance.c_str(), status);
            }
            int known = 0;
            for (const auto& r : results) known += r.known_miss() ? 1 : 0;
            if (known) {
                std::printf("\n%d known miss%s outside the tolerance (not counted as failures):\n", known,
                            known == 1 ? "" : "es");
                for (const auto& r : results)
                    if (r.known_miss()) std::printf("  KNOWN MISS %s: %s\n", r.name.c_str(), r.expected_miss.c_str());
            }
        }
        for (const auto& r : results) failed += r.fails() ? 1 : 0;
        if (failed) throw ModelError(fmt::format("{} of {} accuracy cases outside their tolerance", failed, results.size()));
    });
}

}  // namespace

void add_scenario_commands(CLI::App& app) {
    add_accuracy(app);
    add_run(app);
    add_validate(app);
    add_schema(app);
    add_compare(app);
}

}  // namespace factorysim::cli
