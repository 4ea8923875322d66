// Derived quantities of an LLM architecture (catalog::LlmSpec): parameter counts, FLOPs
// per token, weight and KV-cache bytes. Every equation is documented in docs/models/llm.md;
// each function's comment states the equation it implements.
//
// Notation: L layers, h hidden size, V vocabulary, H attention heads, G KV heads, d head
// dim, F dense FFN width, E routed experts, k active routed experts, s shared experts,
// f expert FFN width, m = 3 (SwiGLU: gate, up, down) or 2 (GELU: up, down).
//
// Context conventions (read carefully, the functions differ):
//   - `attended_tokens` (attention_flops_per_token, forward_flops_per_token) is the number
//     of key/value positions the token's query attends to. Decoding the token at position
//     c of a sequence attends to c tokens; the average token of a causal prefill or
//     training sequence of length S attends to S/2 (causal_average_context).
//   - `sequence_length` (prefill_flops_per_token, training_flops_per_token) is the full
//     length S; these functions apply the causal average S/2 themselves.
#pragma once

#include "factorysim/catalog/catalog.hpp"

namespace factorysim::catalog {

// Parameter counts by component (counts, not billions). Biases, learned position
// embeddings (GPT-3: 25M) and DeepSeek-V3's per-expert routing bias (15K) are not
// modelled: all are below 0.03 % of any catalog model.
struct ParameterBreakdown {
    double embedding = 0.0;              // V*h (input token embedding)
    double lm_head = 0.0;                // V*h, or 0 if tied to the embedding
    double attention = 0.0;              // L * attention_parameters_per_layer
    double dense_ffn = 0.0;              // dense-FFN layers * m*h*F
    double routed_experts = 0.0;         // MoE layers * E * m*h*f (all experts)
    double active_routed_experts = 0.0;  // MoE layers * k * m*h*f (those a token uses)
    double shared_experts = 0.0;         // MoE layers * s * m*h*f
    double router = 0.0;                 // MoE layers * h*E (gate projection)
    double norms = 0.0;                  // (2L + 1) * h, plus MLA's latent norms per layer

