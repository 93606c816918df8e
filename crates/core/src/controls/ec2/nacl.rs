//! Network ACL entries, normalised, and the question EC2.21 asks of them: which inbound rules
//! let the whole internet reach a TCP or UDP port?
//!
//! An `AWS::EC2::NetworkAcl` item records `entries[]` like the EC2 API's `NetworkAclEntry`:
//!
//! ```json
//! {"ruleNumber": 100, "egress": false, "ruleAction": "allow", "protocol": "6",
//!  "portRange": {"from": 22, "to": 22}, "cidrBlock": "0.0.0.0/0", "ipv6CidrBlock": null,
//!  "icmpTypeCode": null}
//! ```
//!
//! `protocol` is an IP protocol number as a string (`"-1"` all, `"6"` TCP, `"17"` UDP); a TCP or
//! UDP entry without `portRange` covers every port. Unlike security groups, NACL rules are
//! evaluated in ascending `ruleNumber` and the first match decides, so a lower-numbered deny can
//! shadow a later allow: see [`world_ingress`] for how much sidewatch honours that.

use super::ingress::{
    Family, PortRange, Protocol, Traffic, Transport, describe_ports, parse_list, port_bound,
    valid_cidr, world_family,
};
use crate::item::{Unreadable, found, value_as_bool, value_as_i64};
use serde_json::Value;
use std::fmt;

/// One NACL entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaclEntry {
    pub rule_number: i64,
    pub egress: bool,
    pub allow: bool,
    pub traffic: Traffic,
    /// `cidrBlock` or `ipv6CidrBlock`, as recorded.
    pub cidr: String,
    pub family: Family,
    /// The CIDR is the whole address space of its family.
    pub world: bool,
}

impl NaclEntry {
    /// Parses one entry found at `path` (`configuration.entries[0]`); `_index` counts from 1.
    /// Every field a question reads must be there and readable; the first that is not makes the
    /// entry [`Unreadable`], named by its path.
    pub fn parse(value: &Value, path: &str, _index: usize) -> Result<NaclEntry, Unreadable> {
        if !value.is_object() {
            return Err(Unreadable::new(path, found(value, "an object")));
        }
        let at = |key: &str| format!("{path}.{key}");
        let field = |key: &str| value.get(key).filter(|v| !v.is_null());
        let missing =
            |key: &str, what: &str| Unreadable::new(at(key), format!("is missing; {what}"));
        let rule_number = match field("ruleNumber") {
            None => return Err(missing("ruleNumber", "every entry records one")),
            // Only the order matters (the IPv6 default rule is 32768), so any whole number does.
            Some(v) => value_as_i64(v)
                .ok_or_else(|| Unreadable::new(at("ruleNumber"), found(v, "a whole number")))?,
        };
        let egress = match field("egress") {
            None => return Err(missing("egress", "every entry says whether it is egress")),
            Some(v) => value_as_bool(v)
                .ok_or_else(|| Unreadable::new(at("egress"), found(v, "true or false")))?,
        };
        let allow = match field("ruleAction") {
            None => return Err(missing("ruleAction", "every entry records allow or deny")),
            Some(v) => match v.as_str().map(str::trim) {
                Some(a) if a.eq_ignore_ascii_case("allow") => true,
                Some(a) if a.eq_ignore_ascii_case("deny") => false,
                _ => return Err(Unreadable::new(at("ruleAction"), found(v, "allow or deny"))),
            },
        };
        let protocol = match field("protocol") {
            None => return Err(missing("protocol", "every entry records one")),
            Some(v) => Protocol::parse(v)
                .ok_or_else(|| Unreadable::new(at("protocol"), found(v, Protocol::EXPECTED)))?,
        };
        // portRange is read whatever the protocol, so an unreadable range is never skipped over.
        let range = match field("portRange") {
            None => None,
            Some(range) if range.is_object() => {
                let range_path = at("portRange");
                Some((
                    port_bound(range, "from", &range_path, 65535)?,
                    port_bound(range, "to", &range_path, 65535)?,
                ))
            }
            Some(other) => return Err(Unreadable::new(at("portRange"), found(other, "an object"))),
        };
        let ports = match (&protocol, range) {
            (Protocol::Tcp | Protocol::Udp, Some((from, to))) => PortRange::from_bounds(from, to),
            _ => PortRange::ALL,
        };
        let cidr_of = |key: &str, family: Family| -> Result<Option<String>, Unreadable> {
            match field(key) {
                None => Ok(None),
                Some(Value::String(s)) if valid_cidr(s, family) => Ok(Some(s.trim().to_owned())),
                Some(v) => {
                    let expected = match family {
                        Family::V4 => "an IPv4 CIDR such as 203.0.113.0/24",
                        Family::V6 => "an IPv6 CIDR such as 2001:db8::/32",
                    };
                    Err(Unreadable::new(at(key), found(v, expected)))
                }
            }
        };
        let (cidr, family) = match (
            cidr_of("cidrBlock", Family::V4)?,
            cidr_of("ipv6CidrBlock", Family::V6)?,
        ) {
            (Some(v4), _) => (v4, Family::V4),
            (None, Some(v6)) => (v6, Family::V6),
            (None, None) => {
                return Err(Unreadable::new(
                    at("cidrBlock"),
                    "is missing, and so is ipv6CidrBlock; every entry records one",
                ));
            }
        };
        Ok(NaclEntry {
            rule_number,
            egress,
            allow,
            traffic: Traffic { protocol, ports },
            world: world_family(&cidr) == Some(family),
            cidr,
            family,
        })
    }
}

