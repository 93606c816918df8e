//! Amazon SQS: [`sweep_queue`], the sweep function's fan-out sender ([`SqsSweepQueue`]).

pub mod sweep_queue;

pub use sweep_queue::SqsSweepQueue;
