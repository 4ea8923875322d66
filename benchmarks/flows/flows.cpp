// Flow-level fabric benchmark (docs/performance.md).
//
//   flows [--flows=N] [--completions=N] [--hosts=N] [--seed=N]
//       Own workload: N concurrent flows (default 10,000) on a 2-tier fat tree of 512
//       hosts (Quantum-2, 64 ports); each completion starts a new flow between random
//       hosts, until --completions flows have finished. The same trajectory's first
//       events are also solved by the textbook progressive filling (scan every link for
//       the tightest share each round, rebuild everything each event), the baseline.
//   flows --links LINKS.csv --flows FLOWS.csv --finish-out FINISH.csv
//       Replay: LINKS.csv `link,bandwidth_Bps,latency_s`; FLOWS.csv `id,src,dst,bytes,route`
//       (route = link names separated by ';'); every flow starts at t = 0, plain max-min,
//       weight 1; a flow joins the sharing after its route's latency. FINISH.csv gets
//       `id,finish_s`.
//   flows --make-replay DIR [--hosts=256] [--flows=10000] [--seed=N]
//       Writes DIR/LINKS.csv and DIR/FLOWS.csv of a random all-to-all problem on a 2-tier
//       fat tree, to run the same problem here and in other simulators.
// Prints wall_seconds=, makespan_s=, completions_per_second= (and the baseline's).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "factorysim/core/engine.hpp"
#include "factorysim/core/rng.hpp"
#include "factorysim/fabric/flow_model.hpp"
#include "factorysim/fabric/topology.hpp"
#include "factorysim/report/atomic_file.hpp"

using namespace factorysim;
using namespace factorysim::fabric;

namespace {

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "flows: %s\n", why.c_str());
    std::exit(2);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto end = s.find(sep, start);
        out.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

double parse_number(const std::string& text, const std::string& where) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0)
        fail(fmt::format("{}: expected a non-negative number, got \"{}\"", where, text));
    return v;
}

// Reads a CSV with the given header; returns rows of fields.
std::vector<std::vector<std::string>> read_csv(const std::string& path, const std::string& header) {
    std::ifstream in(path);
    if (!in) fail(fmt::format("{}: cannot open", path));
    std::string line;
    if (!std::getline(in, line)) fail(fmt::format("{}: empty, expected the header {}", path, header));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line != header) fail(fmt::format("{}:1: expected the header \"{}\", got \"{}\"", path, header, line));
    const auto columns = split(header, ',').size();
    std::vector<std::vector<std::string>> rows;
    int number = 1;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        auto fields = split(line, ',');
        if (fields.size() != columns)
            fail(fmt::format("{}:{}: expected {} fields ({}), got {}", path, number, columns, header, fields.size()));
        fields.push_back(std::to_string(number));  // line number, for later messages
        rows.push_back(std::move(fields));
    }
    return rows;
}

int replay(const std::string& links_csv, const std::string& flows_csv, const std::string& finish_csv) {
    const auto link_rows = read_csv(links_csv, "link,bandwidth_Bps,latency_s");
    std::unordered_map<std::string, int> link_id;
    std::vector<double> capacity, latency;
    for (const auto& r : link_rows) {
        const std::string where = fmt::format("{}:{}", links_csv, r[3]);
        if (!link_id.emplace(r[0], static_cast<int>(capacity.size())).second)
            fail(fmt::format("{}: link \"{}\" listed twice", where, r[0]));
        capacity.push_back(parse_number(r[1], where + " bandwidth_Bps"));
        latency.push_back(parse_number(r[2], where + " latency_s"));
        if (!(capacity.back() > 0.0)) fail(fmt::format("{}: bandwidth_Bps must be positive", where));
    }
    const auto flow_rows = read_csv(flows_csv, "id,src,dst,bytes,route");
    Engine engine(1);
    FlowNetwork net(engine, capacity, latency);
    std::vector<std::string> ids;
    std::vector<int> handle;
    std::vector<int> route;
    for (const auto& r : flow_rows) {
        const std::string where = fmt::format("{}:{}", flows_csv, r[5]);
        route.clear();
        if (!r[4].empty())
            for (const auto& name : split(r[4], ';')) {
                auto it = link_id.find(name);
                if (it == link_id.end()) fail(fmt::format("{}: route names unknown link \"{}\"", where, name));
                route.push_back(it->second);
            }
        ids.push_back(r[0]);
        handle.push_back(net.start(route, parse_number(r[3], where + " bytes")));
    }
    const auto t0 = std::chrono::steady_clock::now();
    engine.run();
    const double wall = seconds_since(t0);
    std::string out = "id,finish_s\n";
    double makespan = 0.0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const double t = net.finish_time_s(handle[i]);
        makespan = std::max(makespan, t);
        out += fmt::format("{},{:.9g}\n", ids[i], t);
    }
    try {
        report::write_file_atomically(finish_csv, out);
    } catch (const std::exception& e) {
        fail(e.what());
    }
    std::printf("flows=%zu\nlinks=%zu\nwall_seconds=%.3f\nmakespan_s=%.9g\ncompletions_per_second=%.0f\nsolves=%llu\n"
                "refilled_flows_per_solve=%.0f\n",
                ids.size(), capacity.size(), wall, makespan, wall > 0 ? static_cast<double>(ids.size()) / wall : 0.0,
                static_cast<unsigned long long>(net.solves()),
                static_cast<double>(net.refilled_flows()) / std::max<std::uint64_t>(1, net.solves()));
    return 0;
}

