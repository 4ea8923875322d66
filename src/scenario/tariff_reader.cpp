#include "scenario/tariff_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "scenario/hourly_csv.hpp"

namespace factorysim::scenario {
namespace {

using nlohmann::json;
using Days = TariffPeriod::Days;

constexpr const char* periods_at = "/site/tariff/periods";
constexpr const char* day_names[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// Boundaries are compared in whole nanoseconds of the day, as the world uses them, so
// 7.1 + 16.9 covering 24 h is decided without rounding doubts.
std::int64_t day_ns(double hour) { return std::llround(hour * 3.6e12); }

std::string clock_text(std::int64_t ns) {
    const std::int64_t minute_ns = 60'000'000'000;
    if (ns % minute_ns == 0) return fmt::format("{:02}:{:02}", ns / (60 * minute_ns), ns / minute_ns % 60);
    return fmt::format("hour {:g}", static_cast<double>(ns) / 3.6e12);
}

struct Piece {
    std::int64_t start, end;  // ns of the day
    std::size_t period;       // index in the scenario
};

// Gaps and overlaps of the pieces that apply to one kind of day.
void check_cover(std::vector<Piece> pieces, const std::string& on_days, std::vector<Diagnostic>& problems) {
    constexpr std::int64_t day = 86'400'000'000'000;
    std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.start < b.start; });
    std::int64_t covered_to = 0;
    std::size_t last_period = 0;
    for (const auto& p : pieces) {
        if (p.start > covered_to)
            problems.push_back({periods_at, fmt::format("no period covers {}-{}{}; the periods must cover all 24 "
                                                        "hours of every day",
                                                        clock_text(covered_to), clock_text(p.start), on_days)});
        else if (p.start < covered_to)
            problems.push_back({append_pointer(periods_at, p.period),
                                fmt::format("overlaps period {} at {}-{}{}; every hour must have one price",
                                            last_period, clock_text(p.start), clock_text(std::min(covered_to, p.end)),
                                            on_days)});
        if (p.end > covered_to) {
            covered_to = p.end;
            last_period = p.period;
        }
    }
    if (covered_to < day)
        problems.push_back({periods_at, fmt::format("no period covers {}-24:00{}; the periods must cover all 24 "
                                                    "hours of every day",
                                                    clock_text(covered_to), on_days)});
}

Tariff read_time_of_use(const json& section, std::vector<Diagnostic>& problems) {
    Tariff out;
    out.kind = Tariff::Kind::TimeOfUse;
    const auto start = section.at("start_day").get<std::string>();
    out.start_day_of_week =
        static_cast<int>(std::find(std::begin(day_names), std::end(day_names), start) - std::begin(day_names));
    const std::size_t problems_before = problems.size();
    std::vector<Piece> weekday, weekend;
    bool by_kind_of_day = false;
    const auto& periods = section.at("periods");
    for (std::size_t i = 0; i < periods.size(); ++i) {
        const auto& p = periods[i];
        TariffPeriod period;
        period.from_hour = p.at("from_hour").get<double>();
        period.to_hour = p.at("to_hour").get<double>();
        period.usd_per_kwh = p.at("usd_per_kwh").get<double>();
        const auto days = p.at("days").get<std::string>();
        period.days = days == "weekday" ? Days::Weekday : days == "weekend" ? Days::Weekend : Days::All;
        by_kind_of_day = by_kind_of_day || period.days != Days::All;
        const auto from = day_ns(period.from_hour), to = day_ns(period.to_hour);
        if (from == to) {
            problems.push_back({append_pointer(append_pointer(periods_at, i), "to_hour"),
                                "equals from_hour; a period must not be empty (0 to 24 is the whole day)"});
            continue;
        }
        // A period past midnight is two: [from, 24) and [0, to).
        std::vector<std::pair<double, double>> spans;
        if (from < to) {
            spans.emplace_back(period.from_hour, period.to_hour);
        } else {
            spans.emplace_back(period.from_hour, 24.0);
            if (to > 0) spans.emplace_back(0.0, period.to_hour);
        }
        for (const auto& [a, b] : spans) {
            TariffPeriod piece = period;
            piece.from_hour = a;
            piece.to_hour = b;
            out.periods.push_back(piece);
            const Piece span{day_ns(a), day_ns(b), i};
            if (period.days != Days::Weekend) weekday.push_back(span);
            if (period.days != Days::Weekday) weekend.push_back(span);
        }
    }
    if (problems.size() == problems_before) {  // empty periods make the cover check noise
        if (by_kind_of_day) {
            check_cover(weekday, " on weekdays", problems);
            check_cover(weekend, " on weekends", problems);
        } else {
            check_cover(weekday, "", problems);
        }
    }
    return out;
}

}  // namespace

Tariff read_tariff(const json& site, const std::string& scenario_file, bool flat_price_written,
                   std::vector<Diagnostic>& problems) {
    const auto& section = site.at("tariff");
    const auto type = section.at("type").get<std::string>();
    if (flat_price_written && type != "flat")
        problems.push_back({"/site/electricity_usd_per_kwh",
                            fmt::format("a flat price is not used with a \"{}\" tariff (/site/tariff/type); remove "
                                        "it, or make the tariff flat",
                                        type)});
    if (type == "time_of_use") return read_time_of_use(section, problems);
    Tariff out;
    if (type == "csv") {
        out.kind = Tariff::Kind::Hourly;
        out.source = resolve_beside(section.at("path").get<std::string>(), scenario_file);
        // Wholesale (day-ahead) prices can go negative when renewables are in surplus.
        out.hourly_usd_per_kwh = read_hourly_csv(
            out.source, {"/site/tariff/path", section.at("column").get<std::string>(), -10.0, 10.0, "a price", "USD/kWh"},
            scenario_file);
    }
    return out;
}

}  // namespace factorysim::scenario