/// Parses `entries` (found at `configuration.entries`); one unreadable entry makes the whole
/// list unreadable, since a NACL's first matching rule decides and that entry could be it.
pub fn parse_entries(value: &Value) -> Result<Vec<NaclEntry>, Unreadable> {
    parse_list(value, "configuration.entries", NaclEntry::parse)
}

/// An inbound allow rule from the world that reaches some of the asked ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaclExposure<'a> {
    pub entry: &'a NaclEntry,
    pub ports: Vec<i64>,
}

impl fmt::Display for NaclExposure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.entry;
        write!(
            f,
            "inbound rule #{} allows {} from {} (reaches {})",
            e.rule_number,
            e.traffic,
            e.cidr,
            describe_ports(&self.ports)
        )
    }
}

/// An inbound allow rule from the world that would reach a port but for an earlier deny.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadowed<'a> {
    pub entry: &'a NaclEntry,
    pub port: i64,
    pub by: &'a NaclEntry,
}

impl fmt::Display for Shadowed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "inbound rule #{} (allow {} from {}) is shadowed for port {} by deny rule #{}",
            self.entry.rule_number,
            self.entry.traffic,
            self.entry.cidr,
            self.port,
            self.by.rule_number
        )
    }
}

/// The inbound allow rules whose source is `0.0.0.0/0` or `::/0` and that reach any of `ports`
/// over any of `transports`, and those that would but are shadowed.
///
/// Rule order is honoured only where it is certain: an allow is shadowed for a port and
/// transport when a lower-numbered inbound **deny** from the whole address space of the same
/// family covers that transport and port. A deny for a narrower CIDR never shadows (the allow
/// still reaches every other address), and a deny covering only TCP leaves an all-protocol allow
/// open over UDP. So a shadowed rule is never reported as open, and an open one never hidden.
pub fn world_ingress<'a>(
    entries: &'a [NaclEntry],
    ports: &[i64],
    transports: &[Transport],
) -> (Vec<NaclExposure<'a>>, Vec<Shadowed<'a>>) {
    let mut inbound: Vec<&NaclEntry> = entries.iter().filter(|e| !e.egress).collect();
    inbound.sort_by_key(|e| e.rule_number);
    let mut open = Vec::new();
    let mut shadowed = Vec::new();
    for entry in inbound.iter().copied().filter(|e| e.allow && e.world) {
        let mut reached = Vec::new();
        for &port in ports {
            let mut first_shadow = None;
            let mut open_here = false;
            for &transport in transports {
                if !entry.traffic.reaches(transport, port) {
                    continue;
                }
                let shadow = inbound.iter().copied().find(|d| {
                    d.rule_number < entry.rule_number
                        && !d.allow
                        && d.world
                        && d.family == entry.family
                        && d.traffic.reaches(transport, port)
                });
                match shadow {
                    Some(d) => first_shadow = first_shadow.or(Some(d)),
                    None => open_here = true,
                }
            }
            if open_here {
                reached.push(port);
            } else if let Some(by) = first_shadow {
                shadowed.push(Shadowed { entry, port, by });
            }
        }
        if !reached.is_empty() {
            open.push(NaclExposure {
                entry,
                ports: reached,
            });
        }
    }
    (open, shadowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::ingress::{TCP, TCP_UDP, join_ports};
    use serde_json::json;

    fn entry(
        number: i64,
        egress: bool,
        action: &str,
        protocol: &str,
        range: Value,
        cidr: &str,
    ) -> Value {
        let (v4, v6) = if cidr.contains(':') {
            (Value::Null, json!(cidr))
        } else {
            (json!(cidr), Value::Null)
        };
        json!({"ruleNumber": number, "egress": egress, "ruleAction": action, "protocol": protocol,
               "portRange": range, "cidrBlock": v4, "ipv6CidrBlock": v6, "icmpTypeCode": null})
    }

    fn ports(from: i64, to: i64) -> Value {
        json!({"from": from, "to": to})
    }

    /// The open rules as "#rule:ports" and the shadowed ones as "#rule:port<#deny".
    fn check(entries: Value, transports: &[Transport]) -> (Vec<String>, Vec<String>) {
        let parsed = parse_entries(&entries).unwrap();
        let (open, shadowed) = world_ingress(&parsed, &[22, 3389], transports);
        (
            open.iter()
                .map(|o| format!("#{}:{}", o.entry.rule_number, join_ports(&o.ports)))
                .collect(),
            shadowed
                .iter()
                .map(|s| format!("#{}:{}<#{}", s.entry.rule_number, s.port, s.by.rule_number))
                .collect(),
        )
    }

    fn default_nacl() -> Value {
        json!([
            entry(100, true, "allow", "-1", Value::Null, "0.0.0.0/0"),
            entry(32767, true, "deny", "-1", Value::Null, "0.0.0.0/0"),
            entry(100, false, "allow", "-1", Value::Null, "0.0.0.0/0"),
            entry(32767, false, "deny", "-1", Value::Null, "0.0.0.0/0"),
        ])
    }

    #[test]
    fn all_traffic_allow_with_no_port_range_reaches_both_ports() {
        let (open, shadowed) = check(default_nacl(), TCP_UDP);
        assert_eq!(open, ["#100:22, 3389"]);
        assert!(shadowed.is_empty());
    }

    #[test]
    fn egress_entries_are_ignored() {
        let entries = json!([entry(100, true, "allow", "-1", Value::Null, "0.0.0.0/0")]);
        assert_eq!(check(entries, TCP_UDP), (vec![], vec![]));
    }

    #[test]
    fn deny_entries_expose_nothing() {
        let entries = json!([entry(100, false, "deny", "6", ports(22, 22), "0.0.0.0/0")]);
        assert_eq!(check(entries, TCP_UDP), (vec![], vec![]));
    }

    #[test]
    fn tcp_udp_and_all_count_icmp_does_not() {
        let tcp = json!([entry(100, false, "allow", "6", ports(22, 22), "0.0.0.0/0")]);
        assert_eq!(check(tcp, TCP).0, ["#100:22"]);
        let udp = json!([entry(
            100,
            false,
            "allow",
            "17",
            ports(3389, 3389),
            "0.0.0.0/0"
        )]);
        assert_eq!(check(udp.clone(), TCP_UDP).0, ["#100:3389"]);
        assert!(check(udp, TCP).0.is_empty());
        let icmp = json!([entry(100, false, "allow", "1", Value::Null, "0.0.0.0/0")]);
        assert!(check(icmp, TCP_UDP).0.is_empty());
    }

    #[test]
    fn port_ranges_must_cover_the_port_and_missing_range_is_all_ports() {
        let around = json!([entry(100, false, "allow", "6", ports(1, 1024), "0.0.0.0/0")]);
        assert_eq!(check(around, TCP).0, ["#100:22"]);
        let beside = json!([entry(
            100,
            false,
            "allow",
            "6",
            ports(23, 3388),
            "0.0.0.0/0"
        )]);
        assert!(check(beside, TCP).0.is_empty());
        let missing = json!([{"ruleNumber": 100, "egress": false, "ruleAction": "allow",
                              "protocol": "6", "cidrBlock": "0.0.0.0/0"}]);
        assert_eq!(check(missing, TCP).0, ["#100:22, 3389"]);
    }

    #[test]
    fn ipv6_world_counts() {
        let entries = json!([entry(101, false, "allow", "6", ports(22, 22), "::/0")]);
        assert_eq!(check(entries, TCP).0, ["#101:22"]);
    }

    #[test]
    fn narrower_sources_are_not_the_world() {
        let entries = json!([entry(100, false, "allow", "-1", Value::Null, "10.0.0.0/8")]);
        assert_eq!(check(entries, TCP_UDP), (vec![], vec![]));
    }

    #[test]
    fn a_lower_numbered_world_deny_shadows_a_later_allow() {
        let entries = json!([
            entry(100, false, "deny", "6", ports(22, 22), "0.0.0.0/0"),
            entry(110, false, "deny", "6", ports(3389, 3389), "0.0.0.0/0"),
            entry(200, false, "allow", "6", Value::Null, "0.0.0.0/0"),
        ]);
        let (open, shadowed) = check(entries, TCP_UDP);
        assert!(open.is_empty(), "{open:?}");
        assert_eq!(shadowed, ["#200:22<#100", "#200:3389<#110"]);
    }

    #[test]
    fn entries_are_ordered_by_rule_number_not_position() {
        let entries = json!([
            entry(200, false, "allow", "6", Value::Null, "0.0.0.0/0"),
            entry(100, false, "deny", "-1", Value::Null, "0.0.0.0/0"),
        ]);
        let (open, shadowed) = check(entries, TCP_UDP);
        assert!(open.is_empty());
        assert_eq!(shadowed.len(), 2);
    }

    #[test]
    fn a_higher_numbered_deny_does_not_shadow() {
        let entries = json!([
            entry(100, false, "allow", "6", ports(22, 22), "0.0.0.0/0"),
            entry(200, false, "deny", "6", ports(22, 22), "0.0.0.0/0"),
        ]);
        assert_eq!(check(entries, TCP).0, ["#100:22"]);
    }

    #[test]
    fn a_deny_for_a_narrower_source_does_not_shadow() {
        let entries = json!([
            entry(100, false, "deny", "-1", Value::Null, "192.0.2.0/24"),
            entry(200, false, "allow", "6", ports(22, 22), "0.0.0.0/0"),
        ]);
        assert_eq!(check(entries, TCP).0, ["#200:22"]);
    }

    #[test]
    fn a_tcp_deny_leaves_an_all_traffic_allow_open_over_udp() {
        let entries = json!([
            entry(100, false, "deny", "6", ports(22, 22), "0.0.0.0/0"),
            entry(200, false, "allow", "-1", Value::Null, "0.0.0.0/0"),
        ]);
        assert_eq!(check(entries.clone(), TCP_UDP).0, ["#200:22, 3389"]);
        // Over TCP alone, port 22 is shadowed and 3389 is not.
        let (open, shadowed) = check(entries, TCP);
        assert_eq!(open, ["#200:3389"]);
        assert_eq!(shadowed, ["#200:22<#100"]);
    }

    #[test]
    fn an_ipv4_deny_does_not_shadow_an_ipv6_allow() {
        let entries = json!([
            entry(100, false, "deny", "-1", Value::Null, "0.0.0.0/0"),
            entry(200, false, "allow", "6", ports(22, 22), "::/0"),
        ]);
        assert_eq!(check(entries, TCP).0, ["#200:22"]);
    }

    #[test]
    fn a_deny_for_other_ports_does_not_shadow() {
        let entries = json!([
            entry(100, false, "deny", "6", ports(0, 21), "0.0.0.0/0"),
            entry(200, false, "allow", "6", ports(0, 1024), "0.0.0.0/0"),
        ]);
        assert_eq!(check(entries, TCP).0, ["#200:22"]);
    }

    #[test]
    fn malformed_entries_are_errors() {
        assert!(parse_entries(&json!({})).is_err());
        let no_action = json!([{"ruleNumber": 1, "egress": false, "protocol": "6",
                                "cidrBlock": "0.0.0.0/0"}]);
        assert!(
            parse_entries(&no_action)
                .unwrap_err()
                .to_string()
                .contains("ruleAction")
        );
        let no_cidr = json!([{"ruleNumber": 1, "egress": false, "ruleAction": "allow",
                              "protocol": "6"}]);
        assert!(
            parse_entries(&no_cidr)
                .unwrap_err()
                .to_string()
                .contains("cidrBlock")
        );
        let no_direction = json!([{"ruleNumber": 1, "ruleAction": "allow", "protocol": "6",
                                   "cidrBlock": "0.0.0.0/0"}]);
        assert!(
            parse_entries(&no_direction)
                .unwrap_err()
                .to_string()
                .contains("egress")
        );
        let bad_range = json!([entry(1, false, "allow", "6", json!("22"), "0.0.0.0/0")]);
        assert!(
            parse_entries(&bad_range)
                .unwrap_err()
                .to_string()
                .contains("portRange")
        );
    }

    #[test]
    fn reasons_name_rule_number_traffic_and_source() {
        let parsed = parse_entries(&json!([
            entry(100, false, "deny", "6", ports(22, 22), "0.0.0.0/0"),
            entry(120, false, "allow", "6", ports(0, 1024), "0.0.0.0/0"),
        ]))
        .unwrap();
        let (open, _) = world_ingress(&parsed, &[22, 3389], TCP);
        assert!(open.is_empty());
        let (_, shadowed) = world_ingress(&parsed, &[22], TCP);
        assert_eq!(
            shadowed[0].to_string(),
            "inbound rule #120 (allow tcp 0-1024 from 0.0.0.0/0) is shadowed for port 22 by deny rule #100"
        );
        let parsed = parse_entries(&default_nacl()).unwrap();
        let (open, _) = world_ingress(&parsed, &[22, 3389], TCP_UDP);
        assert_eq!(
            open[0].to_string(),
            "inbound rule #100 allows all traffic from 0.0.0.0/0 (reaches ports 22, 3389)"
        );
    }
}