    // embedding + lm_head + attention + dense_ffn + routed_experts + shared_experts + router + norms
    double total() const;
    // total - routed_experts + active_routed_experts
    double active() const;
};

// Per-component counts for `m`.
ParameterBreakdown parameter_breakdown(const LlmSpec& m);

// Attention weights of one layer.
//   MHA / GQA: h*H*d (Q) + 2*h*G*d (K, V) + H*d*h (O).
//   MLA (r_q = q_lora_rank, r_kv = kv_lora_rank, d_n = qk_nope, d_r = qk_rope, d_v = v_head_dim):
//     Q:  h*r_q + r_q*H*(d_n + d_r)  (r_q = 0: h*H*(d_n + d_r), no low-rank query)
//     KV: h*(r_kv + d_r) + r_kv*H*(d_n + d_v)
//     O:  H*d_v*h
//   (MLA's two latent RMSNorms, r_q + r_kv per layer, are counted in `norms`.)
double attention_parameters_per_layer(const LlmSpec& m);

// Layers whose FFN is a mixture of experts: L - dense_layers if E > 0, else 0.
int moe_layers(const LlmSpec& m);

// Kernels of one serving forward pass (one batching iteration) whose fixed cost does not
// shrink with the batch: the GEMMs and the attention kernel of every layer, and the output
// head. Element-wise work (norms, rotary, activation, quantisation) is taken as fused into
// them, as serving engines do.
//   attention, MHA / GQA: fused QKV and output GEMMs + the attention kernel = 3
//   attention, MLA: query (down and up, or one without q_lora_rank), joint KV down
//                   projection, the two absorbed up-projections, output + the attention kernel
//   FFN, dense: gate-up (one fused GEMM for SwiGLU) and down = 2
//   FFN, MoE: router, shared experts (gate-up, down) if any, routed experts as two grouped
//             GEMMs (one launch each over the local experts) = 5 (3 without shared experts)
//   + 1 output head
int kernels_per_forward(const LlmSpec& m);

// Total parameters N = parameter_breakdown(m).total() (all experts; for DeepSeek-V3
// excluding the multi-token-prediction module, which LlmSpec does not describe).
double parameters(const LlmSpec& m);

// Parameters a token uses, N_active = N - MoE layers * (E - k) * m*h*f: shared and active
// routed experts only; the embedding table and output head count in full (Mistral's
// convention for Mixtral's 12.9B; DeepSeek's 37B also counts the input embedding, its
// 36.6B variant does not). Dense models: N_active = N.
double active_parameters(const LlmSpec& m);

// Weights multiplied per token: N_mm = N_active - embedding - lm_head - norms + V*h, i.e.
// without the embedding lookup (a gather, not a matmul) and the norms, with the V*h output
// projection (which runs even when tied). Untied: N_active - V*h - norms; tied: N_active - norms.
double matmul_parameters_per_token(const LlmSpec& m);

// The average attended context of a causal sequence of length S: S/2 (token i attends to
// i tokens; the +1/2 of the exact mean (S+1)/2 is dropped).
constexpr double causal_average_context(double sequence_length) { return sequence_length / 2.0; }

// Attention score and value FLOPs of one token's forward pass (the matmuls against the
// cached keys/values, which have no weights):
//   2 * L * attended_tokens * H * (d_qk + d_v)
// i.e. per layer, per head, per attended position: d_qk multiply-adds for the score q.k and
// d_v for the weighted sum of values, 2 FLOPs each. MHA/GQA: d_qk = d_v = d (= 4*L*T*H*d,
// PaLM's forward attention term). MLA: d_qk = qk_nope + qk_rope, d_v = v_head_dim (the
// expanded form used in training and prefill; absorbed-weight decoding computes against
// the r_kv + d_r latent instead and costs more per position). Softmax is not counted.
// Throws ModelError if attended_tokens is negative or not finite.
double attention_flops_per_token(const LlmSpec& m, double attended_tokens);

// Attention FLOPs of one token generated at position `attended_tokens` by a serving engine.
// MHA/GQA: attention_flops_per_token. MLA decodes with absorbed weights (DeepSeek-V2 sec.
// 2.1.2, FlashMLA): the query is projected into the latent space and every head attends to
// the shared r_kv + d_r latent, and the values come out of the r_kv latent:
//   2 * L * attended_tokens * H * ((r_kv + d_r) + r_kv)
// (DeepSeek-V3/R1: 1,088 per head and position against 320 in the expanded form, 3.4x).
double decode_attention_flops_per_token(const LlmSpec& m, double attended_tokens);

// Forward FLOPs of one token attending to `attended_tokens` positions:
//   2 * N_mm + attention_flops_per_token(m, attended_tokens)
// (For decoding at position c pass c; for the average token of a prefill of S tokens pass
// causal_average_context(S), or use prefill_flops_per_token.)
double forward_flops_per_token(const LlmSpec& m, double attended_tokens);

// Average forward FLOPs per token of a causal prefill of `sequence_length` tokens:
//   forward_flops_per_token(m, S/2)
double prefill_flops_per_token(const LlmSpec& m, double sequence_length);

// Training FLOPs per token on sequences of length S (forward + backward, the backward pass
// costing twice the forward; no activation recomputation):
//   3 * forward_flops_per_token(m, S/2) = 6 * N_mm + 3 * attention_flops_per_token(m, S/2)
// For MHA/GQA this is 6*N_mm + 6*L*H*d*S: PaLM's 6N + 12*L*H*Q*T with the causal halving.
double training_flops_per_token(const LlmSpec& m, double sequence_length);

// The "6ND" model FLOPs per token used for MFU and by most papers' compute budgets:
//   6 * N_active (no attention term, embedding counted).
double model_flops_per_token_6nd(const LlmSpec& m);

// Bytes of all weights stored at one precision: N * bytes_per_element(p) (all experts;
// no quantization scales, e.g. NVFP4's one FP8 scale per 16 values adds 1/32 B per value).
double weight_bytes(const LlmSpec& m, Precision p);

// KV-cache bytes per token (per sequence position, all layers):
//   MHA / GQA: L * 2 * G * d * bytes   (a key and a value vector per KV head)
//   MLA:       L * (r_kv + d_r) * bytes (the compressed latent plus the shared RoPE key)
double kv_cache_bytes_per_token(const LlmSpec& m, Precision kv_precision);

}  // namespace factorysim::catalog
