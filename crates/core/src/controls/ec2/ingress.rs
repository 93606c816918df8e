//! Security-group and network-ACL traffic rules, normalised so a control can ask
//! "is tcp/udp port P reachable from 0.0.0.0/0 or ::/0, and through which rule?".
//!
//! A security group's `ipPermissions` (and `ipPermissionsEgress`) in an AWS Config item look like
//! the EC2 API's `IpPermission`, camelCased:
//!
//! ```json
//! {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
//!  "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"],
//!  "ipv6Ranges": [{"cidrIpv6": "::/0"}], "prefixListIds": [], "userIdGroupPairs": []}
//! ```
//!
//! Semantics (EC2 `IpPermission`):
//! * `ipProtocol` `-1` means every protocol on every port, whatever `fromPort`/`toPort` say;
//!   `tcp`/`6` and `udp`/`17` use the port range; `icmp`/`1` and `icmpv6`/`58` have no ports
//!   (`fromPort` is the ICMP type), so they never reach a TCP or UDP port; any other protocol
//!   number carries no TCP or UDP traffic either.
//! * A TCP or UDP permission without ports (or with `-1` bounds) covers every port.
//! * IPv4 sources come from `ipv4Ranges[].cidrIp` and from the legacy `ipRanges[]` (a list of
//!   strings) that Config items carry beside it; both are read. IPv6 from `ipv6Ranges[].cidrIpv6`.
//! * "The world" is any CIDR with prefix length 0 (`0.0.0.0/0`, `::/0`). Security-group
//!   references (`userIdGroupPairs`) and prefix lists (`prefixListIds`) are not the world: the
//!   configuration item does not say what a prefix list holds.

use crate::item::{ConfigurationItem, json_type, value_as_i64};
use crate::verdict::Verdict;
use serde_json::Value;
use std::fmt;

/// A transport protocol a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

/// Only TCP.
pub const TCP: &[Transport] = &[Transport::Tcp];
/// TCP and UDP.
pub const TCP_UDP: &[Transport] = &[Transport::Tcp, Transport::Udp];

/// Describes a set of transports for reasons: "tcp", "tcp or udp".
pub fn describe_transports(transports: &[Transport]) -> &'static str {
    match (
        transports.contains(&Transport::Tcp),
        transports.contains(&Transport::Udp),
    ) {
        (true, true) => "tcp or udp",
        (true, false) => "tcp",
        (false, true) => "udp",
        (false, false) => "no",
    }
}

/// The IP family of an address range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

/// Which unrestricted sources a question counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// `0.0.0.0/0` only.
    Ipv4,
    /// `::/0` only.
    Ipv6,
    /// Either.
    Either,
}

impl World {
    fn includes(self, family: Family) -> bool {
        match self {
            World::Ipv4 => family == Family::V4,
            World::Ipv6 => family == Family::V6,
            World::Either => true,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            World::Ipv4 => "0.0.0.0/0",
            World::Ipv6 => "::/0",
            World::Either => "0.0.0.0/0 or ::/0",
        }
    }
}

/// The family of a CIDR block that covers every address of its family (prefix length 0), or
/// `None` for anything narrower or unreadable. `10.0.0.0/0` is as open as `0.0.0.0/0`.
pub fn world_family(cidr: &str) -> Option<Family> {
    let (address, prefix) = cidr.trim().split_once('/')?;
    if prefix.trim().parse::<u8>().ok()? != 0 {
        return None;
    }
    if address.contains(':') {
        Some(Family::V6)
    } else if address.contains('.') {
        Some(Family::V4)
    } else {
        None
    }
}

/// The protocol of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
    /// `-1`: every protocol, every port.
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Another IP protocol (name or number as recorded); carries no TCP or UDP traffic.
    Other(String),
}

