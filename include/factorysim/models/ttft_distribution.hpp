// Time to first token in the fluid inference model, as a distribution:
//
//   L = a + U s + W,   U ~ Uniform(0, 1),   P(W > w) = rho exp(-w / c) for w >= 0
//
// a: the prompt's prefill iterations (fixed at an operating point); U s: the rest of the
// iteration in flight when the request arrives (s = the iteration time); W: the wait for a
// batch slot (Erlang C: an atom at 0 of weight 1 - rho and an exponential tail of scale c).
// Its exceedance, with y = x - a, is
//
//   y <= 0:      1
//   0 < y < s:   (s - y) / s + rho c / s (1 - exp(-y / c))
//   y >= s:      rho c / s (exp(-(y - s) / c) - exp(-y / c))
//
// (the W tail averaged over U), and with s = 0 the shifted exponential rho exp(-y / c).
// Mean: a + s/2 + rho c. Until 2026-11-26 the residual entered as its mean s/2 only, which
// put every percentile at most s/2 above it: the p99 at light load was low against the
// request-level model by up to half an iteration (docs/models/inference.md).
#pragma once

namespace factorysim::models {

struct TtftDistribution {
    double base_s = 0.0;    // mean without the wait: a + s/2
    double spread_s = 0.0;  // s: the residual of the iteration in flight is uniform on [0, s]
    double rho = 0.0;       // probability of waiting for a batch slot, in [0, 1)
    double scale_s = 0.0;   // c: scale of the wait's exponential tail

    double mean_s() const { return base_s + rho * scale_s; }
    double exceedance(double x) const;  // P(L > x)
    double quantile(double q) const;    // smallest x with P(L > x) <= 1 - q

    bool operator==(const TtftDistribution&) const = default;
};

}  // namespace factorysim::models
