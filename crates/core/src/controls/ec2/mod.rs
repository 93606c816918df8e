use crate::control::Control;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] = &[];
