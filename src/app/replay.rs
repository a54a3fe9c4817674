//! `posecoach replay`: a recorded video or folder of frames coached through
//! the whole pipeline (pose model, exercise engine), without a window.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};

use super::progress_bar::ProgressBar;
use super::run::{Control, Pacer, Pacing};
use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::engine::Event;
use posecoach::exercise::model::Exercise;
use posecoach::files;
use posecoach::pose::{BlazePose, BlazePoseConfig, ModelVariant, TrackingMode};
use posecoach::recording::{self, Header, SessionVideo};
use posecoach::runner::{self, Finished, Input, RecordTo, Seen, SessionRunner};
use posecoach::session::{Plan, SessionEvent, SessionFeedback, SessionSummary};
use posecoach::source::{self, FrameSource, Prefetched, Unreadable};

/// Which exercises to coach, and from where.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub exercise: Option<String>,
    pub routine: Option<String>,
    /// A folder of the user's own exercises, loaded after the installed ones.
    pub user_exercises: Option<PathBuf>,
    /// Exercise parameters set on the command line.
    pub params: BTreeMap<String, f64>,
}

#[derive(Debug, Clone)]
pub struct ReplayArgs {
    pub source: PathBuf,
    pub selection: Selection,
    pub variant: ModelVariant,
    pub json: bool,
    pub intra_threads: usize,
    /// Record the session (poses and events) to this file as it goes.
    pub record: Option<PathBuf>,
    /// Record the frames' pictures too.
    pub with_video: bool,
    /// Play at N times real time; None or 0: as fast as possible.
    pub speed: Option<f64>,
}

/// Paces a replay like `run` paces a file: at `speed` times real time, or
/// as fast as possible (None or 0). Nothing pauses or quits a headless
/// replay, so the control stays idle.
fn pacer(speed: Option<f64>) -> (Pacer, Control) {
    let pacing = match speed.filter(|s| *s > 0.0) {
        Some(speed) => Pacing::RealTime { speed },
        None => Pacing::AsFastAsPossible,
    };
    (Pacer::new(pacing), Control::default())
}

/// Parses `NAME=VALUE` for `--param`.
pub fn parse_param(text: &str) -> Result<(String, f64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=VALUE"))?;
    let value: f64 = value
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("'{value}' in '{text}' is not a finite number"))?;
    Ok((name.trim().to_string(), value))
}

pub(crate) fn describe(event: &SessionEvent) -> String {
    let id = &event.exercise_id;
    let side = |s: &Option<posecoach::exercise::Side>| {
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
        Event::HoldStarted { t_ms, side: s } => {
            format!("{:7.1} s  {id}: hold{} started", t_ms / 1000.0, side(s))
        }
        Event::HoldTargetReached { t_ms, side: s } => format!(
            "{:7.1} s  {id}: hold{} reached its time: release",
            t_ms / 1000.0,
            side(s)
        ),
        Event::HoldShort {
            t_ms,
            side: s,
            held_s,
            target_s,
        } => format!(
            "{:7.1} s  {id}: hold{} ended short: held {held_s:.1} of {target_s:.0} s",
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
        Event::Stopped { t_ms, reason, .. } => {
            format!("{:7.1} s  {id}: STOPPED: {reason}", t_ms / 1000.0)
        }
    }
}

/// The summary at the end: one JSON object, or the table after a blank
/// line and "Summary".
pub(crate) fn print_summary(
    summary: &SessionSummary,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, summary)?;
        writeln!(out)?;
    } else {
        writeln!(out, "\nSummary")?;
        write!(out, "{}", posecoach::session::summary_text(summary))?;
    }
    Ok(())
}

/// Prints events as they happen (unless JSON) and shows the progress.
struct Output<'a> {
    json: bool,
    out: std::io::StdoutLock<'a>,
    progress: ProgressBar,
}

impl Output<'_> {
    fn events(&mut self, events: &[SessionEvent]) -> anyhow::Result<()> {
        if self.json {
            return Ok(());
        }
        for event in events {
            self.progress.finish();
            writeln!(self.out, "{}", describe(event))?;
        }
        Ok(())
    }

    fn finish(mut self, finished: &Finished) -> anyhow::Result<()> {
        self.events(&finished.events)?;
        self.progress.finish();
        // Not live: the recorder waits for every picture, none is left out.
        print_summary(&finished.summary, self.json, &mut self.out)
    }
}