impl Protocol {
    /// Reads `ipProtocol` / a NACL entry's `protocol`: names (any case) or numbers, as strings
    /// or JSON numbers. `None` when absent or not a protocol at all.
    pub fn parse(value: &Value) -> Option<Protocol> {
        let text = match value {
            Value::String(s) => s.trim().to_ascii_lowercase(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        Some(match text.as_str() {
            "" => return None,
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            "icmp" | "1" => Protocol::Icmp,
            "icmpv6" | "58" => Protocol::Icmpv6,
            _ => Protocol::Other(text),
        })
    }

    /// Whether the protocol carries this transport.
    pub fn carries(&self, transport: Transport) -> bool {
        matches!(
            (self, transport),
            (Protocol::All, _) | (Protocol::Tcp, Transport::Tcp) | (Protocol::Udp, Transport::Udp)
        )
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all traffic"),
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Icmpv6 => f.write_str("icmpv6"),
            Protocol::Other(p) => write!(f, "protocol {p}"),
        }
    }
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub from: i64,
    pub to: i64,
}

impl PortRange {
    /// Every port.
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };

    /// A range from optional bounds: a missing or `-1` bound leaves that end open, bounds are
    /// clamped to 0..=65535 and put in order. Never narrower than what the rule could mean.
    pub fn from_bounds(from: Option<i64>, to: Option<i64>) -> PortRange {
        let from = from.filter(|p| *p >= 0).unwrap_or(0).clamp(0, 65535);
        let to = to.filter(|p| *p >= 0).unwrap_or(65535).clamp(0, 65535);
        PortRange {
            from: from.min(to),
            to: from.max(to),
        }
    }

    pub fn contains(&self, port: i64) -> bool {
        (self.from..=self.to).contains(&port)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == PortRange::ALL {
            f.write_str("all ports")
        } else if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// What a rule lets through: a protocol and, for TCP and UDP, a port range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traffic {
    pub protocol: Protocol,
    /// The TCP/UDP ports; [`PortRange::ALL`] for `-1`, and meaningless for other protocols.
    pub ports: PortRange,
}

impl Traffic {
    /// Whether this traffic includes `transport` on `port`.
    pub fn reaches(&self, transport: Transport, port: i64) -> bool {
        self.protocol.carries(transport)
            && (self.protocol == Protocol::All || self.ports.contains(port))
    }

    /// Whether this traffic includes any of `transports` on `port`.
    pub fn reaches_any(&self, transports: &[Transport], port: i64) -> bool {
        transports.iter().any(|t| self.reaches(*t, port))
    }
}

impl fmt::Display for Traffic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.protocol {
            Protocol::Tcp | Protocol::Udp => write!(f, "{} {}", self.protocol, self.ports),
            _ => write!(f, "{}", self.protocol),
        }
    }
}

/// Reads an optional port bound: absent or null is `None`, a number (or numeric string) is the
/// bound, anything else is an error naming the field.
pub fn port_bound(object: &Value, key: &str, what: &str) -> Result<Option<i64>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => value_as_i64(v)
            .map(Some)
            .ok_or_else(|| format!("{what} has a {key} that is not a number ({})", json_type(v))),
    }
}

/// One entry of `ipPermissions` or `ipPermissionsEgress`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    /// Position in the list, from 1, as reasons name it ("permission #2").
    pub number: usize,
    pub traffic: Traffic,
    /// IPv4 CIDRs from `ipv4Ranges` and `ipRanges`, without repeats.
    pub ipv4: Vec<String>,
    /// IPv6 CIDRs from `ipv6Ranges`.
    pub ipv6: Vec<String>,
    /// Referenced security groups (`userIdGroupPairs[].groupId`, or the group name).
    pub groups: Vec<String>,
    /// Referenced prefix lists (`prefixListIds[].prefixListId`).
    pub prefix_lists: Vec<String>,
}

