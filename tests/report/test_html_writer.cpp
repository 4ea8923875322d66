// The HTML report page: XML well-formedness (so browsers and tools parse it the same way),
// escaping of user input, chart grouping and decimation, no "nan"/"inf", determinism.
#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>
#else
#include <catch2/catch.hpp>  // Catch2 v2, as installed on some build machines
#endif

#include <cctype>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "factorysim/core/time.hpp"
#include "factorysim/metrics/time_series.hpp"
#include "factorysim/report/report.hpp"
#include "factorysim/report/writers.hpp"

using factorysim::Time;
using factorysim::metrics::TimeSeries;
using factorysim::report::Report;

namespace {

// ---------------------------------------------------------------------------------------
// A small XML well-formedness checker: enough of XML 1.0 for the page (doctype, comments,
// elements, quoted attributes, the predefined and numeric entities), strict about the
// mistakes an HTML writer makes (unclosed or crossed tags, raw '<' or '&', unquoted
// attributes, text outside the root element).

bool is_name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':';
}

bool is_name_char(char c) {
    return is_name_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Length of the entity reference starting at text[0] == '&', or 0 if it is not a valid one.
std::size_t entity_length(std::string_view text) {
    for (const std::string_view named : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
        if (text.starts_with(named)) return named.size();
    if (!text.starts_with("&#")) return 0;
    std::size_t i = 2;
    const bool hex = i < text.size() && text[i] == 'x';
    if (hex) ++i;
    const std::size_t digits_start = i;
    while (i < text.size() && (hex ? std::isxdigit(static_cast<unsigned char>(text[i])) != 0
                                   : std::isdigit(static_cast<unsigned char>(text[i])) != 0))
        ++i;
    if (i == digits_start || i >= text.size() || text[i] != ';') return 0;
    return i + 1;
}

// Checks character data (text or an attribute value): no raw '<', every '&' an entity.
std::string check_text(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<') return "raw '<' in text";
        if (text[i] == '&') {
            const std::size_t n = entity_length(text.substr(i));
            if (n == 0) return "'&' that does not start an entity";
            i += n - 1;
        }
    }
    return {};
}

class XmlChecker {
public:
    explicit XmlChecker(std::string_view doc) : doc_(doc) {}

    // Empty if well-formed, else the first problem and where.
    std::string problem() {
        while (pos_ < doc_.size()) {
            std::string error = doc_[pos_] == '<' ? markup() : text();
            if (!error.empty()) return error + " at offset " + std::to_string(pos_);
        }
        if (!open_.empty()) return "unclosed <" + open_.back() + ">";
        if (roots_ != 1) return "expected one root element, found " + std::to_string(roots_);
        return {};
    }

private:
    std::string text() {
        const std::size_t end = std::min(doc_.find('<', pos_), doc_.size());
        const std::string_view chunk = doc_.substr(pos_, end - pos_);
        pos_ = end;
        if (open_.empty()) {
            for (const char c : chunk)
                if (!is_space(c)) return "text outside the root element";
            return {};
        }
        return check_text(chunk);
    }

    std::string skip_past(std::string_view terminator, std::string_view what) {
        const std::size_t end = doc_.find(terminator, pos_);
        if (end == std::string_view::npos) return "unterminated " + std::string(what);
        pos_ = end + terminator.size();
        return {};
    }

    std::string name(std::string& out) {
        if (pos_ >= doc_.size() || !is_name_start(doc_[pos_])) return "expected a name";
        const std::size_t start = pos_;
        while (pos_ < doc_.size() && is_name_char(doc_[pos_])) ++pos_;
        out = std::string(doc_.substr(start, pos_ - start));
        return {};
    }

    void skip_space() {
        while (pos_ < doc_.size() && is_space(doc_[pos_])) ++pos_;
    }

    std::string markup() {
        const std::string_view rest = doc_.substr(pos_);
        if (rest.starts_with("<!--")) return skip_past("-->", "comment");
        if (rest.starts_with("<!DOCTYPE")) {
            if (roots_ != 0 || !open_.empty()) return "DOCTYPE after the root element";
            return skip_past(">", "DOCTYPE");
        }
        if (rest.starts_with("<?")) return skip_past("?>", "processing instruction");
        if (rest.starts_with("</")) return end_tag();
        return start_tag();
    }

    std::string end_tag() {
        pos_ += 2;
        std::string tag;
        if (auto e = name(tag); !e.empty()) return e;
        skip_space();
        if (pos_ >= doc_.size() || doc_[pos_] != '>') return "malformed end tag </" + tag;
        ++pos_;
        if (open_.empty()) return "</" + tag + "> with no open element";
        if (open_.back() != tag) return "</" + tag + "> closes <" + open_.back() + ">";
        open_.pop_back();
        return {};
    }

    std::string start_tag() {
        ++pos_;
        std::string tag;
        if (auto e = name(tag); !e.empty()) return "raw '<' or " + e;
        if (open_.empty() && roots_++ != 0) return "a second root element <" + tag + ">";
        std::set<std::string> attributes;
        for (;;) {
            const std::size_t before = pos_;
            skip_space();
            if (pos_ >= doc_.size()) return "unterminated <" + tag;
            if (doc_.substr(pos_).starts_with("/>")) {
                pos_ += 2;
                return {};
            }
            if (doc_[pos_] == '>') {
                ++pos_;
                open_.push_back(tag);
                return {};
            }
            if (pos_ == before) return "attributes of <" + tag + "> not separated by space";
            std::string attribute;
            if (auto e = name(attribute); !e.empty()) return e + " (attribute of <" + tag + ">)";
            if (!attributes.insert(attribute).second) return "duplicate attribute " + attribute;
            skip_space();
            if (pos_ >= doc_.size() || doc_[pos_] != '=') return "attribute " + attribute + " without a value";
            ++pos_;
            skip_space();
            if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\''))
                return "unquoted value of attribute " + attribute;
            const char quote = doc_[pos_++];
            const std::size_t end = doc_.find(quote, pos_);
            if (end == std::string_view::npos) return "unterminated value of attribute " + attribute;
            if (auto e = check_text(doc_.substr(pos_, end - pos_)); !e.empty()) return e + " (attribute value)";
            pos_ = end + 1;
        }
    }

    std::string_view doc_;
    std::size_t pos_ = 0;
    std::vector<std::string> open_;
    int roots_ = 0;
};