/// Where `--record` writes, refused when it is the source itself (an
/// existing file of any other name is refused by the runner).
pub(crate) fn check_record_target(
    record: Option<&PathBuf>,
    source: Option<&Path>,
) -> anyhow::Result<()> {
    let Some(record) = record else {
        return Ok(());
    };
    if source.is_some_and(|s| files::same_file(record, s)) {
        bail!(
            "--record {}: that is the file being replayed; record to another file",
            record.display()
        );
    }
    Ok(())
}

pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    // Said first: a missing file is not a plan that lacks an exercise.
    if !args.source.exists() {
        bail!("{}: no such file or folder", args.source.display());
    }
    check_record_target(args.record.as_ref(), Some(&args.source))?;
    // A recorded session: poses only, just the engine; with its video, the
    // model runs on the pictures.
    let header = if recording::is_recording(&args.source) {
        Some(recording::Reader::open(&args.source)?.header)
    } else {
        None
    };
    let (plan, catalog) = resolve(
        &args.selection,
        header.as_ref(),
        &args.source.display().to_string(),
    )?;
    let mut runner = SessionRunner::new(plan.clone(), exercises_of(&plan, &catalog)?)?;
    if let Some(path) = &args.record {
        runner = runner.record_to(RecordTo {
            path: path.clone(),
            source: header
                .as_ref()
                .map_or_else(|| source::file_name(&args.source), |h| h.source.clone()),
            started_at: header.as_ref().and_then(|h| h.started_at.clone()),
            with_video: args.with_video,
            live: false,
        })?;
    }
    let mut output = Output {
        json: args.json,
        out: std::io::stdout().lock(),
        progress: ProgressBar::default(),
    };
    let (mut pacer, control) = pacer(args.speed);
    match &header {
        Some(h) if !h.video => {
            let cut = runner::replay_poses(&mut runner, &args.source, |record, step, read| {
                pacer.wait_for(record.t_ms, &control);
                output.events(&step.events)?;
                output.progress.update(Some(read), record.t_ms);
                Ok::<(), anyhow::Error>(())
            })?;
            warn_cut_off(&args.source, cut);
        }
        _ => {
            // The next frame is decoded while the model runs on this one.
            let mut frames = Prefetched::new(match &header {
                Some(_) => Box::new(SessionVideo::open(&args.source)?),
                None => source::open(&args.source)?,
            });
            if header.is_some() {
                // What the person asked during the recorded session, again.
                runner = runner.with_commands(recording::read_commands(&args.source)?);
            }
            let mut config = BlazePoseConfig::new(args.variant.clone(), TrackingMode::Video);
            config.intra_threads = args.intra_threads;
            let estimator = BlazePose::new(&config).context("cannot load the pose model")?;
            runner = runner.with_estimator(Box::new(estimator));
            let mut unreadable = Unreadable::default();
            loop {
                let frame = match frames.next_frame() {
                    Ok(Some(frame)) => frame,
                    Ok(None) => break,
                    Err(e) => {
                        // One unreadable frame is skipped; the track is lost.
                        if let Some(warning) = unreadable.note(&e) {
                            output.progress.finish();
                            eprintln!("{warning}");
                        }
                        runner.lose_track();
                        continue;
                    }
                };
                unreadable.read();
                pacer.wait_for(frame.t_ms, &control);
                let size = (frame.image.width(), frame.image.height());
                let image = Arc::new(frame.image);
                let step = runner.step(Input {
                    t_ms: frame.t_ms,
                    size,
                    seen: Seen::Picture(&image),
                })?;
                output.events(&step.events)?;
                output.progress.update(frames.progress(), frame.t_ms);
                if runner.finished() {
                    break;
                }
            }
            output.progress.finish();
            if let Some(count) = unreadable.finish(&args.source)? {
                eprintln!("{count}");
            }
        }
    }
    // The end of the input ends the session: a hold under way counts.
    output.finish(&runner.finish()?)
}

/// Warns (one line) that a recording was cut off at `line`.
pub(crate) fn warn_cut_off(path: &Path, line: Option<usize>) {
    if let Some(line) = line {
        eprintln!(
            "warning: {}: line {line}: cut off (the recording was interrupted); using everything before it",
            path.display()
        );
    }
}

