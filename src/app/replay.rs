//! `posecoach replay`: a recorded video or folder of frames coached through
//! the whole pipeline (pose model, exercise engine), without a window.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};

use super::progress_bar::ProgressBar;
use super::run::{Control, Pacer, Pacing};
use crate::exercise::catalog::Catalog;
use crate::exercise::engine::{Event, PoseFrame};
use crate::pose::{BlazePose, BlazePoseConfig, ModelVariant, PoseEstimator, TrackingMode};
use crate::recording::{
    self, CommandQueue, FrameRecord, Header, RecordedCommand, Recorder, SESSION_FORMAT_VERSION,
};
use crate::session::{Session, SessionEvent, SessionSummary};
use crate::source::session::SessionVideo;
use crate::source::{self, FrameSource};
use image::RgbImage;

/// The "get ready" pause between the exercises of a replayed routine.
pub(crate) const REPLAY_GET_READY_S: f64 = 3.0;

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
        Event::HoldStarted { t_ms, side: s } => {
            format!("{:7.1} s  {id}: hold{} started", t_ms / 1000.0, side(s))
        }
        Event::HoldTargetReached { t_ms, side: s } => format!(
            "{:7.1} s  {id}: hold{} reached its time: release",
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
    write!(out, "{}", crate::session::summary_text(summary))
}

/// Prints events as they happen (unless JSON), records them, and shows
/// the progress.
struct Output<'a> {
    json: bool,
    out: std::io::StdoutLock<'a>,
    recorder: Option<Recorder>,
    progress: ProgressBar,
}

impl Output<'_> {
    /// Records a frame: its pose, and its picture when given (with video).
    fn frame(&mut self, record: &FrameRecord, image: Option<&RgbImage>) -> anyhow::Result<()> {
        match (&mut self.recorder, image) {
            (Some(r), Some(image)) => {
                let jpeg = recording::encode_video_frame(image)
                    .map_err(|e| anyhow::anyhow!("cannot encode a video frame: {e}"))?;
                r.frame_with_video(record, &jpeg)?;
            }
            (Some(r), None) => r.frame(record)?,
            (None, _) => {}
        }
        Ok(())
    }

    fn command(&mut self, command: &RecordedCommand) -> anyhow::Result<()> {
        if let Some(r) = &mut self.recorder {
            r.command(command.t_ms, &command.command)?;
        }
        Ok(())
    }

    fn events(&mut self, events: &[SessionEvent]) -> anyhow::Result<()> {
        for event in events {
            if let Some(r) = &mut self.recorder {
                r.event(event)?;
            }
            if !self.json {
                self.progress.finish();
                writeln!(self.out, "{}", describe(event))?;
            }
        }
        Ok(())
    }

    fn finish(mut self, summary: &SessionSummary) -> anyhow::Result<()> {
        self.progress.finish();
        if let Some(r) = self.recorder.take() {
            r.finish()?;
        }
        if self.json {
            serde_json::to_writer(&mut self.out, summary)?;
            writeln!(self.out)?;
        } else {
            print_summary(summary, &mut self.out)?;
        }
        Ok(())
    }
}

pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    // A recorded session: poses only, just the engine; with its video, the
    // model runs on the pictures.
    let header = if recording::is_recording(&args.source) {
        Some(recording::Reader::open(&args.source)?.header)
    } else {
        None
    };
    let mut frames: Box<dyn FrameSource> = match &header {
        None => source::open(&args.source)?,
        Some(h) if h.video => Box::new(SessionVideo::open(&args.source)?),
        Some(_) => return replay_recording(args),
    };
    // What the person asked during a recorded session, done again.
    let mut commands = match &header {
        Some(_) => CommandQueue::new(recording::read(&args.source)?.commands),
        None => CommandQueue::default(),
    };
    let selection = &args.selection;
    let (ids, catalog) = resolve(selection, header.as_ref())?;
    let mut session = new_session(&ids, &catalog, REPLAY_GET_READY_S)?;
    let mut config = BlazePoseConfig::new(args.variant.clone(), TrackingMode::Video);
    config.intra_threads = args.intra_threads;
    let mut estimator = BlazePose::new(&config).context("cannot load the pose model")?;
    let mut output = Output {
        json: args.json,
        out: std::io::stdout().lock(),
        recorder: None,
        progress: ProgressBar::default(),
    };
    let (mut pacer, control) = pacer(args.speed);
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
        pacer.wait_for(frame.t_ms, &control);
        // The recording starts with the first frame: its size is in the header.
        if let (None, Some(path)) = (&output.recorder, &args.record) {
            let header = Header {
                posecoach_session: SESSION_FORMAT_VERSION,
                exercises: ids.clone(),
                routine: selection.routine.clone(),
                params: selection.params.clone(),
                source: source::file_name(&args.source),
                width: frame.image.width(),
                height: frame.image.height(),
                // A video's own time is not known.
                started_at: None,
                video: args.with_video,
            };
            output.recorder = Some(Recorder::create(path, &header)?);
        }
        let pose = estimator.estimate(&frame.image, frame.t_ms)?;
        output.frame(
            &FrameRecord::new(frame.t_ms, pose.as_ref()),
            args.with_video.then_some(&frame.image),
        )?;
        let pose_frame = pose
            .as_ref()
            .map(|p| PoseFrame::from_pose(p, frame.image.width(), frame.image.height()));
        let (_, mut events) = session.update(frame.t_ms, pose_frame.as_ref());
        for c in commands.due(frame.t_ms) {
            output.command(c)?;
            events.extend(session.apply(c.t_ms, &c.command));
        }
        output.events(&events)?;
        output.progress.update(frames.progress(), frame.t_ms);
        last_t_ms = frame.t_ms;
        if session.finished() {
            break;
        }
    }
    // The end of the video ends the session: a hold under way counts.
    output.events(&session.finish(last_t_ms))?;
    output.finish(session.summary())
}