impl Permission {
    /// Parses one permission; `number` counts from 1.
    pub fn parse(value: &Value, number: usize) -> Result<Permission, String> {
        let what = format!("permission #{number}");
        if !value.is_object() {
            return Err(format!("{what} is {}, not an object", json_type(value)));
        }
        let protocol = value
            .get("ipProtocol")
            .and_then(Protocol::parse)
            .ok_or_else(|| format!("{what} has no readable ipProtocol"))?;
        let ports = match protocol {
            Protocol::Tcp | Protocol::Udp => PortRange::from_bounds(
                port_bound(value, "fromPort", &what)?,
                port_bound(value, "toPort", &what)?,
            ),
            _ => PortRange::ALL,
        };
        let mut ipv4 = Vec::new();
        for cidr in strings_in(value, "ipv4Ranges", "cidrIp", &what)?
            .into_iter()
            .chain(strings_in(value, "ipRanges", "cidrIp", &what)?)
        {
            if !ipv4.contains(&cidr) {
                ipv4.push(cidr);
            }
        }
        let mut groups = strings_in(value, "userIdGroupPairs", "groupId", &what)?;
        if groups.is_empty() {
            groups = strings_in(value, "userIdGroupPairs", "groupName", &what)?;
        }
        Ok(Permission {
            number,
            traffic: Traffic { protocol, ports },
            ipv4,
            ipv6: strings_in(value, "ipv6Ranges", "cidrIpv6", &what)?,
            groups,
            prefix_lists: strings_in(value, "prefixListIds", "prefixListId", &what)?,
        })
    }

    /// The first source of `family` that is the whole address space, if any.
    pub fn world_source(&self, family: Family) -> Option<&str> {
        let cidrs = match family {
            Family::V4 => &self.ipv4,
            Family::V6 => &self.ipv6,
        };
        cidrs
            .iter()
            .map(String::as_str)
            .find(|c| world_family(c) == Some(family))
    }

    /// "tcp 3389 with 54.240.197.224/29, sg-1": what the permission allows and with whom.
    pub fn describe(&self) -> String {
        let peers: Vec<&str> = self
            .ipv4
            .iter()
            .chain(&self.ipv6)
            .chain(&self.groups)
            .chain(&self.prefix_lists)
            .map(String::as_str)
            .collect();
        if peers.is_empty() {
            format!("permission #{}: {}", self.number, self.traffic)
        } else {
            format!(
                "permission #{}: {} with {}",
                self.number,
                self.traffic,
                peers.join(", ")
            )
        }
    }
}

/// Strings in a list of objects (`[{"cidrIp": "…"}]`) or of plain strings (`["…"]`), as the
/// legacy `ipRanges` is recorded. Absent or null lists are empty; other shapes are errors.
fn strings_in(
    permission: &Value,
    list: &str,
    field: &str,
    what: &str,
) -> Result<Vec<String>, String> {
    let items = match permission.get(list) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(format!(
                "{what} has {list} as {}, not a list",
                json_type(other)
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let text = match item {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o) => o.get(field).and_then(Value::as_str),
            _ => None,
        };
        if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
            out.push(text.to_owned());
        }
    }
    Ok(out)
}

/// Parses every element of the list `field` with `parse`, which gets the element's position
/// counted from 1; the first element that cannot be read makes the whole list an error.
pub fn parse_list<T>(
    value: &Value,
    field: &str,
    parse: impl Fn(&Value, usize) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let Value::Array(items) = value else {
        return Err(format!("{field} is {}, not a list", json_type(value)));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| parse(v, i + 1))
        .collect()
}

/// Parses a whole permission list (`ipPermissions` or `ipPermissionsEgress`).
pub fn parse_permissions(value: &Value, field: &str) -> Result<Vec<Permission>, String> {
    parse_list(value, field, Permission::parse)
}

/// A security group's permission list read from its configuration item; a missing list is an
/// error (a Config item always records it, possibly empty).
pub fn item_permissions(item: &ConfigurationItem, field: &str) -> Result<Vec<Permission>, String> {
    let value = item
        .config(&format!("/{field}"))
        .ok_or_else(|| format!("the configuration item records no {field}"))?;
    parse_permissions(value, field)
}

/// One permission that lets the world reach some of the asked ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure<'a> {
    pub permission: &'a Permission,
    /// The unrestricted CIDR as recorded (`0.0.0.0/0`, `::/0`).
    pub source: &'a str,
    /// The asked ports it reaches, in the order asked.
    pub ports: Vec<i64>,
}

