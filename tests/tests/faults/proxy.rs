//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1, in front of moto: the SDK talks to the proxy,
//! which forwards each request to moto unless a rule says to answer with an error, reset the
//! connection or hang. Faults on the wire, below the SDK: what its retry classifiers and
//! timeouts see in production.
//!
//! One request per connection: the proxy forwards with `Connection: close` and answers with it,
//! so every request opens a new connection and a reset or hang hits exactly that request.
//! Requests carry a `Content-Length` (the SDK's JSON and XML calls do); chunked bodies are not
//! handled.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does to a matching request.
#[derive(Debug, Clone)]
pub enum Action {
    /// Answers with this status, headers and body instead of forwarding.
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Closes the connection with the request body unread: the kernel answers with a TCP reset.
    Reset,
    /// Reads the request, holds the connection this long without answering, then closes it.
    Hang(Duration),
}

impl Action {
    /// An error of a REST-JSON service (Security Hub): the type in `x-amzn-ErrorType`.
    pub fn rest_json_error(status: u16, code: &str) -> Action {
        Action::Respond {
            status,
            headers: vec![
                ("Content-Type", "application/json".into()),
                ("x-amzn-ErrorType", code.into()),
            ],
            body: format!(r#"{{"Code":"{code}","Message":"injected by the test proxy"}}"#),
        }
    }

    /// An error of S3 Control (REST-XML, the error element unwrapped, as S3's).
    pub fn rest_xml_error(status: u16, code: &str) -> Action {
        Action::Respond {
            status,
            headers: vec![("Content-Type", "application/xml".into())],
            body: format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>injected by the test proxy</Message>\
                 <RequestId>0000000000000000</RequestId></Error>"
            ),
        }
    }

    /// An error of a JSON 1.1 service (Config, CloudTrail): the type in `__type`.
    pub fn json_error(status: u16, code: &str) -> Action {
        Action::Respond {
            status,
            headers: vec![("Content-Type", "application/x-amz-json-1.1".into())],
            body: format!(r#"{{"__type":"{code}","message":"injected by the test proxy"}}"#),
        }
    }
}

/// Which requests a rule applies to, and how many times.
#[derive(Debug, Clone)]
pub struct Rule {
    /// A request matches when its request line or its `X-Amz-Target` header contains this.
    pub matches: &'static str,
    pub action: Action,
    /// How many matching requests get the fault; later ones are forwarded. `usize::MAX`: all.
    pub times: usize,
}

#[derive(Debug, Default)]
struct State {
    rules: Vec<Rule>,
    injected: usize,
}

/// The running proxy; it stops accepting when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    pub endpoint: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl FaultProxy {
    /// Starts a proxy to `127.0.0.1:upstream_port`.
    pub fn start(upstream_port: u16) -> FaultProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let state: Arc<Mutex<State>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (accept_state, accept_stop) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accept_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let state = accept_state.clone();
                std::thread::spawn(move || serve(client, upstream_port, &state));
            }
        });
        FaultProxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            state,
            stop,
            port,
        }
    }

    /// Replaces the rules (and keeps the count of faults injected so far).
    pub fn set_rules(&self, rules: Vec<Rule>) {
        self.state.lock().unwrap().rules = rules;
    }

    /// Faults injected since the start.
    pub fn injected(&self) -> usize {
        self.state.lock().unwrap().injected
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
    }
}

/// The request head, read byte by byte so nothing of the body is taken from the socket.
fn read_head(client: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    String::from_utf8(head).ok()
}

fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// `head` with its `Connection` header replaced by `Connection: close`.
fn closing(head: &str) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let is_connection = line
            .split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"));
        if !is_connection {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

/// The first rule matching the request, its use counted.
fn fault_for(state: &Mutex<State>, head: &str) -> Option<Action> {
    let request_line = head.lines().next().unwrap_or_default();
    let target = header(head, "x-amz-target").unwrap_or_default();
    let mut state = state.lock().unwrap();
    let rule = state.rules.iter_mut().find(|r| {
        r.times > 0 && (request_line.contains(r.matches) || target.contains(r.matches))
    })?;
    rule.times = rule.times.saturating_sub(1);
    let action = rule.action.clone();
    state.injected += 1;
    Some(action)
}

fn serve(mut client: TcpStream, upstream_port: u16, state: &Mutex<State>) {
    let Some(head) = read_head(&mut client) else {
        return;
    };
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let action = fault_for(state, &head);
    if let Some(Action::Reset) = action {
        // Dropped with the body unread in the socket: Linux sends RST, not FIN.
        return;
    }
    let mut body = vec![0u8; length];
    if client.read_exact(&mut body).is_err() {
        return;
    }
    match action {
        Some(Action::Hang(duration)) => {
            std::thread::sleep(duration);
            let _ = client.shutdown(Shutdown::Both);
        }
        Some(Action::Respond {
            status,
            headers,
            body,
        }) => {
            let mut answer = format!("HTTP/1.1 {status} Injected\r\n");
            for (name, value) in headers {
                answer.push_str(&format!("{name}: {value}\r\n"));
            }
            answer.push_str("x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n");
            answer.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ));
            let _ = client.write_all(answer.as_bytes());
        }
        Some(Action::Reset) | None => forward(&mut client, upstream_port, &head, &body),
    }
}

/// Sends the request to moto and its whole answer back, both with `Connection: close`.
fn forward(client: &mut TcpStream, upstream_port: u16, head: &str, body: &[u8]) {
    let Ok(mut upstream) = TcpStream::connect((Ipv4Addr::LOCALHOST, upstream_port)) else {
        return;
    };
    if upstream.write_all(closing(head).as_bytes()).is_err() || upstream.write_all(body).is_err() {
        return;
    }
    let mut answer = Vec::new();
    if upstream.read_to_end(&mut answer).is_err() {
        return;
    }
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |p| p + 4);
    let answer_head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let _ = client.write_all(closing(&answer_head).as_bytes());
    let _ = client.write_all(&answer[split..]);
    let _ = client.shutdown(Shutdown::Both);
}
