//! `sidewatch snapshot`: what the inventory collects, written as an AWS Config snapshot file
//! (`{"fileVersion", "configSnapshotId", "configurationItems": […]}`, items in the notification
//! shape), so a scan can be repeated offline (`sidewatch scan FILE`) or attached to a bug report.
//!
//! Items are written as they are collected, not held. The core keeps no item's original JSON, so
//! [`ConfigurationItem::to_notification_json`] writes the parsed item back in the shape `ConfigurationItem::from_value` reads:
//! reading the file gives the same items, hence the same verdicts. Lambda environment values are
//! already redacted by the inventory; nothing here adds evidence (the file holds what AWS Config
//! would, and `scan --live FILE` reads the rest).

use crate::inventory::{self, Regions};
use crate::live::{Live, Target};
use crate::{EXIT_ERROR, EXIT_OK, Io, SnapshotArgs, error};
use serde_json::Value;
use sidewatch_core::ConfigurationItem;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use time::OffsetDateTime;

/// A snapshot id shaped like Config's (a UUID), from the clock and the process id.
fn snapshot_id(now: OffsetDateTime) -> String {
    let nanos = now.unix_timestamp_nanos().unsigned_abs();
    let pid = u128::from(std::process::id());
    let n = nanos ^ (pid << 96);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Writes the snapshot envelope around the items, one item per line.
struct Writer<W: Write> {
    out: W,
    items: u64,
    failed: Option<io::Error>,
}

impl<W: Write> Writer<W> {
    fn start(mut out: W, id: &str) -> io::Result<Self> {
        write!(
            out,
            "{{\"fileVersion\":\"1.0\",\"configSnapshotId\":{},\"configurationItems\":[",
            Value::String(id.to_owned())
        )?;
        Ok(Writer {
            out,
            items: 0,
            failed: None,
        })
    }

    fn item(&mut self, item: &ConfigurationItem) {
        if self.failed.is_some() {
            return;
        }
        let separator = if self.items == 0 { "\n" } else { ",\n" };
        let written = self.out.write_all(separator.as_bytes()).and_then(|()| {
            serde_json::to_writer(&mut self.out, &item.to_notification_json())
                .map_err(io::Error::from)
        });
        match written {
            Ok(()) => self.items += 1,
            Err(e) => self.failed = Some(e),
        }
    }

    fn finish(mut self) -> io::Result<u64> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()?;
        Ok(self.items)
    }
}

/// Runs `sidewatch snapshot` and returns the exit code: 0 written completely, 2 a read failed
/// (the file is still written, with what could be read) or the file could not be written.
pub fn run(args: &SnapshotArgs, io: &mut Io<'_>) -> u8 {
    let regions = match Regions::parse(&args.region) {
        Ok(r) => r,
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    let types = match inventory::resource_types(&args.resource_types) {
        Ok(t) => t,
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    let live = match Live::connect(Target {
        region: regions.home(),
        profile: args.profile.as_deref(),
        endpoint_url: args.endpoint_url.as_deref(),
    }) {
        Ok(live) => live,
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    let regions = match regions.resolve(&live) {
        Ok(r) => r,
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    let to_stdout = args.output.as_os_str() == "-";
    let out: Box<dyn Write + '_> = if to_stdout {
        Box::new(&mut *io.stdout)
    } else {
        match create(&args.output) {
            Ok(file) => Box::new(BufWriter::new(file)),
            Err(e) => {
                error(
                    io.stderr,
                    format!(
                        "cannot write {}: {e}. Check the path given to --output.",
                        args.output.display()
                    ),
                );
                return EXIT_ERROR;
            }
        }
    };
    let now = OffsetDateTime::now_utc();
    let mut writer = match Writer::start(out, &snapshot_id(now)) {
        Ok(w) => w,
        Err(e) => {
            error(io.stderr, format!("cannot write the snapshot: {e}"));
            return EXIT_ERROR;
        }
    };
    let progress = io.stderr_is_terminal && !args.quiet;
    let report = inventory::collect(&live, &types, &regions, progress, io.stderr, |item| {
        writer.item(&item);
    });
    let written = writer.finish();
    let errors = inventory::report_failures(&report.failures, io.stderr);
    let items = match written {
        Ok(items) => items,
        Err(e) => {
            if e.kind() != io::ErrorKind::BrokenPipe {
                error(io.stderr, format!("cannot write the snapshot: {e}"));
            }
            return EXIT_ERROR;
        }
    };
    if !args.quiet {
        let place = if to_stdout {
            "standard output".to_owned()
        } else {
            args.output.display().to_string()
        };
        let _ = writeln!(
            io.stderr,
            "sidewatch: {items} configuration item(s) of {} resource type(s) in {} Region(s) \
             written to {place}; {} failed read(s). Scan it with: sidewatch scan {}",
            types.len(),
            regions.len(),
            report.failures.len(),
            if to_stdout { "FILE" } else { &place }
        );
    }
    if errors > 0 { EXIT_ERROR } else { EXIT_OK }
}

fn create(path: &Path) -> io::Result<File> {
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory",
        ));
    }
    File::create(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sidewatch_core::Engine;

    #[test]
    fn items_read_back_as_they_were_written() {
        let text = r#"{
            "configurationItemVersion": "1.3",
            "configurationItemCaptureTime": "2026-11-20T09:15:02.114Z",
            "configurationItemStatus": "OK",
            "awsAccountId": "123456789012",
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "logs",
            "resourceName": "logs",
            "ARN": "arn:aws:s3:::logs",
            "awsRegion": "eu-west-1",
            "availabilityZone": "Regional",
            "tags": {"team": "data"},
            "configuration": {"name": "logs"},
            "supplementaryConfiguration": {
                "BucketPolicy": {"policyText": "{\"Statement\":[]}"},
                "PublicAccessBlockConfiguration": {"blockPublicAcls": true}
            }
        }"#;
        let item = ConfigurationItem::from_json_str(text).unwrap();
        let again = ConfigurationItem::from_value(item.to_notification_json()).unwrap();
        assert_eq!(again, item);
        let engine = Engine::with_defaults();
        let verdicts = |i: &ConfigurationItem| -> Vec<(String, String)> {
            engine
                .evaluate(i)
                .iter()
                .map(|e| {
                    (
                        e.control.id.to_owned(),
                        format!("{:?}", e.verdict.compliance_type()),
                    )
                })
                .collect()
        };
        assert_eq!(verdicts(&again), verdicts(&item));
    }

    #[test]
    fn the_envelope_is_a_config_snapshot() {
        let mut out = Vec::new();
        let mut writer = Writer::start(&mut out, "id-1").unwrap();
        writer.item(&ConfigurationItem::new("AWS::EC2::VPC", "vpc-1"));
        writer.item(&ConfigurationItem::new("AWS::EC2::VPC", "vpc-2"));
        assert_eq!(writer.finish().unwrap(), 2);
        let value: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["fileVersion"], "1.0");
        assert_eq!(value["configSnapshotId"], "id-1");
        assert_eq!(value["configurationItems"][1]["resourceId"], "vpc-2");
        let id = snapshot_id(OffsetDateTime::now_utc());
        assert_eq!(id.len(), 36, "{id}");
    }
}
