#include "world/training_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "factorysim/catalog/llm_math.hpp"

namespace factorysim::world {

namespace {
models::StepTime step_at(const scenario::TrainingWorkload& c, const catalog::LlmSpec& model,
                         const catalog::RackSpec& rack, int gpus, const scenario::Fabric& fabric, double clock,
                         double scale_out_share = 1.0) {
    models::TrainingSetup setup;
    setup.model = &model;
    setup.rack = &rack;
    setup.gpus = gpus;
    setup.tensor = c.parallelism.tensor;
    setup.pipeline = c.parallelism.pipeline;
    setup.virtual_stages = c.parallelism.virtual_stages;
    setup.context = c.parallelism.context;
    setup.expert = c.parallelism.expert;
    setup.global_batch_tokens = c.global_batch_tokens;
    setup.sequence_length = c.sequence_length;
    setup.precision = c.precision;
    setup.compute_efficiency = c.compute_efficiency;
    setup.overlap = c.overlap;
    setup.activation_recompute = c.activation_recompute;
    setup.nvlink_efficiency = fabric.nvlink_efficiency;
    setup.collective_efficiency = fabric.collective_efficiency;
    setup.latency_s = fabric.latency_s;
    setup.nvls = fabric.nvls;
    setup.nvls_efficiency = fabric.nvls_efficiency;
    setup.sharp = fabric.sharp;
    // The flow-level model puts oversubscription into the share it grants.
    setup.oversubscription = fabric.model == "flow" ? 1.0 : fabric.oversubscription;
    setup.scale_out_share = scale_out_share;
    return models::training_step_time(setup, clock);
}
}  // namespace

void TrainingState::place(Time now, const catalog::RackSpec& rack, int racks_touched, const scenario::Fabric& fabric) {
    rack_ = &rack;
    racks_touched_ = racks_touched;
    fabric_ = fabric;
    gpus_ = config_->gpus;
    scale_out_share_ = 1.0;
    nominal_ = step_at(*config_, *model_, rack, gpus_, fabric, 1.0);
    rate_ = nominal_.tokens_per_s;
    clock_ = 1.0;
    if (!start_) start_ = now;
    placed_at_ = now;
    last_ = now;
}

void TrainingState::start_running(Time now) {
    if (phase_ != TrainingPhase::Waiting) advance(now);  // counts the restart or write just ended
    last_ = now;
    phase_ = TrainingPhase::Running;
}

void TrainingState::advance(Time now) {
    const double dt = (now - last_).seconds();
    if (phase_ == TrainingPhase::Running) {
        pending_tokens_ += rate_ * dt;
        pending_useful_s_ += dt;
        // Every step moves its collectives' bytes, rolled back later or not.
        if (nominal_.tokens_per_step > 0.0)
            scale_out_bytes_ += rate_ * dt / nominal_.tokens_per_step * nominal_.scale_out_bytes_per_gpu * gpus_;
    } else if (phase_ == TrainingPhase::Restarting) {
        lost_gpu_s_ += dt * gpus_;  // checkpoint writes are overhead, not lost: they are counted apart
    }
    last_ = now;
}

void TrainingState::begin_checkpoint(Time now) {
    phase_ = TrainingPhase::Checkpointing;
    checkpoint_started_ = now;
}

void TrainingState::commit_checkpoint() {
    // The write completed: everything up to the checkpoint is safe.
    committed_tokens_ += pending_tokens_;
    committed_useful_s_ += pending_useful_s_;
    pending_tokens_ = 0.0;
    pending_useful_s_ = 0.0;
    ++checkpoints_;
}

void TrainingState::interrupt(Time now) {
    lost_gpu_s_ += pending_useful_s_ * gpus_;
    // A checkpoint being written is lost with the work it was saving.
    if (phase_ == TrainingPhase::Checkpointing) lost_gpu_s_ += (now - checkpoint_started_).seconds() * gpus_;
    pending_tokens_ = 0.0;
    pending_useful_s_ = 0.0;
    ++interruptions_;
    phase_ = TrainingPhase::Restarting;
}

void TrainingState::preempt(Time now) {
    interrupt(now);
    --interruptions_;  // a preemption is not a failure
    ++preemptions_;
    allocated_s_ += (now - placed_at_).seconds();
    phase_ = TrainingPhase::Waiting;
}

double TrainingState::remaining_s() const {
    // At the nominal rate, also while checkpointing or restarting (the job will go on).
    if (config_->tokens <= 0.0 || nominal_.tokens_per_s <= 0.0) return std::numeric_limits<double>::infinity();
    return std::max(0.0, config_->tokens - committed_tokens_ - pending_tokens_) / nominal_.tokens_per_s;
}

double TrainingState::estimated_runtime_s(const catalog::RackSpec& rack, const scenario::Fabric& fabric) const {
    if (config_->tokens <= 0.0) return std::numeric_limits<double>::infinity();
    const double rate = step_at(*config_, *model_, rack, config_->gpus, fabric, 1.0).tokens_per_s;
    return std::max(0.0, config_->tokens - committed_tokens_) / rate;
}

void TrainingState::finish(Time now) {
    committed_tokens_ += pending_tokens_;
    committed_useful_s_ += pending_useful_s_;
    pending_tokens_ = 0.0;
    pending_useful_s_ = 0.0;
    phase_ = TrainingPhase::Done;
    done_ = now;
}

bool TrainingState::set_clock(Time now, double clock) {
    if (phase_ == TrainingPhase::Waiting || phase_ == TrainingPhase::Done || clock == clock_) return false;
    advance(now);
    clock_ = clock;
    rate_ = step_at(*config_, *model_, *rack_, gpus_, fabric_, clock, scale_out_share_).tokens_per_s;
    return phase_ == TrainingPhase::Running;
}

bool TrainingState::set_scale_out_share(Time now, double share) {
    if (phase_ == TrainingPhase::Waiting || phase_ == TrainingPhase::Done || share == scale_out_share_) return false;
    advance(now);
    scale_out_share_ = share;
    nominal_ = step_at(*config_, *model_, *rack_, gpus_, fabric_, 1.0, share);
    rate_ = step_at(*config_, *model_, *rack_, gpus_, fabric_, clock_, share).tokens_per_s;
    return phase_ == TrainingPhase::Running;
}

std::optional<Time> TrainingState::completion_time(Time now) const {
    if (phase_ != TrainingPhase::Running || config_->tokens <= 0.0 || rate_ <= 0.0) return std::nullopt;
    const double remaining = std::max(0.0, config_->tokens - committed_tokens_ - pending_tokens_);
    // Round up to the next nanosecond so the target is reached, not missed by rounding.
    return now + Duration::from_ns(static_cast<std::int64_t>(std::ceil(remaining / rate_ * 1e9)));
}

Duration TrainingState::checkpoint_write_time() const {
    const double bytes = models::checkpoint_bytes(*model_);
    return Duration::from_seconds(bytes / (config_->checkpoint_gb_per_s_per_gpu * 1e9 * gpus_));
}

double TrainingState::gpu_utilisation() const {
    if (phase_ != TrainingPhase::Running) return 0.0;
    // Tensor cores are busy during compute; bubbles and exposed communication idle them.
    return nominal_.compute_s / nominal_.step_s;
}

report::TrainingJobReport TrainingState::report(Time end) {
    advance(end);
    report::TrainingJobReport r;
    r.name = config_->name;
    r.model = model_->name;
    r.precision = catalog::to_string(config_->precision);
    r.tensor_parallel = config_->parallelism.tensor;
    r.pipeline_parallel = config_->parallelism.pipeline;
    r.virtual_stages = config_->parallelism.virtual_stages;
    r.context_parallel = config_->parallelism.context;
    r.expert_parallel = config_->parallelism.expert;
    r.tokens_target = config_->tokens;
    if (!rack_) return r;  // never placed
    r.rack = rack_->name;
    r.gpus = gpus_;
    r.racks = racks_touched_;
    r.data_parallel = nominal_.data_parallel;
    r.step_time_s = nominal_.step_s;
    r.compute_time_s = nominal_.compute_s + nominal_.bubble_s;
    r.exposed_communication_time_s = nominal_.exposed_communication_s();
    r.communication_share = r.exposed_communication_time_s / r.step_time_s;
    r.step_compute_s = nominal_.compute_s;
    r.step_bubble_s = nominal_.bubble_s;
    r.step_tensor_parallel_s = nominal_.tensor_parallel_s;
    r.step_data_parallel_s = nominal_.data_parallel_exposed_s;
    r.step_context_parallel_s = nominal_.context_parallel_s;
    r.step_expert_parallel_s = nominal_.expert_parallel_s;
    r.tokens_per_s = nominal_.tokens_per_s;
    r.mfu = nominal_.mfu;
    // Work since the last checkpoint is not lost at the end of the run: the job goes on.
    r.tokens_trained = committed_tokens_ + pending_tokens_;
    r.start_hours = start_->hours();
    if (done_) {
        r.completion_hours = done_->hours();
        r.time_to_train_s = (*done_ - *start_).seconds();
    }
    const Time until = done_ ? *done_ : end;
    // Allocated time: the current placement plus earlier ones (a preempted job's queue time is not allocated).
    const double allocated_s = allocated_s_ + (phase_ == TrainingPhase::Waiting ? 0.0 : (until - placed_at_).seconds());
    r.goodput = allocated_s > 0 ? (committed_useful_s_ + pending_useful_s_) / allocated_s : 0.0;
    r.interruptions = interruptions_;
    r.preemptions = preemptions_;
    r.checkpoints = checkpoints_;
    r.lost_gpu_hours = lost_gpu_s_ / 3600.0;
    r.checkpoint_write_s = checkpoint_write_time().seconds();
    r.scale_out_gb_per_step_per_gpu = nominal_.scale_out_bytes_per_gpu / 1e9;
    r.scale_out_share = scale_out_share_;
    return r;
}

}  // namespace factorysim::world