std::string xml_problem(std::string_view doc) { return XmlChecker(doc).problem(); }

// ---------------------------------------------------------------------------------------
// Helpers

std::size_t count(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

// "nan"/"inf" as words, any case ("inference" and "maintenance" do not count).
bool contains_word(std::string_view text, std::string_view word) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto is_letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
    for (std::size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
        const bool starts = at == 0 || !is_letter(lower[at - 1]);
        const bool ends = at + word.size() == lower.size() || !is_letter(lower[at + word.size()]);
        if (starts && ends) return true;
    }
    return false;
}

std::string render(const Report& report) {
    std::ostringstream out;
    factorysim::report::write_html(report, out);
    return out.str();
}

const std::vector<std::string> kColumns{"it_power_mw",        "facility_power_mw",     "max_gpu_temp_c",
                                        "gpus_busy_fraction", "training_tokens_per_s", "jobs_waiting"};

// Hourly rows of plausible, varying values for kColumns.
TimeSeries make_series(std::size_t rows) {
    TimeSeries series(kColumns);
    for (std::size_t r = 0; r < rows; ++r) {
        const double h = static_cast<double>(r);
        const double wave = std::sin(h / 7.0);
        series.append_row(Time::from_seconds(h * 3600.0), {12.0 + wave, 15.0 + 1.2 * wave, 70.0 + 5.0 * wave,
                                                          0.8 + 0.1 * wave, 2.5e6 * (1.0 + 0.2 * wave),
                                                          static_cast<double>(r % 4)});
    }
    return series;
}

Report make_report() {
    Report report;
    report.run.scenario = "two jobs and a chatbot";
    report.run.factorysim_version = "0.1.0";
    report.run.seed = 42;
    report.run.horizon_hours = 48.0;
    report.run.simulated_hours = 48.0;
    report.run.events = 123456;
    report.run.warnings = {"ambient data extrapolated", "network model is approximate"};

    factorysim::report::TrainingJobReport a;
    a.name = "pretrain-405b";
    a.model = "llama3.1-405b";
    a.rack = "gb300_nvl72";
    a.gpus = 4608;
    a.step_time_s = 9.87;
    a.tokens_per_s = 1.7e6;
    a.mfu = 0.42;
    a.goodput = 0.93;
    a.completion_hours = 40.5;
    factorysim::report::TrainingJobReport b = a;
    b.name = "finetune-70b";
    b.model = "llama3.1-70b";
    b.gpus = 576;
    b.completion_hours.reset();
    report.throughput.training = {a, b};

    factorysim::report::InferenceServiceReport chat;
    chat.name = "chat";
    chat.model = "llama3.1-70b";
    chat.rack = "gb200_nvl72";
    chat.instances = 16;
    chat.gpus_per_instance = 4;
    chat.gpus = 64;
    chat.output_tokens_per_s = 250000.0;
    chat.ttft_p50_s = 0.21;
    chat.ttft_p99_s = 0.95;
    chat.tpot_p50_s = 0.012;
    chat.tpot_p99_s = 0.031;
    chat.slo_attainment = 0.987;
    chat.utilization = 0.66;
    report.throughput.inference = {chat};
    report.throughput.total_tokens_per_s = 3.6e6;

    report.power.it_avg_mw = 12.1;
    report.power.it_peak_mw = 13.4;
    report.power.cooling_avg_mw = 2.2;
    report.power.facility_avg_mw = 14.7;
    report.power.facility_peak_mw = 16.0;
    report.power.pue = 1.215;
    report.power.it_energy_mwh = 580.8;
    report.power.energy_mwh = 705.6;
    report.thermal.cooling = "direct_liquid";
    report.thermal.supply_temp_c = 35.0;
    report.thermal.max_gpu_temp_c = 78.5;
    report.reliability.failures_by_component = {{"gpu", 7}, {"nvlink_switch", 1}, {"psu", 2}};
    report.reliability.failures = 10;
    report.reliability.job_interruptions = 6;
    report.reliability.gpu_hours_lost = 1234.5;
    report.utilization.gpus = 5248;
    report.utilization.racks = 73;
    report.utilization.busy_fraction = 0.794;
    report.cost.capex_usd = 4.2e9;
    report.cost.capex_breakdown_usd = {{"racks", 3.5e9}, {"network", 3e8}, {"facility", 2.5e8}, {"cooling", 1.5e8}};
    report.cost.opex_usd = 1.1e6;
    report.cost.tco_usd = 6.3e6;
    report.cost.usd_per_gpu_hour = 2.51;
    report.cost.usd_per_million_tokens = 0.43;
    report.series = make_series(50);
    return report;
}

}  // namespace

