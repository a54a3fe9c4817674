//! `posecoach history`: progress week by week from the history database,
//! and `posecoach history add` for recorded sessions made elsewhere.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::Datelike;
use chrono::NaiveDate;

use super::report::{ChartFormat, write_chart};
use posecoach::history::progress::{self, Span};
use posecoach::history::{Added, DATABASE_FILE, History, SessionInfo, SessionRecord, Sessions};

/// Weeks shown when none are asked for.
pub const DEFAULT_WEEKS: u32 = 8;
/// The most weeks a chart goes back: ten years.
pub const MAX_WEEKS: i64 = 520;
/// The years `--until` may name (the history's dates are all in these).
const UNTIL_YEARS: std::ops::RangeInclusive<i32> = 2000..=2200;

#[derive(Debug, Clone)]
pub struct HistoryArgs {
    pub data_dir: Option<PathBuf>,
    pub exercise: Option<String>,
    pub weeks: u32,
    /// The last day shown (default today).
    pub until: Option<NaiveDate>,
    pub json: bool,
    /// Also draw the chart to this file (.png, .svg or .html).
    pub output: Option<PathBuf>,
    pub user_exercises: Option<PathBuf>,
}

fn catalog(user_exercises: Option<&PathBuf>) -> posecoach::exercise::catalog::Catalog {
    posecoach::exercise::catalog::Catalog::load(
        &super::exercises::exercise_dirs(user_exercises),
        &std::collections::BTreeMap::new(),
    )
}

/// Prints the progress report (and writes the chart).
pub fn show(args: &HistoryArgs) -> anyhow::Result<()> {
    if args.weeks == 0 {
        bail!("--weeks must be at least 1");
    }
    let chart_format = match &args.output {
        Some(path) => {
            posecoach::files::check_replaceable(path).map_err(|e| anyhow::anyhow!("-o: {e}"))?;
            Some(ChartFormat::of(path, "chart")?)
        }
        None => None,
    };
    let dir = super::data::data_dir(args.data_dir.as_deref())?;
    let database = dir.join(DATABASE_FILE);
    let history = History::open_to_read(&database)?;
    let catalog = catalog(args.user_exercises.as_ref());
    if let Some(id) = &args.exercise
        && catalog.exercise(id).is_none()
    {
        bail!("{}", super::replay::unknown_exercise(id, &catalog));
    }
    let today = args
        .until
        .unwrap_or_else(|| super::data::now().date_naive());
    let first_day = match &history {
        Some(history) => history.first_date()?,
        None => None,
    }
    .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
    let span = Span::new(today, args.weeks, first_day);
    let sessions = match &history {
        Some(history) => history.sessions_since(&span.from.to_string())?,
        None => Sessions::default(),
    };
    for why in &sessions.left_out {
        eprintln!("warning: {}: {why}: left out", database.display());
    }
    let report = progress::summarise(&sessions.records, &catalog, span, args.exercise.as_deref());
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", progress::text(&report));
        if first_day.is_none() {
            println!(
                "\nNo sessions yet in {}. Every session `posecoach run` finishes is added.",
                database.display()
            );
        }
    }
    if let (Some(path), Some(format)) = (&args.output, chart_format) {
        write_chart(
            path,
            format,
            || progress::svg(&report),
            || {
                format!(
                    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>posecoach history</title></head><body>\n{}<pre>{}</pre></body></html>\n",
                    progress::svg(&report),
                    posecoach::report::escape(&progress::text(&report))
                )
            },
        )?;
        eprintln!("{}: chart written", path.display());
    }
    Ok(())
}

/// Adds recorded sessions to the history (each file once). Returns false
/// when one could not be read.
pub fn add(
    data_dir: Option<&Path>,
    files: &[PathBuf],
    user_exercises: Option<&PathBuf>,
) -> anyhow::Result<bool> {
    let dir = super::data::data_dir(data_dir)?;
    let mut history = History::open_in(&dir)?;
    let mut all_ok = true;
    for file in files {
        match record_of(file, user_exercises) {
            Ok(record) => match history.add(&record)? {
                Added::New => println!(
                    "{}: added ({}, {})",
                    file.display(),
                    record.local_date,
                    record
                        .exercises
                        .iter()
                        .map(|e| format!("{} {} reps {} holds", e.exercise_id, e.reps, e.holds))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Added::AlreadyThere => println!("{}: already in the history", file.display()),
            },
            Err(e) => {
                eprintln!("error: {e:#}");
                all_ok = false;
            }
        }
    }
    Ok(all_ok)
}

/// A recorded session's history record: the engine runs over its poses.
fn record_of(file: &Path, user_exercises: Option<&PathBuf>) -> anyhow::Result<SessionRecord> {
    let replay = super::replay::engine_replay(file, user_exercises, |_, _, _| {})?;
    let header = &replay.header;
    let duration_s = replay.finished.last_t_ms / 1000.0;
    let started_at = match &header.started_at {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text).with_context(|| {
            format!(
                "{}: line 1: started_at '{text}' is not an RFC 3339 time",
                file.display()
            )
        })?,
        // Older recordings: the file was last written when the session ended.
        None => {
            let modified = std::fs::metadata(file)
                .and_then(|m| m.modified())
                .with_context(|| format!("{}: cannot read its time", file.display()))?;
            let ended = chrono::DateTime::<chrono::Local>::from(modified).fixed_offset();
            ended - chrono::Duration::milliseconds((duration_s * 1000.0) as i64)
        }
    };
    let info = SessionInfo {
        started_at,
        duration_s,
        routine: header.plan.routine.clone(),
        source: header.source.clone(),
        recording: Some(file.to_path_buf()),
        recording_sha256: Some(
            posecoach::history::content_id(file)
                .with_context(|| format!("{}: cannot read it", file.display()))?,
        ),
    };
    Ok(SessionRecord::new(
        &info,
        &replay.finished.summary,
        &replay.finished.ranges,
        &replay.catalog,
    ))
}

/// Parses `YYYY-MM-DD` for `--until`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date: use YYYY-MM-DD"))?;
    if !UNTIL_YEARS.contains(&date.year()) {
        return Err(format!(
            "'{text}': give a date from {} to {}",
            UNTIL_YEARS.start(),
            UNTIL_YEARS.end()
        ));
    }
    Ok(date)
}
