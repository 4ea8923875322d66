// The steady state of a batching server: the iteration time t solves t = f(t), where f is
// the time of an iteration carrying the work that arrives during t (docs/models/inference.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>

namespace factorysim::models {

// The smallest fixed point t = f(t) > 0 of an increasing map with f(0+) > 0.
//
// h(t) = f(t) - t is positive left of the root. f is a sum of rooflines (maxima of affine
// maps) plus constants, so h is piecewise linear and convex, and a Newton step from the left
// never passes the root: on the last linear piece it lands on it. (Plain iteration t <- f(t)
// converges as slope^n and stalls as the load nears capacity, where the slope nears 1.) If
// f is not convex somewhere (a collective switching to a cheaper algorithm) and a step does
// pass the root, the bracket is bisected. nullopt when the slope reaches 1 before the root or
// f exceeds 1e4 s: the load is beyond capacity.
template <class F>
std::optional<double> smallest_fixed_point(F f) {
    constexpr double limit_s = 1e4, tolerance = 1e-12;
    double left = 0.0;
    double t = f(1e-12);
    for (int step = 0; step < 100; ++step) {
        const double ft = f(t);
        if (!(ft < limit_s)) return std::nullopt;
        if (std::abs(ft - t) <= tolerance * ft) return ft;
        if (ft < t) {  // past the root: it lies in (left, t]
            double right = t;
            for (int k = 0; k < 200 && right - left > tolerance * right; ++k) {
                const double mid = 0.5 * (left + right);
                (f(mid) > mid ? left : right) = mid;
            }
            return f(right);
        }
        left = t;
        const double dt = std::max(1e-6 * t, 1e-9);
        const double slope = (f(t + dt) - ft) / dt;
        if (!(slope < 1.0)) return std::nullopt;
        t += (ft - t) / (1.0 - slope);
    }
    return std::nullopt;
}

// The largest x in [0, hi] with feasible(x), for a predicate that holds below a threshold
// and fails above it (a capacity): hi itself if feasible, else bisection to `tolerance`
// relative (at most 60 halvings).
template <class P>
double largest_feasible(double hi, P feasible, double tolerance) {
    if (feasible(hi)) return hi;
    double lo = 0.0;
    for (int i = 0; i < 60 && hi - lo > tolerance * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (feasible(mid) ? lo : hi) = mid;
    }
    return lo;
}

// The smallest x in [lo, hi] with holds(x), for a predicate that fails below a threshold and
// holds above it (a quantile: P(L > x) <= 1 - q): lo itself if it holds, else bisection until
// hi - lo <= tolerance (at most 100 halvings; tolerance 0 runs all of them). hi must hold.
template <class P>
double smallest_satisfying(double lo, double hi, P holds, double tolerance) {
    if (holds(lo)) return lo;
    for (int i = 0; i < 100 && hi - lo > tolerance; ++i) {
        const double mid = 0.5 * (lo + hi);
        (holds(mid) ? hi : lo) = mid;
    }
    return hi;
}

}  // namespace factorysim::models
