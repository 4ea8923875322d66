#include "factorysim/catalog/llm_math.hpp"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"

namespace factorysim::catalog {

// ---------------------------------------------------------------------------------------
// Precision helpers declared in catalog.hpp. They live here (not in catalog.cpp) by
// agreement: catalog.cpp does not define them.
// ---------------------------------------------------------------------------------------

std::string to_string(Precision p) {
    switch (p) {
        case Precision::FP4: return "fp4";
        case Precision::FP8: return "fp8";
        case Precision::BF16: return "bf16";
        case Precision::TF32: return "tf32";
        case Precision::FP64: return "fp64";
    }
    return "unknown";
}

std::optional<Precision> parse_precision(std::string_view name) {
    if (name == "fp4" || name == "nvfp4") return Precision::FP4;
    if (name == "fp8") return Precision::FP8;
    if (name == "bf16" || name == "fp16") return Precision::BF16;
    if (name == "tf32") return Precision::TF32;
    if (name == "fp64") return Precision::FP64;
    return std::nullopt;
}

double bytes_per_element(Precision p) {
    switch (p) {
        case Precision::FP4: return 0.5;
        case Precision::FP8: return 1.0;
        case Precision::BF16: return 2.0;
        case Precision::TF32: return 4.0;  // stored as FP32
        case Precision::FP64: return 8.0;
    }
    return 0.0;
}

// ---------------------------------------------------------------------------------------
// LLM derived quantities (equations in llm_math.hpp and docs/models/llm.md).
// ---------------------------------------------------------------------------------------

namespace {

bool is_mla(const LlmSpec& m) { return m.attention == "mla"; }

// Weight matrices per FFN (SwiGLU: gate, up, down; GELU: up, down).
double ffn_matrices(const LlmSpec& m) { return m.ffn_type == "gelu" ? 2.0 : 3.0; }

// Per-head query/key and value widths used by the attention score and value matmuls.
double qk_head_dim(const LlmSpec& m) {
    return is_mla(m) ? static_cast<double>(m.qk_nope_head_dim) + m.qk_rope_head_dim : m.head_dim;
}
double v_head_dim(const LlmSpec& m) { return is_mla(m) ? m.v_head_dim : m.head_dim; }

void check_context(const LlmSpec& m, double tokens, const char* what) {
    if (!std::isfinite(tokens) || tokens < 0.0)
        throw ModelError(fmt::format("{}: {} must be a finite, non-negative number of tokens, got {}", m.name, what, tokens));
}

}  // namespace

double ParameterBreakdown::total() const {
    return embedding + lm_head + attention + dense_ffn + routed_experts + shared_experts + router + norms;
}

double ParameterBreakdown::active() const { return total() - routed_experts + active_routed_experts; }

int moe_layers(const LlmSpec& m) {
    if (m.experts <= 0) return 0;
    if (m.dense_layers > m.layers)
        throw ModelError(fmt::format("{}: {} dense layers exceed its {} layers", m.name, m.dense_layers, m.layers));
    return m.layers - m.dense_layers;
}

int kernels_per_forward(const LlmSpec& m) {
    const int attention = m.attention == "mla" ? (m.q_lora_rank > 0 ? 2 : 1) + 1 + 2 + 1 + 1 : 3;
    const int dense_ffn = 2;
    const int moe_ffn = 1 + (m.shared_experts > 0 ? 2 : 0) + 2;
    const int moe = moe_layers(m);
    return m.layers * attention + (m.layers - moe) * dense_ffn + moe * moe_ffn + 1;
}

double attention_parameters_per_layer(const LlmSpec& m) {
    const double h = m.hidden_size;
    const double heads = m.attention_heads;
    if (is_mla(m)) {
        const double r_q = m.q_lora_rank;
        const double r_kv = m.kv_lora_rank;
        const double d_qk = qk_head_dim(m);
        const double q = r_q > 0 ? h * r_q + r_q * heads * d_qk : h * heads * d_qk;
        const double kv = h * (r_kv + m.qk_rope_head_dim) + r_kv * heads * (m.qk_nope_head_dim + m.v_head_dim);
        const double o = heads * m.v_head_dim * h;
        return q + kv + o;
    }
    const double d = m.head_dim;
    return h * heads * d + 2.0 * h * m.kv_heads * d + heads * d * h;
}

ParameterBreakdown parameter_breakdown(const LlmSpec& m) {
    const double h = m.hidden_size;
    const double layers = m.layers;
    const double per_ffn = ffn_matrices(m) * h;  // times the FFN width
    const int moe = moe_layers(m);
    const double dense = layers - moe;

    ParameterBreakdown b;
    b.embedding = static_cast<double>(m.vocab_size) * h;
    b.lm_head = m.tied_embeddings ? 0.0 : b.embedding;
    b.attention = layers * attention_parameters_per_layer(m);
    b.dense_ffn = dense * per_ffn * m.ffn_hidden_size;
    const double expert = per_ffn * m.expert_ffn_hidden_size;
    b.routed_experts = moe * static_cast<double>(m.experts) * expert;
    b.active_routed_experts = moe * static_cast<double>(m.active_experts) * expert;
    b.shared_experts = moe * static_cast<double>(m.shared_experts) * expert;
    b.router = moe * h * m.experts;
    // Two norms per layer (before attention and before the FFN) and the final norm; MLA
    // adds RMSNorms on the query and KV latents.
    b.norms = (2.0 * layers + 1.0) * h;
    if (is_mla(m)) b.norms += layers * (static_cast<double>(m.q_lora_rank) + m.kv_lora_rank);
    return b;
}

double parameters(const LlmSpec& m) { return parameter_breakdown(m).total(); }

double active_parameters(const LlmSpec& m) { return parameter_breakdown(m).active(); }

double matmul_parameters_per_token(const LlmSpec& m) {
    const ParameterBreakdown b = parameter_breakdown(m);
    // The active set without the embedding lookup and the norms, plus the output projection
    // (b.lm_head is 0 when tied, but the V*h matmul still runs).
    return b.active() - b.embedding - b.lm_head - b.norms + static_cast<double>(m.vocab_size) * m.hidden_size;
}

double attention_flops_per_token(const LlmSpec& m, double attended_tokens) {
    check_context(m, attended_tokens, "attended context");
    return 2.0 * m.layers * attended_tokens * m.attention_heads * (qk_head_dim(m) + v_head_dim(m));
}

double decode_attention_flops_per_token(const LlmSpec& m, double attended_tokens) {
    if (!is_mla(m)) return attention_flops_per_token(m, attended_tokens);
    check_context(m, attended_tokens, "attended context");
    const double latent = static_cast<double>(m.kv_lora_rank);
    return 2.0 * m.layers * attended_tokens * m.attention_heads * ((latent + m.qk_rope_head_dim) + latent);
}

double forward_flops_per_token(const LlmSpec& m, double attended_tokens) {
    return 2.0 * matmul_parameters_per_token(m) + attention_flops_per_token(m, attended_tokens);
}

double prefill_flops_per_token(const LlmSpec& m, double sequence_length) {
    check_context(m, sequence_length, "sequence length");
    return forward_flops_per_token(m, causal_average_context(sequence_length));
}

double training_flops_per_token(const LlmSpec& m, double sequence_length) {
    check_context(m, sequence_length, "sequence length");
    return 3.0 * forward_flops_per_token(m, causal_average_context(sequence_length));
}

double model_flops_per_token_6nd(const LlmSpec& m) { return 6.0 * active_parameters(m); }

double weight_bytes(const LlmSpec& m, Precision p) { return parameters(m) * bytes_per_element(p); }

double kv_cache_bytes_per_token(const LlmSpec& m, Precision kv_precision) {
    const double bytes = bytes_per_element(kv_precision);
    if (is_mla(m)) return static_cast<double>(m.layers) * (m.kv_lora_rank + m.qk_rope_head_dim) * bytes;
    return static_cast<double>(m.layers) * 2.0 * m.kv_heads * m.head_dim * bytes;
}

}  // namespace factorysim::catalog