TEST_CASE("html: the XML checker rejects broken markup", "[report][html]") {
    CHECK(xml_problem("<!DOCTYPE html>\n<a x=\"1\" y='2'><b /><!-- <c> -->t &amp; &lt; &#39; &#x27;</a>\n").empty());
    CHECK_FALSE(xml_problem("<a><b></a>").empty());            // crossed tags
    CHECK_FALSE(xml_problem("<a><b></b>").empty());            // unclosed root
    CHECK_FALSE(xml_problem("<a>1 < 2</a>").empty());          // raw '<'
    CHECK_FALSE(xml_problem("<a>fish & chips</a>").empty());   // raw '&'
    CHECK_FALSE(xml_problem("<a>&nbsp;</a>").empty());         // not an XML entity
    CHECK_FALSE(xml_problem("<a b=c></a>").empty());           // unquoted attribute
    CHECK_FALSE(xml_problem("<a b=\"<\"></a>").empty());       // raw '<' in an attribute
    CHECK_FALSE(xml_problem("<a b=\"1\" b=\"2\"></a>").empty());  // duplicate attribute
    CHECK_FALSE(xml_problem("<a></a><a></a>").empty());        // two roots
    CHECK_FALSE(xml_problem("<meta charset=\"utf-8\"><a></a>").empty());  // HTML-style void element
}

TEST_CASE("html: a populated report is a well-formed page with one chart per unit", "[report][html]") {
    const Report report = make_report();
    const std::string html = render(report);

    INFO(xml_problem(html));
    REQUIRE(xml_problem(html).empty());
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<title>factorysim report: two jobs and a chatbot</title>") != std::string::npos);
    CHECK(html.find("<style>") != std::string::npos);
    // Self-contained: nothing to fetch, nothing to run.
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);

    // Power, temperature, utilisation, rates, other: five groups, one line per column.
    CHECK(count(html, "<svg") == 5u);
    CHECK(count(html, "<polyline") == kColumns.size());
    for (const auto& column : kColumns) CHECK(html.find(column) != std::string::npos);

    // The summary tables carry the report's names and figures.
    for (const std::string_view text :
         {"pretrain-405b", "finetune-70b", "chat", "llama3.1-405b", "nvlink_switch", "direct_liquid",
          "ambient data extrapolated", "1,700,000", "42.0", "1.215", "$4,200,000,000", "$2.51", "123,456"})
        CHECK(html.find(text) != std::string::npos);
    CHECK(html.find("PARTIAL") == std::string::npos);
    // A colocated service has no pools to show.
    CHECK(html.find("Disaggregated prefill and decode") == std::string::npos);
}

TEST_CASE("html: a disaggregated service shows its pools and its KV traffic", "[report][html]") {
    Report report = make_report();
    factorysim::report::DisaggregationReport d;
    d.prefill = {2, 8, 16, 8, 1, 31.5, 0.42};
    d.decode = {4, 8, 32, 8, 1, 44.25, 0.61};
    d.kv_link = "scale_out";
    d.kv_bytes_per_request = 671.1e6;
    d.kv_transfer_s = 0.00106;
    d.kv_transfer_gb_per_s = 41.61;
    report.throughput.inference.at(0).disaggregation = d;
    report.throughput.inference.at(0).gpu_hours = 1536.0;
    const std::string html = render(report);
    INFO(xml_problem(html));
    REQUIRE(xml_problem(html).empty());
    for (const std::string_view text : {"Disaggregated prefill and decode", "prefill", "decode", "31.5", "44.2",
                                        "42.0", "61.0", "scale_out", "671.1", "41.61", "1,536.0"})
        CHECK(html.find(text) != std::string::npos);
}