/// The exercise ids to coach (from the arguments, else the recording's
/// header) and the catalog they come from.
pub(crate) fn resolve(
    selection: &Selection,
    header: Option<&Header>,
) -> anyhow::Result<(Vec<String>, Catalog)> {
    let mut params = header.map(|h| h.params.clone()).unwrap_or_default();
    params.extend(selection.params.clone());
    let catalog = Catalog::load(
        &super::exercises::exercise_dirs(selection.user_exercises.as_ref()),
        &params,
    );
    for problem in &catalog.problems {
        for line in problem.lines() {
            tracing::warn!("{line}");
        }
    }
    let ids = match (&selection.exercise, &selection.routine, header) {
        (Some(id), None, _) => vec![id.clone()],
        (None, Some(id), _) => catalog
            .routine(id)
            .with_context(|| format!("no routine '{id}' (see `posecoach exercises`)"))?
            .exercises
            .clone(),
        (None, None, Some(h)) => h.exercises.clone(),
        _ => bail!("give --exercise ID or --routine ID"),
    };
    check_params(&selection.params, &ids, &catalog)?;
    Ok((ids, catalog))
}

/// Every `--param` names a parameter of an exercise being coached: a
/// misspelt one would otherwise leave the default in force without a word.
fn check_params(
    params: &BTreeMap<String, f64>,
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
            bail!("--param {name}: {} takes no parameters", ids.join(", "));
        }
        bail!("--param {name}: no such parameter; {}", known.join("; "));
    }
    Ok(())
}

/// A session over `ids`, with `get_ready_s` of pause between exercises.
pub(crate) fn new_session(
    ids: &[String],
    catalog: &Catalog,
    get_ready_s: f64,
) -> anyhow::Result<Session> {
    let exercises = ids
        .iter()
        .map(|id| {
            catalog
                .exercise(id)
                .cloned()
                .with_context(|| format!("no exercise '{id}' (see `posecoach exercises`)"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Session::new(exercises, get_ready_s).context("nothing to do")
}

/// Reads a recording, warning (one line) when it was cut off.
pub(crate) fn read_recording(path: &std::path::Path) -> anyhow::Result<recording::Recording> {
    let recording = recording::read(path)?;
    if let Some(line) = recording.truncated_at_line {
        eprintln!(
            "warning: {}: line {line}: cut off (the recording was interrupted); using everything before it",
            path.display()
        );
    }
    Ok(recording)
}

/// A recording's own exercises run again over its poses (engine only),
/// calling `on_frame` with each frame's feedback and the exercise it is
/// about (none during a routine's "get ready" pause).
pub(crate) struct EngineReplay {
    pub recording: recording::Recording,
    pub catalog: Catalog,
    pub summary: SessionSummary,
}

pub(crate) fn engine_replay(
    path: &std::path::Path,
    user_exercises: Option<&PathBuf>,
    mut on_frame: impl FnMut(
        &FrameRecord,
        &crate::exercise::model::Exercise,
        &crate::session::SessionFeedback,
    ),
) -> anyhow::Result<EngineReplay> {
    let recording = read_recording(path)?;
    let selection = Selection {
        user_exercises: user_exercises.cloned(),
        ..Default::default()
    };
    let (ids, catalog) = resolve(&selection, Some(&recording.header))?;
    let mut session = new_session(&ids, &catalog, REPLAY_GET_READY_S)?;
    crate::session::run_recording(&mut session, &recording, |frame, feedback, _| {
        if let (None, Some(exercise)) = (
            feedback.get_ready_s,
            catalog.exercise(&feedback.exercise_id),
        ) {
            on_frame(frame, exercise, feedback);
        }
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(EngineReplay {
        summary: session.summary().clone(),
        recording,
        catalog,
    })
}

/// A recorded session: only the engine runs, on the recorded poses.
fn replay_recording(args: &ReplayArgs) -> anyhow::Result<()> {
    let recording = read_recording(&args.source)?;
    let (ids, catalog) = resolve(&args.selection, Some(&recording.header))?;
    let mut session = new_session(&ids, &catalog, REPLAY_GET_READY_S)?;
    let mut output = Output {
        json: args.json,
        out: std::io::stdout().lock(),
        recorder: match &args.record {
            Some(path) => Some(Recorder::create(path, &recording.header)?),
            None => None,
        },
        progress: ProgressBar::default(),
    };
    let (mut pacer, control) = pacer(args.speed);
    let total = recording.frames.len().max(1) as f64;
    let mut done = 0.0;
    let mut commands = CommandQueue::new(recording.commands.clone());
    let ended = crate::session::run_recording(&mut session, &recording, |frame, _, events| {
        pacer.wait_for(frame.t_ms, &control);
        output.frame(frame, None)?;
        for c in commands.due(frame.t_ms) {
            output.command(c)?;
        }
        output.events(events)?;
        done += 1.0;
        output.progress.update(Some(done / total), frame.t_ms);
        Ok::<(), anyhow::Error>(())
    })?;
    output.events(&ended)?;
    output.finish(session.summary())
}
