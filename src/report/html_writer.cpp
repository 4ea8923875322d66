// The HTML report: one self-contained page (inline CSS and SVG, no scripts, no external
// resources) so it can be attached to a CI run or mailed as a single file and still render
// offline. The markup is XHTML-compatible (every element closed, attributes quoted) so that
// tools and tests can parse it as XML.
//
// Determinism: numbers go through fmt (never iostreams, which follow the global locale),
// there is no clock, and the chart decimation depends on row indices only, so equal
// reports give equal bytes.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "factorysim/metrics/time_series.hpp"
#include "factorysim/report/report.hpp"
#include "factorysim/report/writers.hpp"

namespace factorysim::report {
namespace {

// Shown for missing or non-finite figures: "nan" or "inf" on a report page reads as a
// simulator bug and leaks the C library's spelling into the output.
constexpr std::string_view kDash = "\xE2\x80\x93";  // U+2013 EN DASH, UTF-8

// ---------------------------------------------------------------------------------------
// Text

// Scenario, job and column names are user input: escape everything that could end an
// element or an attribute value.
void append_escaped(std::string& out, std::string_view text) {
    for (const char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default:
                // XML forbids C0 control characters other than tab and newlines, even as
                // character references; replace them rather than emit an unparseable page.
                if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
                    out += '?';
                else
                    out += ch;
        }
    }
}

std::string escape(std::string_view text) {
    std::string out;
    append_escaped(out, text);
    return out;
}

// ---------------------------------------------------------------------------------------
// Numbers (plain text; escaped like any other cell when written)

// "1234567.5" -> "1,234,567.5": large token rates and dollar figures are unreadable
// without separators, and fmt's locale-free formatting has no grouping of its own.
std::string group_thousands(std::string s) {
    const std::size_t begin = (!s.empty() && s.front() == '-') ? 1 : 0;
    std::size_t end = s.find('.');
    if (end == std::string::npos) end = s.size();
    for (std::size_t i = end; i > begin + 3; i -= 3) s.insert(i - 3, 1, ',');
    return s;
}

// Fixed decimals with thousands separators; an en dash for NaN and infinities.
std::string fixed(double value, int decimals) {
    if (!std::isfinite(value)) return std::string(kDash);
    // Fixed notation of astronomically large values would be hundreds of digits.
    if (std::abs(value) >= 1e15) return fmt::format("{:.3e}", value);
    std::string s = fmt::format("{:.{}f}", value, decimals);
    // A tiny negative value rounds to "-0.00", which says nothing "0.00" does not.
    if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
    return group_thousands(std::move(s));
}

std::string percent(double fraction) { return fixed(fraction * 100.0, 1); }

std::string milliseconds(double seconds) { return fixed(seconds * 1e3, 1); }

std::string integer(std::int64_t value) { return group_thousands(fmt::format("{}", value)); }
std::string integer(std::uint64_t value) { return group_thousands(fmt::format("{}", value)); }

std::string usd(double value, int decimals) {
    if (!std::isfinite(value)) return std::string(kDash);
    const std::string digits = fixed(std::abs(value), decimals);
    const bool negative = value < 0 && digits.find_first_not_of("0.,") != std::string::npos;
    return (negative ? "-$" : "$") + digits;
}

std::string optional_hours(const std::optional<double>& hours) {
    return hours ? fixed(*hours, 2) : std::string(kDash);
}

// ---------------------------------------------------------------------------------------
// Tables

struct Table {
    std::vector<std::string> header;              // empty: a key/value table, labels in <th>
    std::vector<std::vector<std::string>> rows;   // plain text, escaped when written
    std::size_t text_columns = 1;                 // leading columns left-aligned; the rest numbers
};

// Figures start with a digit, a sign, a currency symbol or the missing-value dash.
bool looks_numeric(std::string_view cell) {
    if (cell.empty()) return false;
    const char first = cell.front();
    return (first >= '0' && first <= '9') || first == '-' || first == '$' || cell.starts_with(kDash);
}

void append_table(std::string& out, const Table& table) {
    out += "<table>\n";
    if (!table.header.empty()) {
        out += "<thead><tr>";
        for (const auto& cell : table.header) {
            out += "<th scope=\"col\">";
            append_escaped(out, cell);
            out += "</th>";
        }
        out += "</tr></thead>\n";
    }
    out += "<tbody>\n";
    const bool key_value = table.header.empty();
    for (const auto& row : table.rows) {
        out += "<tr>";
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (key_value && c == 0) {
                out += "<th scope=\"row\">";
                append_escaped(out, row[c]);
                out += "</th>";
                continue;
            }
            // Key/value tables mix figures and words ("none", the cooling type): align by content.
            const bool number = key_value ? looks_numeric(row[c]) : c >= table.text_columns;
            out += number ? "<td class=\"num\">" : "<td>";
            append_escaped(out, row[c]);
            out += "</td>";
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
}

// A two-column table of labelled figures.
void append_key_values(std::string& out, std::vector<std::vector<std::string>> rows) {
    append_table(out, Table{{}, std::move(rows), 1});
}

void append_note(std::string& out, std::string_view text) {
    out += "<p class=\"note\">";
    append_escaped(out, text);
    out += "</p>\n";
}

void open_section(std::string& out, std::string_view id, std::string_view title) {
    fmt::format_to(std::back_inserter(out), "<section id=\"{}\">\n<h2>", id);
    append_escaped(out, title);
    out += "</h2>\n";
}

void close_section(std::string& out) { out += "</section>\n"; }

void append_heading3(std::string& out, std::string_view title) {
    out += "<h3>";
    append_escaped(out, title);
    out += "</h3>\n";
}

// ---------------------------------------------------------------------------------------
// Summary sections

void append_run(std::string& out, const RunSection& run) {
    open_section(out, "run", "Run");
    append_key_values(out, {
        {"Scenario", run.scenario},
        {"factorysim version", run.factorysim_version},
        {"Seed", integer(run.seed)},
        {"Horizon (h)", fixed(run.horizon_hours, 2)},
        {"Simulated (h)", fixed(run.simulated_hours, 2)},
        {"Status", run.partial ? "partial (stopped early)" : "complete"},
        {"Events", integer(run.events)},
        {"Warnings", integer(static_cast<std::uint64_t>(run.warnings.size()))},
    });
    if (!run.warnings.empty()) {
        append_heading3(out, "Warnings");
        out += "<ul class=\"warnings\">\n";
        for (const auto& warning : run.warnings) {
            out += "<li>";
            append_escaped(out, warning);
            out += "</li>\n";
        }
        out += "</ul>\n";
    }
    close_section(out);
}

void append_training(std::string& out, const std::vector<TrainingJobReport>& jobs) {
    append_heading3(out, "Training jobs");
    if (jobs.empty()) {
        append_note(out, "No training jobs.");
        return;
    }
    Table table{{"Name", "Model", "Rack", "GPUs", "Step time (s)", "Tokens/s", "MFU (%)", "Goodput (%)",
                 "Completion (h)", "GPU-hours", "Cost"},
                {},
                3};
    for (const auto& job : jobs)
        table.rows.push_back({job.name, job.model, job.rack, integer(std::int64_t{job.gpus}),
                              fixed(job.step_time_s, 3), fixed(job.tokens_per_s, 0), percent(job.mfu),
                              percent(job.goodput), optional_hours(job.completion_hours), fixed(job.gpu_hours, 1),
                              usd(job.cost_usd, 0)});
    append_table(out, table);
}

void append_inference(std::string& out, const std::vector<InferenceServiceReport>& services) {
    append_heading3(out, "Inference services");
    if (services.empty()) {
        append_note(out, "No inference services.");
        return;
    }
    Table table{{"Name", "Model", "Instances", "GPUs", "Output tokens/s", "TTFT p50 (ms)", "TTFT p99 (ms)",
                 "TPOT p50 (ms)", "TPOT p99 (ms)", "SLO attainment (%)", "Utilization (%)", "GPU-hours", "Cost"},
                {},
                2};
    for (const auto& s : services)
        table.rows.push_back({s.name, s.model, integer(std::int64_t{s.instances}), integer(std::int64_t{s.gpus}),
                              fixed(s.output_tokens_per_s, 0), milliseconds(s.ttft_p50_s),
                              milliseconds(s.ttft_p99_s), milliseconds(s.tpot_p50_s), milliseconds(s.tpot_p99_s),
                              percent(s.slo_attainment), percent(s.utilization), fixed(s.gpu_hours, 1),
                              usd(s.cost_usd, 0)});
    append_table(out, table);

    // Disaggregated services: each pool's shape and load, and the KV cache moved between them.
    Table pools{{"Service", "Pool", "Instances", "GPUs each", "TP", "EP", "Capacity (req/s)", "Utilization (%)"},
                {},
                2};
    Table kv{{"Service", "KV link", "KV per request (MB)", "Transfer (ms)", "KV traffic (GB/s)"}, {}, 2};
    for (const auto& s : services) {
        if (!s.disaggregation) continue;
        const auto& d = *s.disaggregation;
        for (const auto& [label, pool] : {std::pair{"prefill", &d.prefill}, std::pair{"decode", &d.decode}})
            pools.rows.push_back({s.name, label, integer(std::int64_t{pool->instances}),
                                  integer(std::int64_t{pool->gpus_per_instance}), integer(std::int64_t{pool->tp}),
                                  integer(std::int64_t{pool->ep}), fixed(pool->capacity_requests_per_s, 1),
                                  percent(pool->utilization)});
        kv.rows.push_back({s.name, d.kv_link, fixed(d.kv_bytes_per_request / 1e6, 1), milliseconds(d.kv_transfer_s),
                           fixed(d.kv_transfer_gb_per_s, 2)});
    }
    if (pools.rows.empty()) return;
    append_heading3(out, "Disaggregated prefill and decode");
    append_table(out, pools);
    append_table(out, kv);
}

void append_throughput(std::string& out, const ThroughputSection& throughput) {
    open_section(out, "throughput", "Throughput");
    append_key_values(out, {{"Total tokens/s (training + inference)", fixed(throughput.total_tokens_per_s, 0)}});
    append_training(out, throughput.training);
    append_inference(out, throughput.inference);
    close_section(out);
}

void append_power(std::string& out, const PowerSection& power) {
    open_section(out, "power", "Power");
    append_key_values(out, {
        {"IT power, average (MW)", fixed(power.it_avg_mw, 3)},
        {"IT power, peak (MW)", fixed(power.it_peak_mw, 3)},
        {"Facility power, average (MW)", fixed(power.facility_avg_mw, 3)},
        {"Facility power, peak (MW)", fixed(power.facility_peak_mw, 3)},
        {"Cooling power, average (MW)", fixed(power.cooling_avg_mw, 3)},
        {"Distribution losses, average (MW)", fixed(power.distribution_loss_avg_mw, 3)},
        {"PUE", fixed(power.pue, 3)},
        {"IT energy (MWh)", fixed(power.it_energy_mwh, 1)},
        {"Facility energy (MWh)", fixed(power.energy_mwh, 1)},
        // 0 means "no cap" in the report contract, not a 0 MW cap.
        {"Site power cap (MW)", power.site_power_cap_mw > 0 ? fixed(power.site_power_cap_mw, 3) : "none"},
        {"Time at the site cap (h)", fixed(power.capped_hours, 2)},
    });
    close_section(out);
}

void append_thermal(std::string& out, const ThermalSection& thermal) {
    open_section(out, "thermal", "Thermal");
    append_key_values(out, {
        {"Cooling", thermal.cooling},
        {"Supply temperature (\xC2\xB0" "C)", fixed(thermal.supply_temp_c, 1)},
        {"Ambient, average (\xC2\xB0" "C)", fixed(thermal.ambient_avg_c, 1)},
        {"Ambient, maximum (\xC2\xB0" "C)", fixed(thermal.ambient_max_c, 1)},
        {"GPU temperature, maximum (\xC2\xB0" "C)", fixed(thermal.max_gpu_temp_c, 1)},
        {"Free cooling (% of time)", percent(thermal.free_cooling_fraction)},
        {"Heat to liquid (%)", percent(thermal.heat_to_liquid_fraction)},
        {"Throttled GPU-hours", fixed(thermal.throttled_gpu_hours, 1)},
    });
    close_section(out);
}

void append_reliability(std::string& out, const ReliabilitySection& reliability) {
    open_section(out, "reliability", "Reliability");
    append_key_values(out, {
        {"Failures", integer(reliability.failures)},
        {"Job interruptions", integer(reliability.job_interruptions)},
        {"GPU-hours lost", fixed(reliability.gpu_hours_lost, 1)},
    });
    append_heading3(out, "Failures by component");
    if (reliability.failures_by_component.empty()) {
        append_note(out, "No failures.");
    } else {
        Table table{{"Component", "Failures"}, {}, 1};
        for (const auto& [component, count] : reliability.failures_by_component)
            table.rows.push_back({component, integer(count)});
        append_table(out, table);
    }
    close_section(out);
}

void append_utilization(std::string& out, const UtilizationSection& utilization) {
    open_section(out, "utilization", "Utilization");
    append_key_values(out, {
        {"GPUs", integer(std::int64_t{utilization.gpus})},
        {"Racks", integer(std::int64_t{utilization.racks})},
        {"Installed GPU-hours", fixed(utilization.gpu_hours, 1)},
        {"Allocated GPU-hours", fixed(utilization.allocated_gpu_hours, 1)},
        {"Busy GPU-hours", fixed(utilization.busy_gpu_hours, 1)},
        {"Allocated (%)", percent(utilization.allocated_fraction)},
        {"Busy (%)", percent(utilization.busy_fraction)},
        {"Jobs waiting at the end", integer(utilization.jobs_waiting_at_end)},
    });
    close_section(out);
}

void append_cost(std::string& out, const CostSection& cost) {
    open_section(out, "cost", "Cost");
    append_key_values(out, {
        {"Capex", usd(cost.capex_usd, 0)},
        {"Depreciation over the run", usd(cost.depreciation_usd, 0)},
        {"Energy", usd(cost.energy_cost_usd, 0)},
        {"Average electricity price (USD/kWh)", fixed(cost.energy_usd_per_kwh_avg, 4)},
        {"Maintenance", usd(cost.maintenance_usd, 0)},
        {"Staff", usd(cost.staff_usd, 0)},
        {"Colocation", usd(cost.colocation_usd, 0)},
        {"Opex over the run", usd(cost.opex_usd, 0)},
        {"TCO over the run", usd(cost.tco_usd, 0)},
        {"TCO, annualized", usd(cost.tco_annualized_usd, 0)},
        {"Per GPU-hour", usd(cost.usd_per_gpu_hour, 2)},
        {"Per allocated GPU-hour", usd(cost.usd_per_allocated_gpu_hour, 2)},
        {"Per busy GPU-hour", usd(cost.usd_per_busy_gpu_hour, 2)},
        // The contract stores 0 when no tokens were produced; "$0.00" would read as free.
        {"Per million tokens", cost.usd_per_million_tokens > 0 ? usd(cost.usd_per_million_tokens, 3)
                                                                : std::string(kDash)},
        {"Per million inference tokens", cost.usd_per_million_inference_tokens > 0
                                             ? usd(cost.usd_per_million_inference_tokens, 3)
                                             : std::string(kDash)},
    });
    if (!cost.capex_breakdown_usd.empty()) {
        append_heading3(out, "Capex breakdown");
        Table table{{"Item", "USD", "Share (%)", "Charged in the run (USD)"}, {}, 1};
        for (const auto& [item, amount] : cost.capex_breakdown_usd) {
            const auto charged = cost.depreciation_breakdown_usd.find(item);
            table.rows.push_back({item, usd(amount, 0),
                                  cost.capex_usd > 0 ? percent(amount / cost.capex_usd) : std::string(kDash),
                                  charged != cost.depreciation_breakdown_usd.end() ? usd(charged->second, 0)
                                                                                   : std::string(kDash)});
        }
        append_table(out, table);
    }
    close_section(out);
}

// ---------------------------------------------------------------------------------------
// Charts

// One chart per unit, chosen by the column-name suffix (the naming convention of the
// report's probes), so that lines sharing a chart share a y axis.
struct ChartKind {
    std::string_view title;
    std::string_view suffix;  // empty: the catch-all chart
    std::string_view unit;    // y-axis title
    bool zero_based;          // include 0 in the y range (quantities whose zero is meaningful)
    bool unit_interval;       // include [0, 1] in the y range
};

constexpr std::array<ChartKind, 5> kChartKinds{{
    {"Power", "_mw", "MW", true, false},
    {"Temperature", "_c", "\xC2\xB0" "C", false, false},
    {"Utilisation", "_fraction", "fraction (0-1)", true, true},
    {"Rates", "_per_s", "per second", true, false},
    {"Other", "", "value", true, false},
}};

std::size_t chart_kind(std::string_view column) {
    for (std::size_t k = 0; k + 1 < kChartKinds.size(); ++k)
        if (column.ends_with(kChartKinds[k].suffix)) return k;
    return kChartKinds.size() - 1;
}

// A fixed palette (Tableau 10) so that colours do not depend on anything but column order.
constexpr std::array<std::string_view, 10> kPalette{
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

// Past ten lines in one chart the colours repeat; a dash pattern keeps them apart.
constexpr std::array<std::string_view, 3> kDashes{"", "6 3", "2 2"};

// Bounds the page size for long runs: more than this many samples are decimated.
constexpr std::size_t kMaxPlottedRows = 2000;

// Every k-th row plus the last, chosen from indices only so the result is deterministic.
std::vector<std::size_t> plotted_rows(std::size_t rows) {
    std::vector<std::size_t> kept;
    if (rows == 0) return kept;
    const std::size_t step = rows <= kMaxPlottedRows ? 1 : (rows + kMaxPlottedRows - 1) / kMaxPlottedRows;
    kept.reserve(rows / step + 2);
    for (std::size_t r = 0; r < rows; r += step) kept.push_back(r);
    if (kept.back() != rows - 1) kept.push_back(rows - 1);
    return kept;
}

// 1, 2 or 5 times a power of ten, at least span / target_ticks.
double nice_step(double span, int target_ticks) {
    const double raw = span / target_ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double normalized = raw / magnitude;
    const double nice = normalized <= 1.0 ? 1.0 : normalized <= 2.0 ? 2.0 : normalized <= 5.0 ? 5.0 : 10.0;
    return nice * magnitude;
}

struct Axis {
    double lo = 0.0;
    double hi = 1.0;  // always > lo, so scaling never divides by zero
    double step = 0.5;
};

// Multiples of the step within [lo, hi]; the loop is bounded whatever the floating point does.
std::vector<double> ticks(const Axis& axis) {
    std::vector<double> out;
    const double first = std::ceil(axis.lo / axis.step - 1e-9);
    for (int i = 0; i <= 12; ++i) {
        const double value = (first + i) * axis.step;
        if (value > axis.hi + axis.step * 1e-9) break;
        out.push_back(value);
    }
    return out;
}

// Tick labels: scaled by k/M/G/T for large magnitudes so they fit the margin, with as
// many decimals as the step needs.
struct TickFormat {
    double scale = 1.0;
    std::string_view suffix;
    int decimals = 0;
};

TickFormat tick_format(const Axis& axis) {
    static constexpr std::array<std::pair<double, std::string_view>, 4> kScales{{
        {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"},
    }};
    const double magnitude = std::max(std::abs(axis.lo), std::abs(axis.hi));
    TickFormat format;
    // Below 10,000 grouped digits fit (and read better for hours); above, the largest
    // prefix keeps labels to a few digits ("2.5M", not "2,500k").
    for (const auto& [scale, suffix] : kScales) {
        if (magnitude >= 1e4 && magnitude >= scale) {
            format.scale = scale;
            format.suffix = suffix;
            break;
        }
    }
    format.decimals = std::clamp(-static_cast<int>(std::floor(std::log10(axis.step / format.scale) + 1e-9)), 0, 9);
    return format;
}

std::string tick_label(double value, const TickFormat& format) {
    if (value == 0.0) return "0";  // "0M" or "0.0" look like a different value
    return fixed(value / format.scale, format.decimals) + std::string(format.suffix);
}

// The y axis for a chart: the finite range of all its columns (over every row, so
// decimation cannot hide a peak from the axis), widened to nice tick multiples.
Axis value_axis(const metrics::TimeSeries& series, const std::vector<std::size_t>& columns, const ChartKind& kind) {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (std::size_t r = 0; r < series.rows(); ++r) {
        for (const std::size_t c : columns) {
            const double v = series.value(r, c);
            if (!std::isfinite(v)) continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    if (!(lo <= hi)) lo = hi = 0.0;  // no finite value at all
    // Keep the span finite even for values near the double range.
    lo = std::clamp(lo, -1e300, 1e300);
    hi = std::clamp(hi, -1e300, 1e300);
    if (kind.zero_based) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    if (kind.unit_interval) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 1.0);
    }
    // A constant column has no span to scale by: pad it so the line sits mid-chart. Spans
    // near the subnormal range count as constant too, or the tick step would underflow.
    const double span = hi - lo;
    if (!(span > 1e-9 * std::max(std::abs(lo), std::abs(hi))) || span < 1e-200) {
        if (lo == 0.0) {
            hi = 1.0;
            if (!kind.zero_based) lo = -1.0;
        } else {
            const double pad = std::max(std::abs(lo) * 0.1, 1e-100);
            lo -= pad;
            hi += pad;
        }
    }
    Axis axis;
    axis.step = nice_step(hi - lo, 4);
    axis.lo = std::floor(lo / axis.step) * axis.step;
    axis.hi = std::ceil(hi / axis.step) * axis.step;
    if (!(axis.hi > axis.lo)) axis.hi = axis.lo + axis.step;
    return axis;
}

// The x axis: the plotted time span in hours, not widened (nice bounds would leave an
// empty band after the horizon); one sample gets a one-hour window.
Axis time_axis(const metrics::TimeSeries& series, const std::vector<std::size_t>& rows) {
    Axis axis;
    axis.lo = series.time(rows.front()).hours();
    axis.hi = series.time(rows.back()).hours();
    if (!(axis.hi > axis.lo)) axis.hi = axis.lo + 1.0;
    axis.step = nice_step(axis.hi - axis.lo, 6);
    return axis;
}

// Chart geometry in SVG user units.
constexpr double kWidth = 760.0;
constexpr double kPlotLeft = 76.0;
constexpr double kPlotRight = kWidth - 20.0;
constexpr double kPlotTop = 14.0;
constexpr double kPlotBottom = 234.0;
constexpr double kLegendTop = 290.0;
constexpr double kLegendLine = 18.0;

// Pixel coordinates are clamped so a wild value cannot print a 300-digit number.
double clamp_pixel(double p) { return std::clamp(p, -1e4, 1e4); }

double x_pixel(const Axis& axis, double hours) {
    return clamp_pixel(kPlotLeft + (hours - axis.lo) / (axis.hi - axis.lo) * (kPlotRight - kPlotLeft));
}

double y_pixel(const Axis& axis, double value) {
    return clamp_pixel(kPlotBottom - (value - axis.lo) / (axis.hi - axis.lo) * (kPlotBottom - kPlotTop));
}

void append_axes(std::string& out, const Axis& x, const Axis& y, std::string_view unit) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "<rect class=\"plot\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" />\n",
                   kPlotLeft, kPlotTop, kPlotRight - kPlotLeft, kPlotBottom - kPlotTop);
    const TickFormat y_format = tick_format(y);
    for (const double v : ticks(y)) {
        const double py = y_pixel(y, v);
        fmt::format_to(it, "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" />", kPlotLeft,
                       py, kPlotRight, py);
        fmt::format_to(it, "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                       kPlotLeft - 6.0, py + 4.0, escape(tick_label(v, y_format)));
    }
    const TickFormat x_format = tick_format(x);
    for (const double v : ticks(x)) {
        const double px = x_pixel(x, v);
        fmt::format_to(it, "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" />", px,
                       kPlotTop, px, kPlotBottom);
        fmt::format_to(it, "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px,
                       kPlotBottom + 16.0, escape(tick_label(v, x_format)));
    }
    fmt::format_to(it, "<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" />\n",
                   kPlotLeft, kPlotTop, kPlotBottom);
    fmt::format_to(it, "<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" y2=\"{2:.1f}\" />\n",
                   kPlotLeft, kPlotRight, kPlotBottom);
    fmt::format_to(it, "<text class=\"axis-title\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">time (h)</text>\n",
                   (kPlotLeft + kPlotRight) / 2.0, kPlotBottom + 34.0);
    fmt::format_to(it,
                   "<text class=\"axis-title\" transform=\"translate(16 {:.1f}) rotate(-90)\" "
                   "text-anchor=\"middle\">{}</text>\n",
                   (kPlotTop + kPlotBottom) / 2.0, escape(unit));
}

// The stroke attributes of the i-th line of a chart.
std::string stroke(std::size_t line) {
    std::string s = fmt::format("stroke=\"{}\"", kPalette[line % kPalette.size()]);
    const std::string_view dash = kDashes[(line / kPalette.size()) % kDashes.size()];
    if (!dash.empty()) s += fmt::format(" stroke-dasharray=\"{}\"", dash);
    return s;
}

// One polyline per column, even if it has no finite point (then it draws nothing), so
// lines and legend entries always correspond. Non-finite samples are skipped, joining
// their neighbours; a lone point gets a marker because a one-point polyline is invisible.
void append_line(std::string& out, const metrics::TimeSeries& series, const std::vector<std::size_t>& rows,
                 std::size_t column, std::size_t line, const Axis& x, const Axis& y) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "<polyline class=\"series\" fill=\"none\" stroke-width=\"1.5\" {} points=\"", stroke(line));
    std::size_t points = 0;
    double last_x = 0.0, last_y = 0.0;
    for (const std::size_t r : rows) {
        const double v = series.value(r, column);
        if (!std::isfinite(v)) continue;
        last_x = x_pixel(x, series.time(r).hours());
        last_y = y_pixel(y, v);
        fmt::format_to(it, "{}{:.1f},{:.1f}", points == 0 ? "" : " ", last_x, last_y);
        ++points;
    }
    out += "\" />\n";
    if (points == 1)
        fmt::format_to(it, "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" />\n", last_x, last_y,
                       kPalette[line % kPalette.size()]);
}

void append_legend(std::string& out, const metrics::TimeSeries& series, const std::vector<std::size_t>& columns) {
    auto it = std::back_inserter(out);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const double ly = kLegendTop + kLegendLine * static_cast<double>(i);
        fmt::format_to(it, "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke-width=\"3\" {} />",
                       kPlotLeft, ly - 4.0, kPlotLeft + 24.0, ly - 4.0, stroke(i));
        fmt::format_to(it, "<text class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", kPlotLeft + 32.0, ly,
                       escape(series.columns()[columns[i]]));
    }
}

