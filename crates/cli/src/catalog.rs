//! `sidewatch controls`: the catalog as a table, JSON or the Markdown of `docs/controls.md`.

use crate::docs;
use crate::output::cell;
use crate::{ControlsArgs, ControlsFormat, EXIT_ERROR, EXIT_OK, Io, error};
use sidewatch_core::{Control, catalog};
use std::io::{self, Write};

pub fn run(args: &ControlsArgs, io: &mut Io<'_>) -> u8 {
    let custom: Vec<&'static Control> = match crate::rules::load(&args.rules) {
        Ok(sets) => sets
            .iter()
            .flat_map(|set| set.controls().iter().copied())
            .collect(),
        Err(message) => {
            error(io.stderr, message);
            return EXIT_ERROR;
        }
    };
    if !custom.is_empty() && args.format == ControlsFormat::Markdown {
        error(
            io.stderr,
            "--rules lists your controls as a table or JSON; the Markdown is docs/controls.md, \
             the built-in catalog",
        );
        return EXIT_ERROR;
    }
    let controls: Vec<&'static Control> = catalog().iter().copied().chain(custom).collect();
    let written = match args.format {
        ControlsFormat::Table => write_table(io.stdout, &controls),
        ControlsFormat::Json => {
            serde_json::to_writer_pretty(&mut *io.stdout, &docs::controls_json_of(&controls))
                .map_err(io::Error::from)
                .and_then(|()| writeln!(io.stdout))
        }
        ControlsFormat::Markdown => io.stdout.write_all(docs::controls_markdown().as_bytes()),
    }
    .and_then(|()| io.stdout.flush());
    match written {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_ERROR,
        Err(e) => {
            error(io.stderr, format!("cannot write the output: {e}"));
            EXIT_ERROR
        }
    }
}

/// The types a control evaluates; a custom rule without a `resourceType` clause evaluates all.
fn resource_types(c: &Control) -> String {
    if c.resource_types.is_empty() {
        "(every type)".to_owned()
    } else {
        c.resource_types.join(", ")
    }
}

fn write_table(out: &mut dyn Write, controls: &[&Control]) -> io::Result<()> {
    const INDENT: &str = "                                   ";
    // Wide enough for the longest id (`SecretsManager.3`): a cut id would name no control.
    let id_width = controls
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    writeln!(
        out,
        "{} {} {} {} {} {} TITLE",
        cell("ID", id_width),
        cell("SEVERITY", 13),
        cell("CATEGORY", 14),
        cell("DUTY", 22),
        cell("CIS v3.0.0", 10),
        cell("RESOURCE TYPES", 30)
    )?;
    for c in controls {
        writeln!(
            out,
            "{} {} {} {} {} {} {}",
            cell(c.id, id_width),
            cell(c.severity.label(), 13),
            cell(docs::category_slug(c), 14),
            cell(c.duty.slug(), 22),
            cell(c.mappings.cis_v3.unwrap_or("–"), 10),
            cell(&resource_types(c), 30),
            c.title
        )?;
        for p in c.parameters {
            let default = if p.default.is_empty() {
                "(empty)"
            } else {
                p.default
            };
            writeln!(
                out,
                "{INDENT}param {} = {default} ({}): {}",
                p.name,
                p.kind.describe(),
                p.description
            )?;
        }
        if !c.mappings.nist_800_53_r5.is_empty() {
            writeln!(
                out,
                "{INDENT}NIST 800-53 r5: {}",
                c.mappings.nist_800_53_r5.join(", ")
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} controls. Details: sidewatch controls --format markdown (docs/controls.md). \
         Parameters: sidewatch scan --param CONTROL.NAME=VALUE.",
        controls.len()
    )
}
