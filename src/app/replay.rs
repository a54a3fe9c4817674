//! `posecoach replay`: a recorded video or folder of frames coached through
//! the whole pipeline (pose model, exercise engine), without a window.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::exercise::catalog::Catalog;
use crate::exercise::engine::{Event, PoseFrame};
use crate::pose::{BlazePose, BlazePoseConfig, ModelVariant, PoseEstimator, TrackingMode};
use crate::session::{Session, SessionEvent, SessionSummary};
use crate::source;

/// The "get ready" pause between the exercises of a replayed routine.
const REPLAY_GET_READY_S: f64 = 3.0;

#[derive(Debug, Clone)]
pub struct ReplayArgs {
    pub source: PathBuf,
    pub exercise: Option<String>,
    pub routine: Option<String>,
    pub variant: ModelVariant,
    pub json: bool,
    pub user_exercises: Option<PathBuf>,
    pub params: BTreeMap<String, f64>,
    pub intra_threads: usize,
}

/// Parses `NAME=VALUE` for `--param`.
pub fn parse_param(text: &str) -> Result<(String, f64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=VALUE"))?;
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{value}' in '{text}' is not a number"))?;
    Ok((name.trim().to_string(), value))
}

fn describe(event: &SessionEvent) -> String {
    let id = &event.exercise_id;
    let side = |s: &Option<crate::exercise::Side>| {
        s.map(|s| format!(" ({})", s.name())).unwrap_or_default()
    };
    match &event.event {
        Event::RepCompleted {
            t_ms,
            side: s,
            score,
            ..
        } => {
            format!(
                "{:7.1} s  {id}: repetition{} done, form {score:.0}/100",
                t_ms / 1000.0,
                side(s)
            )
        }
        Event::HoldCompleted {
            t_ms,
            duration_s,
            in_form_s,
            side: s,
            ..
        } => format!(
            "{:7.1} s  {id}: hold{} of {duration_s:.1} s ({in_form_s:.1} s in good form)",
            t_ms / 1000.0,
            side(s)
        ),
        Event::SetCompleted { t_ms, set } => {
            format!("{:7.1} s  {id}: set {set} done", t_ms / 1000.0)
        }
        Event::ExerciseCompleted { t_ms } => {
            format!("{:7.1} s  {id}: exercise complete", t_ms / 1000.0)
        }
        Event::Cue { t_ms, text, .. } => format!("{:7.1} s  {id}: \"{text}\"", t_ms / 1000.0),
        Event::Stopped { t_ms, reason } => {
            format!("{:7.1} s  {id}: STOPPED: {reason}", t_ms / 1000.0)
        }
    }
}

fn print_summary(summary: &SessionSummary, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "\nSummary")?;
    for e in &summary.exercises {
        let in_form = e.holds.iter().fold(0.0, |total, h| total + h.in_form_s);
        writeln!(
            out,
            "  {:<20} {} repetitions, {} holds ({in_form:.0} s in good form), {} sets, {} cues{}",
            e.id,
            e.reps.len(),
            e.holds.len(),
            e.sets_completed,
            e.cues.len(),
            e.stops
                .first()
                .map(|s| format!(", stopped at {:.1} s: {}", s.t_s, s.reason))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    let catalog = Catalog::load(
        &super::exercises::exercise_dirs(args.user_exercises.as_ref()),
        &args.params,
    );
    for problem in &catalog.problems {
        for line in problem.lines() {
            tracing::warn!("{line}");
        }
    }
    let ids: Vec<String> = match (&args.exercise, &args.routine) {
        (Some(id), None) => vec![id.clone()],
        (None, Some(id)) => catalog
            .routine(id)
            .with_context(|| format!("no routine '{id}' (see `posecoach exercises`)"))?
            .exercises
            .clone(),
        _ => bail!("give --exercise ID or --routine ID"),
    };
    let exercises = ids
        .iter()
        .map(|id| {
            catalog
                .exercise(id)
                .cloned()
                .with_context(|| format!("no exercise '{id}' (see `posecoach exercises`)"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut session = Session::new(exercises, REPLAY_GET_READY_S).context("nothing to do")?;

    let mut config = BlazePoseConfig::new(args.variant.clone(), TrackingMode::Video);
    config.intra_threads = args.intra_threads;
    let mut estimator = BlazePose::new(&config).context("cannot load the pose model")?;
    let mut frames = source::open(&args.source)?;
    let mut out = std::io::stdout().lock();
    let mut last_t_ms = 0.0;
    loop {
        let frame = match frames.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(e) => {
                // One unreadable frame is skipped; the track is lost.
                tracing::warn!("{e}");
                estimator.reset();
                continue;
            }
        };
        last_t_ms = frame.t_ms;
        let pose = estimator.estimate(&frame.image, frame.t_ms)?;
        let pose_frame = pose
            .as_ref()
            .map(|p| PoseFrame::from_pose(p, frame.image.width(), frame.image.height()));
        let (_, events) = session.update(frame.t_ms, pose_frame.as_ref());
        if !args.json {
            for event in &events {
                writeln!(out, "{}", describe(event))?;
            }
        }
        if session.finished() {
            break;
        }
    }
    tracing::debug!(last_t_ms, "replay finished");
    if args.json {
        serde_json::to_writer(&mut out, session.summary())?;
        writeln!(out)?;
    } else {
        print_summary(session.summary(), &mut out)?;
    }
    Ok(())
}