/// The plan to coach (the arguments', else the recording's header: its
/// exercises, routine, parameters and pause) and the catalog its exercises
/// come from. A routine chosen here brings its own "get ready" pause.
/// `source` names the recording in messages.
pub(crate) fn resolve(
    selection: &Selection,
    header: Option<&Header>,
    source: &str,
) -> anyhow::Result<(Plan, Catalog)> {
    let recorded = header.map(|h| &h.plan);
    let mut params = recorded.map(|p| p.params.clone()).unwrap_or_default();
    params.extend(selection.params.clone());
    let dirs = super::exercises::exercise_dirs(selection.user_exercises.as_ref());
    let catalog = Catalog::load(&dirs, &params);
    let plan = match (&selection.exercise, &selection.routine, recorded) {
        (Some(id), None, _) => Plan {
            params,
            ..Plan::single(id)
        },
        (None, Some(id), _) => {
            let routine = catalog.routine(id).with_context(|| {
                unknown(
                    "routine",
                    id,
                    catalog.routines.iter().map(|r| r.id.as_str()),
                )
            })?;
            Plan {
                exercises: routine.exercises.clone(),
                routine: Some(id.clone()),
                params,
                get_ready_s: routine.get_ready_s,
            }
        }
        (None, None, Some(recorded)) => Plan {
            params,
            ..recorded.clone()
        },
        _ => bail!("give --exercise ID or --routine ID"),
    };
    if !plan.params.is_empty() {
        // Names first, against the files as written: a value out of range
        // is not an unknown exercise.
        let as_written = Catalog::load(&dirs, &BTreeMap::new());
        check_params(&selection.params, "--param", &plan.exercises, &as_written)?;
        let header_place = format!("{source}: line 1: params");
        // (Another exercise chosen for a recording takes none of its
        // parameters: they are left unused.)
        if selection.exercise.is_none() && selection.routine.is_none() {
            let recorded_only: BTreeMap<String, f64> = recorded
                .map(|p| p.params.clone())
                .unwrap_or_default()
                .into_iter()
                .filter(|(name, _)| !selection.params.contains_key(name))
                .collect();
            check_params(&recorded_only, &header_place, &plan.exercises, &as_written)?;
        }
        refused_params(selection, &header_place, &plan, &catalog, &as_written)?;
    }
    for problem in &catalog.problems {
        for line in problem.lines() {
            tracing::warn!("{line}");
        }
    }
    Ok((plan, catalog))
}

/// An exercise of the plan that its file refuses only with the parameter
/// values given (`--param`, or the recording's header at `header_place`):
/// one error naming the values and the range or bound, not a missing
/// exercise.
fn refused_params(
    selection: &Selection,
    header_place: &str,
    plan: &Plan,
    catalog: &Catalog,
    without: &Catalog,
) -> anyhow::Result<()> {
    let Some(id) = plan
        .exercises
        .iter()
        .find(|id| catalog.exercise(id).is_none() && without.exercise(id).is_some())
    else {
        return Ok(());
    };
    let shown = |name: &String, value: &f64| format!("{name}={}", posecoach::quote::number(*value));
    let (asked, recorded): (Vec<_>, Vec<_>) = plan
        .params
        .iter()
        .partition(|(name, _)| selection.params.contains_key(*name));
    let mut given = Vec::new();
    if !asked.is_empty() {
        let asked: Vec<String> = asked.into_iter().map(|(n, v)| shown(n, v)).collect();
        given.push(format!("--param {}", asked.join(" ")));
    }
    if !recorded.is_empty() {
        let recorded: Vec<String> = recorded.into_iter().map(|(n, v)| shown(n, v)).collect();
        given.push(format!("{header_place} {}", recorded.join(" ")));
    }
    let problems: Vec<_> = catalog
        .problems
        .iter()
        // (The exercise's own file; not the routines left without it.)
        .filter(|p| p.path.extension().is_some_and(|e| e == "toml"))
        .filter(|p| !without.problems.iter().any(|w| w.path == p.path))
        .flat_map(|p| p.problems.iter())
        .collect();
    // A value outside its parameter's range is the cause: what follows
    // from it is left unsaid.
    let own_range = problems.iter().any(|q| q.place.starts_with("params."));
    let why: Vec<String> = problems
        .iter()
        .filter(|q| !own_range || q.place.starts_with("params."))
        .map(|q| format!("{}: {}", q.place, q.reason))
        .collect();
    bail!(
        "{}: {id} cannot be coached with it: {}",
        given.join(", "),
        why.join("; ")
    )
}

