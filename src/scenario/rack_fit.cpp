#include "scenario/rack_fit.hpp"

#include <vector>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"
#include "factorysim/models/inference_disaggregated.hpp"
#include "factorysim/models/inference_fluid.hpp"
#include "factorysim/models/training_memory.hpp"

namespace factorysim::scenario {
namespace {

std::string precision_list(const catalog::GpuSpec& gpu) {
    std::string out;
    for (const auto p : gpu.tensor_precisions.precisions) out += (out.empty() ? "" : ", ") + catalog::to_string(p);
    return out.empty() ? "none" : out;
}

// The step models run low-precision jobs partly at higher precisions: FP4 training keeps a
// share of its GEMMs in FP8, and FP8/FP4 attention runs in BF16 (docs/models/training.md).
std::vector<catalog::Precision> precisions_needed(catalog::Precision p, bool training) {
    using catalog::Precision;
    if (!training) return {p};
    if (p == Precision::FP4) return {Precision::FP4, Precision::FP8, Precision::BF16};
    if (p == Precision::FP8) return {Precision::FP8, Precision::BF16};
    return {p};
}

std::optional<Misfit> precision_misfit(catalog::Precision p, bool training, const catalog::RackSpec& rack) {
    const auto& gpu = rack.gpu;
    for (const auto needed : precisions_needed(p, training)) {
        if (gpu.tensor_precisions.precisions.count(needed) == 0)
            return Misfit{"/precision", fmt::format("{} ({}) has no {} tensor cores (it runs {})", rack.name, gpu.name,
                                                    catalog::to_string(needed), precision_list(gpu))};
        if (!gpu.runs(needed))
            return Misfit{"/precision", fmt::format("{} ({}) has no published dense {} peak to time the work with",
                                                    rack.name, gpu.name, catalog::to_string(needed))};
    }
    return std::nullopt;
}

}  // namespace

std::optional<Misfit> training_misfit(const TrainingShape& job, const catalog::LlmSpec* model,
                                      const catalog::RackSpec& rack) {
    if (auto m = precision_misfit(job.precision, true, rack)) return m;
    const int tp = job.tensor, domain = rack.domain_gpus();
    if (tp > domain)
        return Misfit{"/parallelism/tp", fmt::format("tp {} exceeds the {}-GPU NVLink domain of {} (TP groups never "
                                                     "straddle NVLink domains)",
                                                     tp, domain, rack.name)};
    if (domain % tp != 0)
        return Misfit{"/parallelism/tp", fmt::format("tp {} does not divide the {}-GPU NVLink domain of {}", tp, domain,
                                                     rack.name)};
    const int model_parallel = job.tensor * job.pipeline * job.context;
    if (!model || job.gpus <= 0 || job.gpus % model_parallel != 0) return std::nullopt;  // reported elsewhere
    const auto mem = models::training_memory_per_gpu(
        {model, job.gpus, job.tensor, job.pipeline, job.context, job.expert, job.sequence_length});
    const double hbm = rack.gpu.hbm_usable_gb.value * 1e9;
    if (mem.total_bytes() > hbm)
        return Misfit{"/parallelism",
                      fmt::format("{} needs at least {:.0f} GB per GPU (weights and gradients {:.0f}, optimizer state "
                                  "{:.0f}, activations {:.0f} with full recompute), more than the {:.0f} GB usable "
                                  "HBM of a {} GPU; raise tp or pp",
                                  model->name, mem.total_bytes() / 1e9, mem.weights_and_gradients_bytes / 1e9,
                                  mem.optimizer_bytes / 1e9, mem.activation_bytes / 1e9, hbm / 1e9, rack.name)};
    return std::nullopt;
}

namespace {

// Each pool like a colocated replica: its instance inside one NVLink domain, the weights and
// one sequence's KV cache in its HBM.
std::optional<Misfit> disaggregated_misfit(const InferenceWorkload& service, const catalog::LlmSpec* model,
                                           const catalog::RackSpec& rack, const Fabric& fabric) {
    const Disaggregation& d = *service.disaggregation;
    for (const auto& [name, pool] : {std::pair{"prefill", &d.prefill}, std::pair{"decode", &d.decode}}) {
        if (pool->gpus > rack.domain_gpus())
            return Misfit{fmt::format("/disaggregation/{}/gpus", name),
                          fmt::format("an instance of {} GPUs does not fit in the {}-GPU NVLink domain of {}", pool->gpus,
                                      rack.domain_gpus(), rack.name)};
        if (pool->tensor * pool->expert != pool->gpus) return std::nullopt;  // reported elsewhere
    }
    if (!model) return std::nullopt;
    const auto service_on_rack = models::disaggregated_for(service, *model, rack.gpu, fabric, false);
    for (const auto& [name, instance] :
         {std::pair{"prefill", &service_on_rack.prefill}, std::pair{"decode", &service_on_rack.decode}}) {
        try {
            (void)models::size_instance(*instance);
        } catch (const ModelError& e) {
            return Misfit{fmt::format("/disaggregation/{}", name), e.what()};
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<Misfit> inference_misfit(const InferenceWorkload& service, const catalog::LlmSpec* model,
                                       const catalog::RackSpec& rack, const Fabric& fabric) {
    if (auto m = precision_misfit(service.precision, false, rack)) return m;
    if (service.disaggregation) return disaggregated_misfit(service, model, rack, fabric);
    const int g = service.gpus_per_instance;
    if (g > rack.domain_gpus())
        return Misfit{"/instance/gpus", fmt::format("a replica of {} GPUs does not fit in the {}-GPU NVLink domain of {}",
                                                    g, rack.domain_gpus(), rack.name)};
    if (!model || service.tensor * service.expert != g) return std::nullopt;  // reported elsewhere
    // The weights and at least one sequence's KV cache must fit the replica's HBM.
    try {
        (void)models::size_instance(models::instance_for(service, *model, rack.gpu, fabric));
    } catch (const ModelError& e) {
        return Misfit{"/instance", e.what()};
    }
    return std::nullopt;
}

}  // namespace factorysim::scenario