void append_chart(std::string& out, const metrics::TimeSeries& series, const std::vector<std::size_t>& rows,
                  const std::vector<std::size_t>& columns, const ChartKind& kind) {
    const std::string title = fmt::format("{} ({})", kind.title, kind.unit);
    const Axis x = time_axis(series, rows);
    const Axis y = value_axis(series, columns, kind);
    const double height = kLegendTop + kLegendLine * static_cast<double>(columns.size());
    out += "<figure class=\"chart\">\n";
    append_heading3(out, title);
    fmt::format_to(std::back_inserter(out),
                   "<svg width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" "
                   "aria-label=\"{2}\">\n",
                   kWidth, height, escape(title));
    append_axes(out, x, y, kind.unit);
    for (std::size_t i = 0; i < columns.size(); ++i) append_line(out, series, rows, columns[i], i, x, y);
    append_legend(out, series, columns);
    out += "</svg>\n</figure>\n";
}

void append_charts(std::string& out, const metrics::TimeSeries& series) {
    open_section(out, "series", "Time series");
    if (series.rows() == 0 || series.columns().empty()) {
        append_note(out, "no time series sampled");  // wording relied on by tests and tools
        close_section(out);
        return;
    }
    const std::vector<std::size_t> rows = plotted_rows(series.rows());
    if (rows.size() < series.rows())
        append_note(out, fmt::format("{} samples from {} h to {} h; {} plotted (evenly spaced, and the last).",
                                     integer(static_cast<std::uint64_t>(series.rows())),
                                     fixed(series.time(0).hours(), 2),
                                     fixed(series.time(series.rows() - 1).hours(), 2),
                                     integer(static_cast<std::uint64_t>(rows.size()))));
    else
        append_note(out, fmt::format("{} samples from {} h to {} h.", integer(static_cast<std::uint64_t>(rows.size())),
                                     fixed(series.time(0).hours(), 2),
                                     fixed(series.time(series.rows() - 1).hours(), 2)));
    std::array<std::vector<std::size_t>, kChartKinds.size()> groups;
    for (std::size_t c = 0; c < series.columns().size(); ++c) groups[chart_kind(series.columns()[c])].push_back(c);
    for (std::size_t k = 0; k < groups.size(); ++k)
        if (!groups[k].empty()) append_chart(out, series, rows, groups[k], kChartKinds[k]);
    close_section(out);
}