/// The plan's exercises, from the catalog.
pub(crate) fn exercises_of(plan: &Plan, catalog: &Catalog) -> anyhow::Result<Vec<Exercise>> {
    plan.exercises
        .iter()
        .map(|id| {
            catalog
                .exercise(id)
                .cloned()
                .with_context(|| unknown_exercise(id, catalog))
        })
        .collect()
}

/// A name at most this many edits from a known one is a likely typo.
const TYPO_MAX_EDITS: usize = 3;

/// "no exercise 'wallslide': did you mean 'wall-slide'? (see `posecoach
/// exercises`)".
pub(crate) fn unknown_exercise(id: &str, catalog: &Catalog) -> String {
    unknown(
        "exercise",
        id,
        catalog.exercises.iter().map(|e| e.id.as_str()),
    )
}

/// That `what` named `id` does not exist, with the closest known name when
/// it looks like a typo of one.
fn unknown<'a>(what: &str, id: &str, known: impl Iterator<Item = &'a str>) -> String {
    let closest = known
        .map(|k| (strsim::damerau_levenshtein(id, k), k))
        .filter(|&(edits, _)| edits <= TYPO_MAX_EDITS)
        .min();
    match closest {
        Some((_, k)) => {
            format!("no {what} '{id}': did you mean '{k}'? (see `posecoach exercises`)")
        }
        None => format!("no {what} '{id}' (see `posecoach exercises`)"),
    }
}

/// Every name in `params` (given at `place`: `--param`, or a recording's
/// header) is a parameter of one of the exercises `ids`: a misspelt one
/// would otherwise leave the default in force without a word.
fn check_params(
    params: &BTreeMap<String, f64>,
    place: &str,
    ids: &[String],
    catalog: &Catalog,
) -> anyhow::Result<()> {
    let exercises: Vec<_> = ids.iter().filter_map(|id| catalog.exercise(id)).collect();
    for name in params.keys() {
        if exercises.iter().any(|e| e.params.contains_key(name)) {
            continue;
        }
        let known: Vec<String> = exercises
            .iter()
            .filter(|e| !e.params.is_empty())
            .map(|e| {
                let names: Vec<&str> = e.params.keys().map(String::as_str).collect();
                format!("{} takes {}", e.id, names.join(", "))
            })
            .collect();
        if known.is_empty() {
            bail!("{place} {name}: {} takes no parameters", ids.join(", "));
        }
        bail!("{place} {name}: no such parameter; {}", known.join("; "));
    }
    Ok(())
}

/// A recording's own plan run again over its poses (engine only),
/// calling `on_frame` with each frame's time, the exercise it is about and
/// the session's feedback (not during a routine's "get ready" pause).
pub(crate) struct EngineReplay {
    pub header: Header,
    pub catalog: Catalog,
    pub finished: Finished,
}

pub(crate) fn engine_replay(
    path: &Path,
    user_exercises: Option<&PathBuf>,
    mut on_frame: impl FnMut(f64, &Exercise, &SessionFeedback),
) -> anyhow::Result<EngineReplay> {
    let header = recording::Reader::open(path)?.header;
    let selection = Selection {
        user_exercises: user_exercises.cloned(),
        ..Default::default()
    };
    let (plan, catalog) = resolve(&selection, Some(&header), &path.display().to_string())?;
    let mut runner = SessionRunner::new(plan.clone(), exercises_of(&plan, &catalog)?)?;
    let cut = runner::replay_poses(&mut runner, path, |record, step, _| {
        let feedback = &step.feedback;
        if let (None, Some(exercise)) = (
            feedback.get_ready_s,
            catalog.exercise(&feedback.exercise_id),
        ) {
            on_frame(record.t_ms, exercise, feedback);
        }
        Ok::<(), anyhow::Error>(())
    })?;
    warn_cut_off(path, cut);
    Ok(EngineReplay {
        finished: runner.finish()?,
        header,
        catalog,
    })
}
