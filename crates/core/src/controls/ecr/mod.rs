//! Amazon Elastic Container Registry controls.

use crate::control::Control;

pub mod image_scanning;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&image_scanning::CONTROL];
