// One training job's life in the world: placement, running with checkpoints, rollback on
// interruption, completion. Progress integrates exactly: between events the token rate
// is constant (it changes only when the GPUs' clock does).
#pragma once

#include <optional>
#include <vector>

#include "factorysim/core/engine.hpp"
#include "factorysim/models/training_step.hpp"
#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::world {

enum class TrainingPhase { Waiting, Running, Checkpointing, Restarting, Done };

class TrainingState {
public:
    TrainingState(const scenario::TrainingWorkload& config, const catalog::LlmSpec& model)
        : config_(&config), model_(&model) {}

    const scenario::TrainingWorkload& config() const { return *config_; }
    TrainingPhase phase() const { return phase_; }
    int gpus() const { return gpus_; }

    void place(Time now, const catalog::RackSpec& rack, int racks_touched, const scenario::Fabric& fabric);
    void start_running(Time now);
    // Integrates progress up to `now` (call before any state change).
    void advance(Time now);
    void begin_checkpoint(Time now);
    void commit_checkpoint();
    void interrupt(Time now);  // after advance(): rolls back to the last checkpoint, starts the restart
    void finish(Time now);
    // Rolled back to the last checkpoint and sent back to the queue (priority preemption).
    void preempt(Time now);
    // Seconds the job still needs at its unthrottled rate (+inf without a token target);
    // used by the scheduler's backfill reservations.
    double remaining_s() const;
    // The same estimate for a job not placed yet, on a rack type.
    double estimated_runtime_s(const catalog::RackSpec& rack, const scenario::Fabric& fabric) const;
    bool interruptible() const { return phase_ == TrainingPhase::Running || phase_ == TrainingPhase::Checkpointing; }
    // Applies a new GPU clock fraction; true if the rate changed (reschedule completion).
    bool set_clock(Time now, double clock);
    // Applies the share of NIC bandwidth the flow-level fabric grants (1 = line rate x
    // efficiency); true if the rate changed.
    bool set_scale_out_share(Time now, double share);
    double scale_out_share() const { return scale_out_share_; }
    // Bytes all its GPUs sent through their NICs so far (up to the last advance()).
    double scale_out_bytes() const { return scale_out_bytes_; }
    const models::StepTime& nominal_step() const { return nominal_; }
    const catalog::RackSpec* rack() const { return rack_; }

    // When the job reaches its token target at the current rate (nullopt: no target, or
    // not running).
    std::optional<Time> completion_time(Time now) const;
    Duration checkpoint_write_time() const;
    double gpu_utilisation() const;  // busy fraction of its GPUs now
    double current_rate() const { return phase_ == TrainingPhase::Running ? rate_ : 0.0; }

    report::TrainingJobReport report(Time end);

    EventHandle checkpoint_event;
    EventHandle completion_event;
    EventHandle software_event;
    std::uint64_t restart_generation = 0;
    int missing_chunks = 0;          // TP groups lost to failed GPUs, to replace before restarting
    bool waiting_for_spares = false;

private:
    const scenario::TrainingWorkload* config_;
    const catalog::LlmSpec* model_;
    const catalog::RackSpec* rack_ = nullptr;
    scenario::Fabric fabric_;
    int racks_touched_ = 0;
    int gpus_ = 0;
    TrainingPhase phase_ = TrainingPhase::Waiting;
    models::StepTime nominal_;
    double clock_ = 1.0;
    double scale_out_share_ = 1.0;
    double scale_out_bytes_ = 0.0;
    double rate_ = 0.0;  // tokens/s while running
    Time last_;
    std::optional<Time> start_;       // first placement
    Time placed_at_;                  // current placement
    Time checkpoint_started_;
    std::optional<Time> done_;
    double committed_tokens_ = 0.0, pending_tokens_ = 0.0;
    double committed_useful_s_ = 0.0, pending_useful_s_ = 0.0;
    double lost_gpu_s_ = 0.0;
    std::int64_t interruptions_ = 0;
    std::int64_t checkpoints_ = 0;
    std::int64_t preemptions_ = 0;
    double allocated_s_ = 0.0;  // placed time of earlier placements (preempted ones)
};

}  // namespace factorysim::world
