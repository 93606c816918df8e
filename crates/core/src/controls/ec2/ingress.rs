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
//!
//! No verdict on a guess: a permission with a field that is present but cannot be read is
//! *unreadable* as a whole, never read as something near it. That is a `fromPort`/`toPort` that
//! is not a whole number or is outside -1..=65535 (-1..=255 for ICMP, where they are the type and
//! code), an `ipProtocol` that is not -1, a known name or a number 0-255, a source CIDR that is
//! not an address of its family with a prefix length, or an entry of the wrong shape. The error
//! names the field by its path (`configuration.ipPermissions[0].fromPort`). A control may still
//! fail on *another* permission that clearly opens what it asks about, but it never passes while
//! a permission it would have to read is unreadable: it answers INSUFFICIENT_DATA naming it.

use crate::control::{Context, View};
use crate::item::{ConfigurationItem, Unreadable, config_path, found, member, value_as_i64};
use crate::verdict::Verdict;
use serde_json::Value;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::rc::Rc;

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

/// Whether `cidr` is an address of `family` with a prefix length that fits it
/// (`203.0.113.0/24`, `::/0`); host bits may be set, as EC2 records them.
pub fn valid_cidr(cidr: &str, family: Family) -> bool {
    let Some((address, prefix)) = cidr.trim().split_once('/') else {
        return false;
    };
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(prefix) = prefix.parse::<u8>() else {
        return false;
    };
    match family {
        Family::V4 => prefix <= 32 && address.parse::<Ipv4Addr>().is_ok(),
        Family::V6 => prefix <= 128 && address.parse::<Ipv6Addr>().is_ok(),
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
    /// What [`Protocol::parse`] accepts, for reasons.
    pub const EXPECTED: &'static str = "an IP protocol (-1, tcp, udp, icmp, icmpv6 or 0-255)";

    /// Reads `ipProtocol` / a NACL entry's `protocol`: `-1` / `all`, the names `tcp`, `udp`,
    /// `icmp`, `icmpv6` (any case) or a protocol number 0-255, as a string or a JSON number.
    /// `None` for anything else: an unknown name or number (`999`, `3.5`) is not a protocol
    /// sidewatch may guess the meaning of.
    pub fn parse(value: &Value) -> Option<Protocol> {
        let number = match value {
            Value::String(s) => {
                let text = s.trim().to_ascii_lowercase();
                match text.as_str() {
                    "all" => return Some(Protocol::All),
                    "tcp" => return Some(Protocol::Tcp),
                    "udp" => return Some(Protocol::Udp),
                    "icmp" => return Some(Protocol::Icmp),
                    "icmpv6" => return Some(Protocol::Icmpv6),
                    _ => text.parse::<i64>().ok()?,
                }
            }
            Value::Number(_) => value_as_i64(value)?,
            _ => return None,
        };
        Some(match number {
            -1 => Protocol::All,
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            1 => Protocol::Icmp,
            58 => Protocol::Icmpv6,
            0..=255 => Protocol::Other(number.to_string()),
            _ => return None,
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

/// Reads an optional port bound of `object` (found at `path`): absent or null is `None`; a whole
/// number (or numeric string) from -1 to `max` is the bound; anything else is [`Unreadable`]
/// naming `path.key`. `max` is 65535 for ports, 255 for ICMP types and codes.
pub fn port_bound(
    object: &Value,
    key: &str,
    path: &str,
    max: i64,
) -> Result<Option<i64>, Unreadable> {
    let field = || format!("{path}.{key}");
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match value_as_i64(v) {
            Some(n) if (-1..=max).contains(&n) => Ok(Some(n)),
            Some(_) => Err(Unreadable::new(
                field(),
                found(v, &format!("-1 or 0-{max}")),
            )),
            None => Err(Unreadable::new(field(), found(v, "a whole number"))),
        },
    }
}

/// The largest value `fromPort` / `toPort` may hold for `protocol`: ICMP records its type and
/// code there (0-255), every other protocol a port (0-65535).
fn bound_max(protocol: &Protocol) -> i64 {
    match protocol {
        Protocol::Icmp | Protocol::Icmpv6 => 255,
        _ => 65535,
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
    /// Parses one permission found at `path` (`configuration.ipPermissions[0]`); `number` counts
    /// from 1 and names it in reasons. Any field that is there but cannot be read makes the whole
    /// permission [`Unreadable`], named by its path.
    pub fn parse(value: &Value, path: &str, number: usize) -> Result<Permission, Unreadable> {
        if !value.is_object() {
            return Err(Unreadable::new(path, found(value, "an object")));
        }
        let protocol = match value.get("ipProtocol") {
            None | Some(Value::Null) => {
                return Err(Unreadable::new(
                    format!("{path}.ipProtocol"),
                    "is missing; every permission records one",
                ));
            }
            Some(v) => Protocol::parse(v).ok_or_else(|| {
                Unreadable::new(format!("{path}.ipProtocol"), found(v, Protocol::EXPECTED))
            })?,
        };
        // Read for every protocol, so an unreadable bound is never skipped over.
        let max = bound_max(&protocol);
        let from = port_bound(value, "fromPort", path, max)?;
        let to = port_bound(value, "toPort", path, max)?;
        let ports = match protocol {
            Protocol::Tcp | Protocol::Udp => PortRange::from_bounds(from, to),
            _ => PortRange::ALL,
        };
        let mut ipv4 = Vec::new();
        for cidr in strings_in(value, path, "ipv4Ranges", "cidrIp", Some(Family::V4))?
            .into_iter()
            .chain(strings_in(
                value,
                path,
                "ipRanges",
                "cidrIp",
                Some(Family::V4),
            )?)
        {
            if !ipv4.contains(&cidr) {
                ipv4.push(cidr);
            }
        }
        let mut groups = strings_in(value, path, "userIdGroupPairs", "groupId", None)?;
        if groups.is_empty() {
            groups = strings_in(value, path, "userIdGroupPairs", "groupName", None)?;
        }
        Ok(Permission {
            number,
            traffic: Traffic { protocol, ports },
            ipv4,
            ipv6: strings_in(value, path, "ipv6Ranges", "cidrIpv6", Some(Family::V6))?,
            groups,
            prefix_lists: strings_in(value, path, "prefixListIds", "prefixListId", None)?,
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
/// legacy `ipRanges` is recorded. Absent or null lists are empty; a list of another shape, an
/// element that is neither, or a `field` that is not a string is [`Unreadable`].
///
/// With a `cidr` family, every element must hold a valid CIDR of that family (a missing, blank or
/// malformed one is unreadable: it could be the world). Without, elements lacking `field` are
/// skipped (a group pair may name its group by id or by name).
fn strings_in(
    permission: &Value,
    path: &str,
    list: &str,
    field: &str,
    cidr: Option<Family>,
) -> Result<Vec<String>, Unreadable> {
    let items = match permission.get(list) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Unreadable::new(
                format!("{path}.{list}"),
                found(other, "a list"),
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        // Where the string is, named only when it is unreadable.
        let at = || match item {
            Value::Object(_) => format!("{path}.{list}[{i}].{field}"),
            _ => format!("{path}.{list}[{i}]"),
        };
        let text = match item {
            Value::String(s) => Some(s),
            Value::Object(o) => match member(o, field) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s),
                Some(other) => return Err(Unreadable::new(at(), found(other, "a string"))),
            },
            other => {
                return Err(Unreadable::new(at(), found(other, "an object or a string")));
            }
        };
        let text = text.map(|t| t.trim()).filter(|t| !t.is_empty());
        match (text, cidr) {
            (Some(text), Some(family)) if !valid_cidr(text, family) => {
                let expected = match family {
                    Family::V4 => "an IPv4 CIDR such as 203.0.113.0/24",
                    Family::V6 => "an IPv6 CIDR such as 2001:db8::/32",
                };
                return Err(Unreadable::new(
                    at(),
                    found(&Value::String(text.to_owned()), expected),
                ));
            }
            (None, Some(_)) => {
                return Err(Unreadable::new(
                    at(),
                    "is missing or blank, expected a CIDR",
                ));
            }
            (Some(text), _) => out.push(text.to_owned()),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// Parses every element of the list at `path` (`configuration.entries`) with `parse`, which
/// gets the element, its path (`configuration.entries[0]`) and its position counted from 1.
/// Each element's outcome is kept: one unreadable element does not hide the others.
pub fn parse_each<T>(
    value: &Value,
    path: &str,
    parse: impl Fn(&Value, &str, usize) -> Result<T, Unreadable>,
) -> Result<Vec<Result<T, Unreadable>>, Unreadable> {
    let Value::Array(items) = value else {
        return Err(Unreadable::new(path, found(value, "a list")));
    };
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, v)| parse(v, &format!("{path}[{i}]"), i + 1))
        .collect())
}

/// Like [`parse_each`], but the first element that cannot be read makes the whole list
/// unreadable (network ACL entries: rule order matters, so an unreadable entry could shadow or
/// open any other).
pub fn parse_list<T>(
    value: &Value,
    path: &str,
    parse: impl Fn(&Value, &str, usize) -> Result<T, Unreadable>,
) -> Result<Vec<T>, Unreadable> {
    parse_each(value, path, parse)?.into_iter().collect()
}

/// A security group's permission list as read: the permissions that could be read, and why the
/// others could not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Permissions {
    pub readable: Vec<Permission>,
    pub unreadable: Vec<Unreadable>,
}

impl Permissions {
    /// INSUFFICIENT_DATA naming the unreadable permissions' fields, or `None` when every
    /// permission was read. A control that found nothing to fail on answers this, never a pass.
    pub fn unreadable_verdict(&self) -> Option<Verdict> {
        let first = self.unreadable.first()?;
        let more = match self.unreadable.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more unreadable permission(s))"),
        };
        Some(Verdict::insufficient(format!(
            "{first}{more}, so this security group's rules cannot be decided"
        )))
    }

    /// For a failure found on readable permissions: "; also unreadable: …", or nothing.
    pub fn unreadable_note(&self) -> String {
        match self.unreadable.first() {
            None => String::new(),
            Some(first) => {
                let more = match self.unreadable.len() - 1 {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                format!("; not evaluated: {first}{more}")
            }
        }
    }
}

/// Parses a whole permission list (`ipPermissions` or `ipPermissionsEgress`) at `path`
/// (`configuration.ipPermissions`); a value that is not a list is [`Unreadable`].
pub fn parse_permissions(value: &Value, path: &str) -> Result<Permissions, Unreadable> {
    let mut out = Permissions::default();
    for parsed in parse_each(value, path, Permission::parse)? {
        match parsed {
            Ok(p) => out.readable.push(p),
            Err(u) => out.unreadable.push(u),
        }
    }
    Ok(out)
}

/// A security group's permission list read from its configuration item; a missing list is
/// [`Unreadable`] too (a Config item always records it, possibly empty).
pub fn item_permissions(item: &ConfigurationItem, field: &str) -> Result<Permissions, Unreadable> {
    let pointer = format!("/{field}");
    let path = config_path(&pointer);
    let value = item.read(&pointer)?.ok_or_else(|| {
        Unreadable::new(
            path.clone(),
            "is missing; a security group item always records it, possibly empty",
        )
    })?;
    parse_permissions(value, &path)
}

/// A security group's inbound rules (`ipPermissions`) as [`item_permissions`] reads them, read
/// once for every control on them ([`inbound_rules`]).
#[derive(Debug)]
pub struct InboundRules;

impl View for InboundRules {
    type Output = Result<Rc<Permissions>, Unreadable>;

    fn derive(item: &ConfigurationItem) -> Self::Output {
        item_permissions(item, "ipPermissions").map(Rc::new)
    }
}

/// The security group's inbound rules, read once per item for every control on them, or the
/// INSUFFICIENT_DATA verdict naming what cannot be read when the list itself cannot be.
pub fn inbound_rules(ctx: &Context<'_>) -> Result<Rc<Permissions>, Verdict> {
    ctx.view::<InboundRules>().map_err(Verdict::from)
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

/// What the remediation of the "no unrestricted ingress to these ports" controls does.
pub const REVOKE_WORLD_OPEN: &str = "revokes only the world-open (0.0.0.0/0, ::/0) ranges of the \
     rules reaching the control's ports (ec2:RevokeSecurityGroupIngress); other rules stay";

/// The verdict shared by the "no unrestricted ingress to these ports" controls (EC2.13, EC2.14,
/// EC2.19, EC2.53, EC2.54): fail naming each offending permission, pass when none, insufficient
/// when the list cannot be read or, with nothing to fail on, when any permission cannot be.
pub fn open_ports_verdict(
    ctx: &Context<'_>,
    ports: &[i64],
    transports: &[Transport],
    world: World,
) -> Verdict {
    let permissions = match inbound_rules(ctx) {
        Ok(p) => p,
        Err(verdict) => return verdict,
    };
    let found = exposures(&permissions.readable, ports, transports, world);
    if !found.is_empty() {
        // The readable rule is open whatever the unreadable ones hold.
        return Verdict::fail(format!(
            "{}{}",
            join_findings(&found),
            permissions.unreadable_note()
        ));
    }
    if let Some(verdict) = permissions.unreadable_verdict() {
        return verdict;
    }
    Verdict::pass(format!(
        "no inbound rule allows {} traffic from {} to {}",
        describe_transports(transports),
        world.describe(),
        describe_ports(ports)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn perms(list: Value) -> Vec<Permission> {
        let parsed = parse_permissions(&list, "configuration.ipPermissions").unwrap();
        assert!(parsed.unreadable.is_empty(), "{:?}", parsed.unreadable);
        parsed.readable
    }

    /// The one unreadable permission of `list`, as its reason text.
    fn unreadable(list: Value) -> String {
        let parsed = parse_permissions(&list, "configuration.ipPermissions").unwrap();
        assert_eq!(parsed.unreadable.len(), 1, "{parsed:?}");
        parsed.unreadable[0].to_string()
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
        assert!(
            parse_permissions(&json!({"ipProtocol": "-1"}), "configuration.ipPermissions").is_err()
        );
        assert_eq!(
            unreadable(json!(["tcp"])),
            "configuration.ipPermissions[0] is \"tcp\", expected an object"
        );
        let no_protocol = json!([{"fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}]);
        assert!(unreadable(no_protocol).contains("configuration.ipPermissions[0].ipProtocol"));
        let bad_port = json!([{"ipProtocol": "tcp", "fromPort": "ssh", "ipRanges": []}]);
        assert_eq!(
            unreadable(bad_port),
            "configuration.ipPermissions[0].fromPort is \"ssh\", expected a whole number"
        );
        let bad_list = json!([{"ipProtocol": "tcp", "ipRanges": "0.0.0.0/0"}]);
        assert!(unreadable(bad_list).contains("configuration.ipPermissions[0].ipRanges"));
    }

    /// Issue 15: a bound that does not fit is not saturated into a range the item never held.
    #[test]
    fn out_of_range_or_fractional_ports_are_unreadable_not_guessed() {
        // Raw JSON text: 2^64 fits no Rust integer literal; serde_json holds it as a float.
        let list: Value = serde_json::from_str(
            r#"[{"ipProtocol": "tcp", "fromPort": 18446744073709551616, "toPort": 3306,
                 "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]"#,
        )
        .unwrap();
        let reason = unreadable(list);
        assert!(
            reason.starts_with("configuration.ipPermissions[0].fromPort is 1.8446744073709552e+19, expected a whole number"),
            "{reason}"
        );
        for (from, expected) in [
            (json!(70000), "is 70000, expected -1 or 0-65535"),
            (json!(-2), "is -2, expected -1 or 0-65535"),
            (json!(3.5), "is 3.5, expected a whole number"),
            (json!("abc"), "is \"abc\", expected a whole number"),
            (json!(true), "is true, expected a whole number"),
        ] {
            let list = world4(json!("tcp"), from, json!(3306));
            assert_eq!(
                unreadable(list),
                format!("configuration.ipPermissions[0].fromPort {expected}")
            );
        }
        // Whole numbers written as floats or strings are still read.
        assert_eq!(
            open(
                world4(json!("tcp"), json!(22.0), json!("22")),
                22,
                TCP,
                World::Ipv4
            )
            .len(),
            1
        );
        // ICMP type and code: 0-255 (or -1).
        let icmp = world4(json!("icmp"), json!(8), json!(300));
        assert!(unreadable(icmp).contains("toPort is 300, expected -1 or 0-255"));
        // Ports are read whatever the protocol: an all-traffic rule with a garbage bound is
        // not a rule anyone can vouch for either.
        let all = world4(json!("-1"), json!(1e30), json!(null));
        assert!(unreadable(all).contains("fromPort"));
    }

    #[test]
    fn unknown_protocols_are_unreadable_not_other_traffic() {
        for (protocol, shown) in [
            (json!(999), "999"),
            (json!("999"), "\"999\""),
            (json!({}), "an object"),
            (json!("gre"), "\"gre\""),
            (json!(6.5), "6.5"),
            (json!(""), "\"\""),
        ] {
            let list = world4(protocol, json!(22), json!(22));
            assert_eq!(
                unreadable(list),
                format!(
                    "configuration.ipPermissions[0].ipProtocol is {shown}, expected {}",
                    Protocol::EXPECTED
                )
            );
        }
        assert_eq!(
            Protocol::parse(&json!(47)),
            Some(Protocol::Other("47".into()))
        );
        assert_eq!(Protocol::parse(&json!("006")), Some(Protocol::Tcp));
        assert_eq!(Protocol::parse(&json!(6.0)), Some(Protocol::Tcp));
        assert_eq!(Protocol::parse(&json!("ALL")), Some(Protocol::All));
    }

    #[test]
    fn invalid_cidrs_are_unreadable_not_narrow() {
        let cases = [
            (
                json!({"ipv4Ranges": [{"cidrIp": "not-a-cidr"}]}),
                "ipv4Ranges[0].cidrIp is \"not-a-cidr\"",
            ),
            (
                json!({"ipRanges": ["0.0.0.0"]}),
                "ipRanges[0] is \"0.0.0.0\"",
            ),
            (
                json!({"ipRanges": ["0.0.0.0/33"]}),
                "ipRanges[0] is \"0.0.0.0/33\"",
            ),
            (
                json!({"ipv4Ranges": [{"cidrIp": "::/0"}]}),
                "ipv4Ranges[0].cidrIp is \"::/0\"",
            ),
            (
                json!({"ipv6Ranges": [{"cidrIpv6": "0.0.0.0/0"}]}),
                "ipv6Ranges[0].cidrIpv6 is \"0.0.0.0/0\"",
            ),
            (
                json!({"ipv6Ranges": [{"cidrIpv6": "::/129"}]}),
                "ipv6Ranges[0].cidrIpv6 is \"::/129\"",
            ),
            (
                json!({"ipv4Ranges": [{"cidrIp": 0}]}),
                "ipv4Ranges[0].cidrIp is 0, expected a string",
            ),
            (
                json!({"ipv4Ranges": [{"description": "x"}]}),
                "ipv4Ranges[0].cidrIp is missing",
            ),
            (json!({"ipv4Ranges": [7]}), "ipv4Ranges[0] is 7"),
        ];
        for (sources, expected) in cases {
            let mut permission = json!({"ipProtocol": "tcp", "fromPort": 22, "toPort": 22});
            for (k, v) in sources.as_object().unwrap() {
                permission[k] = v.clone();
            }
            let reason = unreadable(json!([permission]));
            assert!(
                reason.starts_with(&format!("configuration.ipPermissions[0].{expected}")),
                "{reason}"
            );
        }
        assert!(valid_cidr("203.0.113.7/24", Family::V4));
        assert!(valid_cidr("2001:db8::/32", Family::V6));
        assert!(!valid_cidr("10.0.0.0/+8", Family::V4));
    }

    #[test]
    fn one_unreadable_permission_does_not_hide_the_others() {
        let list = json!([
            {"ipProtocol": "tcp", "fromPort": 70000, "toPort": 22, "ipRanges": ["0.0.0.0/0"]},
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}
        ]);
        let parsed = parse_permissions(&list, "configuration.ipPermissions").unwrap();
        assert_eq!(parsed.readable.len(), 1);
        assert_eq!(parsed.readable[0].number, 2);
        assert_eq!(parsed.unreadable.len(), 1);
        assert!(parsed.unreadable_verdict().unwrap().is_insufficient());
        assert!(
            parsed
                .unreadable_note()
                .contains("ipPermissions[0].fromPort")
        );
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