// ---------------------------------------------------------------------------------------
// Page

// No external fonts or resources: system fonts only.
constexpr std::string_view kStyle = R"(body { font-family: system-ui, sans-serif; color: #1f2328; background: #ffffff;
  max-width: 64rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.6rem; text-align: left; }
thead th, tbody th { background: #f6f8fa; }
tbody th { font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.partial { background: #fff3cd; border: 1px solid #e0a800; padding: 0.5rem 0.8rem; font-weight: bold; }
.note { color: #57606a; font-size: 0.9rem; }
figure.chart { margin: 1rem 0; }
svg { display: block; max-width: 100%; height: auto; }
svg .plot { fill: #ffffff; stroke: none; }
svg .grid { stroke: #e5e7eb; stroke-width: 1; }
svg .axis { stroke: #57606a; stroke-width: 1; }
svg text { font-family: system-ui, sans-serif; font-size: 11px; fill: #1f2328; }
svg .axis-title { font-size: 12px; }
)";

void append_head(std::string& out, const std::string& title) {
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>";
    append_escaped(out, title);
    out += "</title>\n<style>\n";
    out += kStyle;
    out += "</style>\n</head>\n";
}

void append_partial_banner(std::string& out, const RunSection& run) {
    if (!run.partial) return;
    out += "<p class=\"partial\">";
    append_escaped(out, fmt::format("PARTIAL: stopped after {} h of {} h; the figures cover the simulated time only.",
                                    fixed(run.simulated_hours, 2), fixed(run.horizon_hours, 2)));
    out += "</p>\n";
}

}  // namespace

void write_html(const Report& report, std::ostream& out) {
    const std::string title =
        "factorysim report: " + (report.run.scenario.empty() ? std::string("(unnamed)") : report.run.scenario);
    std::string page;
    page.reserve(64 * 1024);
    append_head(page, title);
    page += "<body>\n<h1>";
    append_escaped(page, title);
    page += "</h1>\n";
    append_partial_banner(page, report.run);
    append_run(page, report.run);
    append_throughput(page, report.throughput);
    append_power(page, report.power);
    append_thermal(page, report.thermal);
    append_reliability(page, report.reliability);
    append_utilization(page, report.utilization);
    append_cost(page, report.cost);
    append_charts(page, report.series);
    page += "</body>\n</html>\n";
    out.write(page.data(), static_cast<std::streamsize>(page.size()));
}

}  // namespace factorysim::report