Topology two_tier(int hosts) {
    ClusterSpec c;
    c.domains = hosts;
    c.gpus_per_domain = 1;
    c.nic_bytes_per_s = 400e9 / 8;
    c.leaf_switch = *find_switch("quantum-2");
    c.tiers = 2;
    return Topology::cluster(c);
}

int make_replay(const std::string& dir, int hosts, int flows, std::uint64_t seed) {
    auto t = two_tier(hosts);
    std::filesystem::create_directories(dir);
    std::string links = "link,bandwidth_Bps,latency_s\n";
    for (int l = 0; l < t.links(); ++l)
        links += fmt::format("L{},{:.9g},{:.9g}\n", l, t.link(l).capacity_bytes_per_s, t.link(l).latency_s);
    RandomStream rng(seed, "flows.replay");
    std::string out = "id,src,dst,bytes,route\n";
    for (int f = 0; f < flows; ++f) {
        const int src = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(hosts)));
        int dst = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(hosts - 1)));
        if (dst >= src) ++dst;
        const double bytes = std::round(rng.exponential(1e9));
        std::string route;
        for (int l : t.route(src, dst, static_cast<std::uint64_t>(f))) route += (route.empty() ? "L" : ";L") + std::to_string(l);
        out += fmt::format("{},{},{},{:.0f},{}\n", f, src, dst, bytes, route);
    }
    report::write_file_atomically(dir + "/LINKS.csv", links);
    report::write_file_atomically(dir + "/FLOWS.csv", out);
    std::printf("wrote %s/LINKS.csv (%d links) and %s/FLOWS.csv (%d flows, %d hosts)\n", dir.c_str(), t.links(),
                dir.c_str(), flows, hosts);
    return 0;
}

// The textbook progressive filling, from scratch: each round scans every link for the
// tightest fair share and freezes the flows there.
void naive_max_min(const MaxMinProblem& p, std::vector<double>& rates) {
    const int flows = p.flows();
    rates.assign(static_cast<std::size_t>(flows), -1.0);
    std::vector<double> remaining = p.capacity;
    std::vector<int> count(p.capacity.size(), 0);
    for (int l : p.route_links) ++count[static_cast<std::size_t>(l)];
    int left = flows;
    while (left > 0) {
        double best = std::numeric_limits<double>::infinity();
        int at = -1;
        for (std::size_t l = 0; l < p.capacity.size(); ++l)
            if (count[l] > 0 && remaining[l] / count[l] < best) {
                best = remaining[l] / count[l];
                at = static_cast<int>(l);
            }
        if (at < 0) break;
        for (int f = 0; f < flows; ++f) {
            if (rates[static_cast<std::size_t>(f)] >= 0.0) continue;
            const int b = p.route_offset[static_cast<std::size_t>(f)], e = p.route_offset[static_cast<std::size_t>(f) + 1];
            if (std::find(p.route_links.begin() + b, p.route_links.begin() + e, at) == p.route_links.begin() + e) continue;
            rates[static_cast<std::size_t>(f)] = best;
            --left;
            for (int i = b; i < e; ++i) {
                remaining[static_cast<std::size_t>(p.route_links[static_cast<std::size_t>(i)])] -= best;
                --count[static_cast<std::size_t>(p.route_links[static_cast<std::size_t>(i)])];
            }
        }
    }
}

struct OwnOptions {
    int flows = 10000;
    int completions = 20000;
    int hosts = 512;
    std::uint64_t seed = 42;
};

