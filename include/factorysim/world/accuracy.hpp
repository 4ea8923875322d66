// Accuracy cases (scenarios/validation/cases.json): run a scenario, read one figure of its
// JSON report by JSON pointer, compare it with a published measurement and a tolerance.
// `factorysim accuracy` prints the table; CTest fails if a case leaves its tolerance.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace factorysim::world {

struct AccuracyResult {
    std::string name;
    std::string scenario;
    std::string metric;  // JSON pointer into the report
    std::string role;    // "calibration" or "validation"
    std::string source;
    double reference = 0.0;
    double predicted = 0.0;
    double error = 0.0;  // predicted - reference
    double relative_error = 0.0;
    std::string tolerance;  // e.g. "+/-20 %", "+/-0.05", ">= 0.9"
    bool pass = false;
};

// Reads `cases_file` (its scenarios are relative to it) and runs every case. Throws
// scenario::InputError for a malformed cases file or scenario.
std::vector<AccuracyResult> run_accuracy_cases(const std::string& cases_file);

}  // namespace factorysim::world