impl fmt::Display for Exposure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ports = join_ports(&self.ports);
        let traffic = &self.permission.traffic;
        match traffic.protocol {
            Protocol::All => write!(
                f,
                "ingress on all protocols and ports (incl. {ports}) from {} in permission #{}",
                self.source, self.permission.number
            ),
            _ => {
                write!(
                    f,
                    "ingress {} {ports} from {} in permission #{}",
                    traffic.protocol, self.source, self.permission.number
                )?;
                let exactly_the_port =
                    self.ports == [traffic.ports.from] && traffic.ports.from == traffic.ports.to;
                if !exactly_the_port {
                    write!(f, " ({traffic})")?;
                }
                Ok(())
            }
        }
    }
}

/// Every permission that lets `world` reach any of `ports` over any of `transports`, once per
/// permission and source family.
pub fn exposures<'a>(
    permissions: &'a [Permission],
    ports: &[i64],
    transports: &[Transport],
    world: World,
) -> Vec<Exposure<'a>> {
    let mut out = Vec::new();
    for permission in permissions {
        let reached: Vec<i64> = ports
            .iter()
            .copied()
            .filter(|p| permission.traffic.reaches_any(transports, *p))
            .collect();
        if reached.is_empty() {
            continue;
        }
        for family in [Family::V4, Family::V6] {
            if !world.includes(family) {
                continue;
            }
            if let Some(source) = permission.world_source(family) {
                out.push(Exposure {
                    permission,
                    source,
                    ports: reached.clone(),
                });
            }
        }
    }
    out
}

/// "22", "22, 3389", or the first few and a count.
pub fn join_ports(ports: &[i64]) -> String {
    const SHOWN: usize = 6;
    let shown: Vec<String> = ports.iter().take(SHOWN).map(i64::to_string).collect();
    if ports.len() > SHOWN {
        format!("{} and {} more", shown.join(", "), ports.len() - SHOWN)
    } else {
        shown.join(", ")
    }
}

/// "port 22" or "ports 22, 3389".
pub fn describe_ports(ports: &[i64]) -> String {
    if ports.len() == 1 {
        format!("port {}", join_ports(ports))
    } else {
        format!("ports {}", join_ports(ports))
    }
}