int own_workload(const OwnOptions& o) {
    auto topo = two_tier(o.hosts);
    std::vector<double> cap;
    for (int l = 0; l < topo.links(); ++l) cap.push_back(topo.link(l).capacity_bytes_per_s);
    RandomStream rng(o.seed, "flows.own");
    struct Spec {
        std::vector<int> route;
        double bytes;
    };
    const auto draw = [&](std::uint64_t hash) {
        const int src = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(o.hosts)));
        int dst = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(o.hosts - 1)));
        if (dst >= src) ++dst;
        return Spec{topo.route(src, dst, hash), rng.exponential(1e8)};
    };

    // factorysim's incremental flow network on the engine.
    Engine engine(o.seed);
    FlowNetwork net(engine, cap);
    int finished = 0;
    std::uint64_t next_hash = 0;
    std::function<void(int, double)> on_finish = [&](int, double) {
        if (++finished >= o.completions) {
            engine.stop();
            return;
        }
        auto s = draw(next_hash++);
        net.start(s.route, s.bytes, on_finish);
    };
    const auto t0 = std::chrono::steady_clock::now();
    for (int f = 0; f < o.flows; ++f) {
        auto s = draw(next_hash++);
        net.start(s.route, s.bytes, on_finish);
    }
    engine.run();
    const double wall = seconds_since(t0);
    const double rate = finished / wall;

    // Baseline: the same kind of problem (10k flows on this fabric), solved from scratch by
    // the textbook algorithm, timed per solve; one solve per completion event.
    MaxMinProblem p;
    p.capacity = cap;
    RandomStream again(o.seed, "flows.own");
    rng = again;
    for (int f = 0; f < o.flows; ++f) p.add_flow(draw(static_cast<std::uint64_t>(f)).route);
    std::vector<double> rates;
    int solves = 0;
    const auto b0 = std::chrono::steady_clock::now();
    while (solves < 3 || (seconds_since(b0) < 5.0 && solves < 50)) {
        naive_max_min(p, rates);
        ++solves;
    }
    const double baseline_rate = solves / seconds_since(b0);
    std::printf("hosts=%d\nconcurrent_flows=%d\ncompletions=%d\nlinks=%d\nwall_seconds=%.3f\nmakespan_s=%.9g\n"
                "completions_per_second=%.0f\nbaseline_completions_per_second=%.0f\nratio=%.1f\nsolves=%llu\n",
                o.hosts, o.flows, finished, topo.links(), wall, engine.now().seconds(), rate, baseline_rate,
                rate / baseline_rate, static_cast<unsigned long long>(net.solves()));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--", 0) != 0) fail("arguments are --name=value or --name value; got " + a);
        const auto eq = a.find('=');
        if (eq != std::string::npos) {
            args[a.substr(2, eq - 2)] = a.substr(eq + 1);
        } else if (i + 1 < argc) {
            args[a.substr(2)] = argv[++i];
        } else {
            fail(a + " needs a value");
        }
    }
    const auto get_int = [&](const char* key, long long def) -> long long {
        auto it = args.find(key);
        if (it == args.end()) return def;
        char* end = nullptr;
        const long long v = std::strtoll(it->second.c_str(), &end, 10);
        if (end == it->second.c_str() || *end != '\0' || v <= 0) fail(fmt::format("--{} expects a positive integer", key));
        return v;
    };
    if (args.count("links") || args.count("finish-out")) {
        if (!args.count("links") || !args.count("flows") || !args.count("finish-out"))
            fail("replay needs --links LINKS.csv --flows FLOWS.csv --finish-out FINISH.csv");
        return replay(args["links"], args["flows"], args["finish-out"]);
    }
    if (args.count("make-replay"))
        return make_replay(args["make-replay"], static_cast<int>(get_int("hosts", 256)),
                           static_cast<int>(get_int("flows", 10000)), static_cast<std::uint64_t>(get_int("seed", 1)));
    for (const auto& [k, v] : args)
        if (k != "flows" && k != "completions" && k != "hosts" && k != "seed") fail("unknown flag --" + k);
    OwnOptions o;
    o.flows = static_cast<int>(get_int("flows", o.flows));
    o.completions = static_cast<int>(get_int("completions", o.completions));
    o.hosts = static_cast<int>(get_int("hosts", o.hosts));
    o.seed = static_cast<std::uint64_t>(get_int("seed", static_cast<long long>(o.seed)));
    if (o.hosts < 2) fail("--hosts must be at least 2");
    return own_workload(o);
}
