//! Elastic Load Balancing controls.

use crate::control::Control;

pub mod http_to_https_redirect;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[&http_to_https_redirect::CONTROL];
