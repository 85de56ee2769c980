//! The scout programme's pipeline as a service, below GraphQL and ingest alike: the
//! mapping between stored states and `scoring::pipeline`'s stages, and the writes that open
//! and move entries ([`write`]), shared by the mutations and `flywheel import`.

pub mod write;

use entities::enums::PipelineState;
use scoring::pipeline::Stage;

/// The scoring stage of a stored state.
pub fn stage(s: PipelineState) -> Stage {
    match s {
        PipelineState::Prospect => Stage::Prospect,
        PipelineState::Contacted => Stage::Contacted,
        PipelineState::Onboarding => Stage::Onboarding,
        PipelineState::Certified => Stage::Certified,
        PipelineState::Rejected => Stage::Rejected,
        PipelineState::Churned => Stage::Churned,
    }
}

/// The stored state of a scoring stage.
pub fn state(s: Stage) -> PipelineState {
    match s {
        Stage::Prospect => PipelineState::Prospect,
        Stage::Contacted => PipelineState::Contacted,
        Stage::Onboarding => PipelineState::Onboarding,
        Stage::Certified => PipelineState::Certified,
        Stage::Rejected => PipelineState::Rejected,
        Stage::Churned => PipelineState::Churned,
    }
}
