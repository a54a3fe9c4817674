//! `posecoach report`: a recorded session as a chart people can look at.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::report::{self, ExerciseTrace, key_measurement};

#[derive(Debug, Clone)]
pub struct ReportArgs {
    pub session: PathBuf,
    pub output: PathBuf,
    pub user_exercises: Option<PathBuf>,
}

pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let format = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !["png", "svg", "html"].contains(&format.as_str()) {
        bail!(
            "{}: write the report as .png, .svg or .html",
            args.output.display()
        );
    }
    // The key measurement's value in every frame, per exercise.
    let mut samples: BTreeMap<String, Vec<(f64, Option<f64>)>> = BTreeMap::new();
    let replay = super::replay::engine_replay(
        &args.session,
        args.user_exercises.as_ref(),
        |frame, exercise, feedback| {
            let value =
                key_measurement(exercise).and_then(|m| feedback.feedback.readings.get(m)?.value);
            samples
                .entry(exercise.id.clone())
                .or_default()
                .push((frame.t_ms / 1000.0, value));
        },
    )?;
    let (catalog, summary) = (&replay.catalog, &replay.summary);
    let traces: Vec<ExerciseTrace> = summary
        .exercises
        .iter()
        .filter_map(|s| {
            Some(ExerciseTrace {
                exercise: catalog.exercise(&s.id)?,
                summary: s,
                samples: samples.remove(&s.id).unwrap_or_default(),
            })
        })
        .collect();
    let title = format!(
        "posecoach session: {}",
        crate::source::file_name(&args.session)
    );
    let bytes = match format.as_str() {
        "png" => report::png(&report::svg(&traces))
            .map_err(|e| anyhow::anyhow!("{}: {e}", args.output.display()))?,
        "svg" => report::svg(&traces).into_bytes(),
        _ => report::html(&traces, &title).into_bytes(),
    };
    std::fs::write(&args.output, bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    println!("{}: report written", args.output.display());
    Ok(())
}
