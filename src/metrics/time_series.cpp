#include "factorysim/metrics/time_series.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim::metrics {

std::size_t TimeSeries::add_column(std::string name) {
    if (!times_.empty()) throw ModelError("cannot add a time-series column after rows were recorded");
    columns_.push_back(std::move(name));
    return columns_.size() - 1;
}

void TimeSeries::append_row(Time t, const std::vector<double>& row) {
    if (row.size() != columns_.size())
        throw ModelError(fmt::format("time-series row has {} values for {} columns", row.size(), columns_.size()));
    if (!times_.empty() && t < times_.back()) throw ModelError("time-series rows must be appended in time order");
    times_.push_back(t);
    values_.insert(values_.end(), row.begin(), row.end());
}

std::vector<double> TimeSeries::column(const std::string& name) const {
    const auto it = std::find(columns_.begin(), columns_.end(), name);
    if (it == columns_.end()) throw ModelError(fmt::format("no time-series column named \"{}\"", name));
    const auto c = static_cast<std::size_t>(it - columns_.begin());
    std::vector<double> out;
    out.reserve(rows());
    for (std::size_t r = 0; r < rows(); ++r) out.push_back(value(r, c));
    return out;
}

Sampler::Sampler(Engine& engine, Duration interval, TimeSeries& series)
    : engine_(engine), interval_(interval), series_(series) {
    if (interval <= Duration::zero()) throw UsageError("the sampling interval must be positive");
}

void Sampler::add_probe(std::string column, std::function<double()> probe) {
    series_.add_column(std::move(column));
    probes_.push_back(std::move(probe));
}

void Sampler::sample_now() {
    row_.resize(probes_.size());
    for (std::size_t i = 0; i < probes_.size(); ++i) row_[i] = probes_[i]();
    series_.append_row(engine_.now(), row_);
}

void Sampler::start(Time until) {
    until_ = until;
    engine_.schedule_at(engine_.now(), [this] { tick(); }, Priority::Observe);
}

void Sampler::tick() {
    sample_now();
    if (engine_.now() + interval_ <= until_) engine_.schedule_in(interval_, [this] { tick(); }, Priority::Observe);
}

}  // namespace factorysim::metrics
