// Time series sampled at a fixed interval: a table of (time, column values). A Sampler
// schedules itself on the engine in the Observe band, so each row sees the settled state
// of its instant; models only expose probes, they never write files.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "factorysim/core/engine.hpp"
#include "factorysim/core/time.hpp"

namespace factorysim::metrics {

class TimeSeries {
public:
    explicit TimeSeries(std::vector<std::string> columns = {}) : columns_(std::move(columns)) {}

    std::size_t add_column(std::string name);
    void append_row(Time t, const std::vector<double>& row);

    const std::vector<std::string>& columns() const { return columns_; }
    std::size_t rows() const { return times_.size(); }
    Time time(std::size_t row) const { return times_[row]; }
    double value(std::size_t row, std::size_t column) const { return values_[row * columns_.size() + column]; }
    // Column by name; throws ModelError if absent.
    std::vector<double> column(const std::string& name) const;

private:
    std::vector<std::string> columns_;
    std::vector<Time> times_;
    std::vector<double> values_;  // row-major
};

class Sampler {
public:
    Sampler(Engine& engine, Duration interval, TimeSeries& series);
    void add_probe(std::string column, std::function<double()> probe);
    // Takes a row now and then every interval while the engine runs up to `until`.
    void start(Time until);
    void sample_now();

private:
    void tick();

    Engine& engine_;
    Duration interval_;
    TimeSeries& series_;
    std::vector<std::function<double()>> probes_;
    std::vector<double> row_;
    Time until_ = Time::max();
};

}  // namespace factorysim::metrics
