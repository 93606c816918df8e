//! AWS CloudTrail event history: [`change_events`], who made a change ([`CloudTrailChanges`]).

pub mod change_events;

pub use change_events::CloudTrailChanges;