/// Joins findings into one reason, naming at most a few and counting the rest.
pub fn join_findings<T: fmt::Display>(findings: &[T]) -> String {
    const SHOWN: usize = 4;
    let mut text = findings
        .iter()
        .take(SHOWN)
        .map(T::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if findings.len() > SHOWN {
        text.push_str(&format!("; and {} more", findings.len() - SHOWN));
    }
    text
}

/// The verdict shared by the "no unrestricted ingress to these ports" controls (EC2.13, EC2.14,
/// EC2.19, EC2.53, EC2.54): fail naming each offending permission, pass when none, insufficient
/// when the permissions cannot be read.
pub fn open_ports_verdict(
    item: &ConfigurationItem,
    ports: &[i64],
    transports: &[Transport],
    world: World,
) -> Verdict {
    let permissions = match item_permissions(item, "ipPermissions") {
        Ok(p) => p,
        Err(reason) => return Verdict::insufficient(reason),
    };
    let found = exposures(&permissions, ports, transports, world);
    if found.is_empty() {
        Verdict::pass(format!(
            "no inbound rule allows {} traffic from {} to {}",
            describe_transports(transports),
            world.describe(),
            describe_ports(ports)
        ))
    } else {
        Verdict::fail(join_findings(&found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn perms(list: Value) -> Vec<Permission> {
        parse_permissions(&list, "ipPermissions").unwrap()
    }

    fn open(list: Value, port: i64, transports: &[Transport], world: World) -> Vec<String> {
        let p = perms(list);
        exposures(&p, &[port], transports, world)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn world4(protocol: Value, from: Value, to: Value) -> Value {
        json!([{"ipProtocol": protocol, "fromPort": from, "toPort": to,
                "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"],
                "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": []}])
    }

    #[test]
    fn all_protocols_reach_every_port_whatever_the_port_fields_say() {
        let list = world4(json!("-1"), json!(80), json!(80));
        assert_eq!(
            open(list.clone(), 22, TCP, World::Either),
            ["ingress on all protocols and ports (incl. 22) from 0.0.0.0/0 in permission #1"]
        );
        assert_eq!(open(list, 3389, TCP_UDP, World::Ipv4).len(), 1);
        let no_ports = json!([{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]);
        assert_eq!(open(no_ports, 65535, TCP, World::Either).len(), 1);
    }

    #[test]
    fn tcp_by_name_or_number_is_the_same() {
        for protocol in [json!("tcp"), json!("TCP"), json!("6"), json!(6)] {
            let found = open(world4(protocol, json!(22), json!(22)), 22, TCP, World::Ipv4);
            assert_eq!(found, ["ingress tcp 22 from 0.0.0.0/0 in permission #1"]);
        }
    }

    #[test]
    fn udp_counts_only_when_udp_is_asked() {
        for protocol in [json!("udp"), json!("17")] {
            let list = world4(protocol, json!(3389), json!(3389));
            assert!(open(list.clone(), 3389, TCP, World::Either).is_empty());
            assert_eq!(
                open(list, 3389, TCP_UDP, World::Either),
                ["ingress udp 3389 from 0.0.0.0/0 in permission #1"]
            );
        }
    }

    #[test]
    fn icmp_type_numbers_are_not_ports() {
        for protocol in ["icmp", "1", "icmpv6", "58"] {
            // fromPort is the ICMP type: type 22 is not TCP port 22.
            let list = world4(json!(protocol), json!(22), json!(-1));
            assert!(
                open(list, 22, TCP_UDP, World::Either).is_empty(),
                "{protocol}"
            );
        }
        let gre = world4(json!("47"), json!(22), json!(22));
        assert!(open(gre, 22, TCP_UDP, World::Either).is_empty());
    }

    #[test]
    fn port_ranges_are_inclusive_and_checked() {
        let covers = world4(json!("tcp"), json!(20), json!(22));
        assert_eq!(
            open(covers, 22, TCP, World::Ipv4),
            ["ingress tcp 22 from 0.0.0.0/0 in permission #1 (tcp 20-22)"]
        );
        let starts = world4(json!("tcp"), json!(22), json!(1024));
        assert_eq!(open(starts, 22, TCP, World::Ipv4).len(), 1);
        let below = world4(json!("tcp"), json!(0), json!(21));
        assert!(open(below, 22, TCP, World::Ipv4).is_empty());
        let above = world4(json!("tcp"), json!(23), json!(3388));
        assert!(open(above, 22, TCP, World::Ipv4).is_empty());
    }

    #[test]
    fn missing_or_minus_one_ports_mean_all_ports() {
        let missing = json!([{"ipProtocol": "tcp", "ipRanges": ["0.0.0.0/0"]}]);
        assert_eq!(
            open(missing, 3389, TCP, World::Ipv4),
            ["ingress tcp 3389 from 0.0.0.0/0 in permission #1 (tcp all ports)"]
        );
        let minus_one = world4(json!("udp"), json!(-1), json!(-1));
        assert_eq!(open(minus_one, 22, TCP_UDP, World::Ipv4).len(), 1);
        let null_ports = world4(json!("tcp"), json!(null), json!(null));
        assert_eq!(open(null_ports, 22, TCP, World::Ipv4).len(), 1);
    }

    #[test]
    fn ipv4_ranges_alone_are_read() {
        let list = json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                           "ipv4Ranges": [{"cidrIp": "0.0.0.0/0", "description": "anywhere"}]}]);
        assert_eq!(open(list, 22, TCP, World::Ipv4).len(), 1);
    }

    #[test]
    fn legacy_ip_ranges_alone_are_read() {
        let strings = json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                              "ipv4Ranges": [], "ipRanges": ["0.0.0.0/0"]}]);
        assert_eq!(open(strings, 22, TCP, World::Ipv4).len(), 1);
        let objects = json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                              "ipRanges": [{"cidrIp": "0.0.0.0/0"}]}]);
        assert_eq!(open(objects, 22, TCP, World::Ipv4).len(), 1);
    }

    #[test]
    fn ipv6_world_is_separate_from_ipv4_world() {
        let list = json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                           "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}],
                           "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]);
        assert!(open(list.clone(), 22, TCP, World::Ipv4).is_empty());
        assert_eq!(
            open(list.clone(), 22, TCP, World::Ipv6),
            ["ingress tcp 22 from ::/0 in permission #1"]
        );
        assert_eq!(open(list, 22, TCP, World::Either).len(), 1);
    }

    #[test]
    fn group_references_and_prefix_lists_are_not_the_world() {
        let list = json!([{"ipProtocol": "-1",
                           "userIdGroupPairs": [{"groupId": "sg-1", "userId": "123456789012"}],
                           "prefixListIds": [{"prefixListId": "pl-1"}],
                           "ipv4Ranges": [], "ipRanges": [], "ipv6Ranges": []}]);
        assert!(open(list.clone(), 22, TCP_UDP, World::Either).is_empty());
        assert_eq!(
            perms(list)[0].describe(),
            "permission #1: all traffic with sg-1, pl-1"
        );
        let by_name = json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                              "userIdGroupPairs": [{"groupName": "bastion", "userId": "123456789012"}]}]);
        assert!(open(by_name.clone(), 22, TCP, World::Either).is_empty());
        assert_eq!(
            perms(by_name)[0].describe(),
            "permission #1: tcp 22 with bastion"
        );
    }

    #[test]
    fn any_prefix_zero_is_the_world_and_narrower_is_not() {
        assert_eq!(world_family("0.0.0.0/0"), Some(Family::V4));
        assert_eq!(world_family("10.0.0.0/0"), Some(Family::V4));
        assert_eq!(world_family("::/0"), Some(Family::V6));
        assert_eq!(world_family(" ::/0 "), Some(Family::V6));
        assert_eq!(world_family("0.0.0.0/1"), None);
        assert_eq!(world_family("0.0.0.0"), None);
        assert_eq!(world_family("2001:db8::/32"), None);
        assert_eq!(world_family("garbage/0"), None);
    }

    #[test]
    fn the_offending_permission_is_named_by_position() {
        let list = json!([
            {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipRanges": ["0.0.0.0/0"]},
            {"ipProtocol": "tcp", "fromPort": 0, "toPort": 65535, "ipRanges": ["0.0.0.0/0"]}
        ]);
        let p = perms(list);
        let found = exposures(&p, &[22, 80, 3389], TCP, World::Ipv4);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "ingress tcp 22, 80, 3389 from 0.0.0.0/0 in permission #2 (tcp all ports)"
        );
    }

    #[test]
    fn malformed_permissions_are_errors_not_passes() {
        assert!(parse_permissions(&json!({"ipProtocol": "-1"}), "ipPermissions").is_err());
        assert!(parse_permissions(&json!(["tcp"]), "ipPermissions").is_err());
        let no_protocol = json!([{"fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}]);
        assert!(
            parse_permissions(&no_protocol, "ipPermissions")
                .unwrap_err()
                .contains("ipProtocol")
        );
        let bad_port = json!([{"ipProtocol": "tcp", "fromPort": "ssh", "ipRanges": []}]);
        assert!(
            parse_permissions(&bad_port, "ipPermissions")
                .unwrap_err()
                .contains("fromPort")
        );
        let bad_list = json!([{"ipProtocol": "tcp", "ipRanges": "0.0.0.0/0"}]);
        assert!(parse_permissions(&bad_list, "ipPermissions").is_err());
    }

    #[test]
    fn port_bounds_are_normalised_never_narrowed() {
        assert_eq!(PortRange::from_bounds(None, None), PortRange::ALL);
        assert_eq!(PortRange::from_bounds(Some(-1), Some(-1)), PortRange::ALL);
        assert_eq!(
            PortRange::from_bounds(Some(3389), Some(22)),
            PortRange { from: 22, to: 3389 }
        );
        assert_eq!(
            PortRange::from_bounds(Some(1024), None),
            PortRange {
                from: 1024,
                to: 65535
            }
        );
    }

    #[test]
    fn reasons_list_a_few_findings_and_count_the_rest() {
        let items: Vec<String> = (1..=6).map(|i| format!("f{i}")).collect();
        assert_eq!(join_findings(&items), "f1; f2; f3; f4; and 2 more");
        assert_eq!(
            join_ports(&[1, 2, 3, 4, 5, 6, 7, 8]),
            "1, 2, 3, 4, 5, 6 and 2 more"
        );
        assert_eq!(describe_ports(&[22]), "port 22");
    }
}