TEST_CASE("html: user-supplied names are escaped", "[report][html]") {
    Report report = make_report();
    const std::string evil = "<script>&\"'";
    report.run.scenario = evil;
    report.run.warnings = {evil};
    report.throughput.training[0].name = evil;
    report.reliability.failures_by_component[evil] = 1;
    TimeSeries series({"power<b>_mw", "a&b"});
    series.append_row(Time::zero(), {1.0, 2.0});
    series.append_row(Time::from_seconds(3600.0), {1.5, 2.5});
    report.series = series;

    const std::string html = render(report);
    INFO(xml_problem(html));
    REQUIRE(xml_problem(html).empty());
    CHECK(html.find(evil) == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("factorysim report: &lt;script&gt;&amp;&quot;&#39;") != std::string::npos);
    CHECK(html.find("power&lt;b&gt;_mw") != std::string::npos);
    CHECK(html.find("a&amp;b") != std::string::npos);
}

TEST_CASE("html: an empty time series gives a page without charts", "[report][html]") {
    Report report = make_report();
    SECTION("no columns") { report.series = TimeSeries(); }
    SECTION("columns but no rows") { report.series = TimeSeries(kColumns); }

    const std::string html = render(report);
    INFO(xml_problem(html));
    REQUIRE(xml_problem(html).empty());
    CHECK(html.find("no time series sampled") != std::string::npos);
    CHECK(html.find("<svg") == std::string::npos);
    CHECK(html.find("<polyline") == std::string::npos);
}

TEST_CASE("html: constant columns, NaN and infinities never print as nan or inf", "[report][html]") {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    constexpr double inf = std::numeric_limits<double>::infinity();
    Report report = make_report();
    report.power.pue = nan;
    report.throughput.training[0].mfu = inf;
    report.cost.usd_per_gpu_hour = -inf;

    SECTION("many rows") {
        TimeSeries series({"constant_mw", "zero_fraction", "gaps_c", "all_missing_per_s"});
        for (int r = 0; r < 20; ++r)
            series.append_row(Time::from_seconds(r * 900.0),
                              {5.0, 0.0, r % 3 == 0 ? nan : (r % 5 == 0 ? inf : 40.0 + r), nan});
        report.series = series;
    }
    SECTION("one row") {
        TimeSeries series({"constant_mw", "gaps_c", "jobs_waiting"});
        series.append_row(Time::from_seconds(7200.0), {5.0, nan, 3.0});
        report.series = series;
    }
    SECTION("constant temperature") {
        TimeSeries series({"gpu_temp_c", "zero_c"});
        for (int r = 0; r < 5; ++r) series.append_row(Time::from_seconds(r * 60.0), {65.0, 0.0});
        report.series = series;
    }

    const std::string html = render(report);
    INFO(xml_problem(html));
    REQUIRE(xml_problem(html).empty());
    CHECK_FALSE(contains_word(html, "nan"));
    CHECK_FALSE(contains_word(html, "inf"));
    CHECK(count(html, "<polyline") == report.series.columns().size());
}

TEST_CASE("html: output is deterministic and partial runs are marked", "[report][html]") {
    Report report = make_report();
    CHECK(render(report) == render(make_report()));

    report.run.partial = true;
    report.run.simulated_hours = 12.5;
    const std::string html = render(report);
    INFO(xml_problem(html));
    REQUIRE(xml_problem(html).empty());
    CHECK(html.find("PARTIAL: stopped after 12.50 h of 48.00 h") != std::string::npos);
    CHECK(html == render(report));
}

TEST_CASE("html: long series are decimated to keep the page small", "[report][html]") {
    Report report = make_report();
    report.series = make_series(10'000);

    const std::string html = render(report);
    CHECK(html.size() < 1'500'000);
    INFO(xml_problem(html));
    REQUIRE(xml_problem(html).empty());
    CHECK(count(html, "<svg") == 5u);
    CHECK(count(html, "<polyline") == kColumns.size());
    // Every 5th of 10,000 rows plus the last: 2,001 points per line, i.e. 2,001 commas
    // (the "x,y" separators) per polyline.
    const std::size_t first = html.find("<polyline");
    const std::size_t points = html.find("points=\"", first) + 8;
    const std::string_view line(html.data() + points, html.find('"', points) - points);
    CHECK(count(line, ",") == 2001u);
}
