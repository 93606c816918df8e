//! AWS Secrets Manager controls on secrets (`AWS::SecretsManager::Secret`).
//!
//! The configuration uses the PascalCase the AWS Config resource schema lists (`ARN`, `Name`,
//! `RotationEnabled`, `RotationRules.AutomaticallyAfterDays`, `RotationOccurringAsScheduled`,
//! `Deleted`). Secrets scheduled for deletion (`Deleted` true) are not applicable.

use crate::control::Control;
use crate::item::ConfigurationItem;
use crate::verdict::Verdict;

pub mod rotation_enabled;
pub mod rotation_succeeds;

/// This service's controls; the catalog joins every service's list.
pub(crate) static CONTROLS: &[&Control] =
    &[&rotation_enabled::CONTROL, &rotation_succeeds::CONTROL];

/// NOT_APPLICABLE for a secret scheduled for deletion, INSUFFICIENT_DATA for an item that does
/// not record the secret (no `ARN` or `Name`) or whose `Deleted` or `RotationEnabled` is
/// unreadable; otherwise whether rotation is enabled. Secrets Manager omits `RotationEnabled`
/// for a secret that was never configured for rotation, so its absence on a recorded secret
/// means off.
fn rotation_enabled(item: &ConfigurationItem) -> Result<bool, Verdict> {
    let recorded = ["/ARN", "/Name"]
        .iter()
        .any(|p| item.config_str(p).is_some_and(|s| !s.trim().is_empty()));
    if !recorded {
        return Err(Verdict::insufficient(
            "the configuration item records neither configuration.ARN nor configuration.Name, \
             so it does not show the secret's rotation settings",
        ));
    }
    if item.read_bool("/Deleted").map_err(Verdict::from)? == Some(true) {
        return Err(Verdict::not_applicable(
            "the secret is scheduled for deletion (configuration.Deleted is true)",
        ));
    }
    Ok(item
        .read_bool("/RotationEnabled")
        .map_err(Verdict::from)?
        .unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rotation_state_is_read_only_from_recorded_live_secrets() {
        let mut item = ConfigurationItem::new("AWS::SecretsManager::Secret", "s");
        item.configuration = json!({"RotationEnabled": true});
        assert!(rotation_enabled(&item).unwrap_err().is_insufficient());
        item.configuration = json!({"Name": "db", "Deleted": true, "RotationEnabled": true});
        assert!(rotation_enabled(&item).unwrap_err().is_not_applicable());
        item.configuration = json!({"Name": "db"});
        assert_eq!(rotation_enabled(&item), Ok(false));
        item.configuration = json!({"Name": "db", "RotationEnabled": "yes"});
        assert!(rotation_enabled(&item).unwrap_err().is_insufficient());
    }
}
