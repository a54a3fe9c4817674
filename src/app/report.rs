//! `posecoach report`: a recorded session as a chart people can look at.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use posecoach::report::{self, ExerciseTrace, key_measurement};

#[derive(Debug, Clone)]
pub struct ReportArgs {
    pub session: PathBuf,
    pub output: PathBuf,
    pub user_exercises: Option<PathBuf>,
}

/// The formats reports and charts are written in, by the file's ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChartFormat {
    Png,
    Svg,
    Html,
}

impl ChartFormat {
    /// The format `path` asks for; `what` names the thing in the error.
    pub(crate) fn of(path: &Path, what: &str) -> anyhow::Result<ChartFormat> {
        let ending = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        Ok(match ending.as_str() {
            "png" => ChartFormat::Png,
            "svg" => ChartFormat::Svg,
            "html" => ChartFormat::Html,
            _ => bail!(
                "{}: write the {what} as .png, .svg or .html",
                path.display()
            ),
        })
    }
}

/// Writes a chart to `path`: the SVG (drawn into pixels for PNG), or the
/// HTML page.
pub(crate) fn write_chart(
    path: &Path,
    format: ChartFormat,
    svg: impl FnOnce() -> String,
    html: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    let bytes = match format {
        ChartFormat::Png => {
            report::png(&svg()).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        ChartFormat::Svg => svg().into_bytes(),
        ChartFormat::Html => html().into_bytes(),
    };
    posecoach::files::replace_private(path, |out| out.write_all(&bytes))
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(args: &ReportArgs) -> anyhow::Result<()> {
    let format = ChartFormat::of(&args.output, "report")?;
    posecoach::files::check_replaceable(&args.output).map_err(|e| anyhow::anyhow!("-o: {e}"))?;
    // The key measurement's value in every frame, per entry of the summary
    // (an exercise restarted has an entry of its own).
    let mut samples: BTreeMap<usize, Vec<(f64, Option<f64>)>> = BTreeMap::new();
    let replay = super::replay::engine_replay(
        &args.session,
        args.user_exercises.as_ref(),
        |t_ms, exercise, feedback| {
            let value =
                key_measurement(exercise).and_then(|m| feedback.feedback.readings.get(m)?.value);
            samples
                .entry(feedback.summary_entry)
                .or_default()
                .push((t_ms / 1000.0, value));
        },
    )?;
    let (catalog, summary) = (&replay.catalog, &replay.finished.summary);
    let traces: Vec<ExerciseTrace> = summary
        .exercises
        .iter()
        .enumerate()
        .filter_map(|(entry, s)| {
            Some(ExerciseTrace {
                exercise: catalog.exercise(&s.id)?,
                summary: s,
                samples: samples.remove(&entry).unwrap_or_default(),
            })
        })
        .collect();
    let title = format!(
        "posecoach session: {}",
        posecoach::source::file_name(&args.session)
    );
    write_chart(
        &args.output,
        format,
        || report::svg(&traces),
        || report::html(&traces, &title),
    )?;
    println!("{}: report written", args.output.display());
    Ok(())
}
