//! The inference thread: pose model and session on each frame, the keys'
//! commands, the recording, the printed events, and what the window and
//! the speakers get.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use anyhow::Context;
use image::RgbImage;
use serde::Serialize;

use super::capture::{Captured, SourceInfo};
use super::queue::{Mailbox, Popped, Queue};
use super::recorder::RecorderThread;
use super::{Command, Control, RunArgs};
use crate::audio::{Renderer, Sound, Speakers, Timeline};
use crate::exercise::catalog::Catalog;
use crate::exercise::engine::PoseFrame;
use crate::exercise::model::View as ExerciseView;
use crate::history::{History, RangeTracker, SessionInfo, SessionRecord};
use crate::overlay::{PAIN_ADVICE, Status};
use crate::pose::{BlazePose, BlazePoseConfig, PoseEstimator, TrackingMode};
use crate::recording::CommandQueue;
use crate::recording::{FrameRecord, Header, Recorder, SESSION_FORMAT_VERSION};
use crate::session::{
    PAIN_STOP_REASON, Session, SessionCommand, SessionEvent, SessionFeedback, SessionSummary,
};

/// How long the inference thread waits for a frame before looking at the
/// keys again.
const FRAME_WAIT: Duration = Duration::from_millis(20);

/// What the window draws: the latest frame and what the coach makes of it.
#[derive(Debug, Clone)]
pub struct Display {
    pub image: Option<Arc<RgbImage>>,
    pub size: (u32, u32),
    pub pose: Option<PoseFrame>,
    pub feedback: Option<SessionFeedback>,
    pub status: Status,
    pub muted: bool,
    pub mirrored: bool,
    /// When the frame arrived; None when only the status changed.
    pub arrived: Option<Instant>,
    /// Frames per second through inference, over the last second or so.
    pub inference_fps: f64,
    pub dropped: u64,
}

/// Things the app itself did, printed beside the session's events.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AppEvent {
    Paused { t_ms: f64 },
    Resumed { t_ms: f64 },
    NextExercise { t_ms: f64 },
    PreviousExercise { t_ms: f64 },
    Restarted { t_ms: f64 },
    Muted { t_ms: f64, muted: bool },
    Saved { path: PathBuf },
}

/// How the session went, for the caller.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub frames: u64,
    pub inference_ms_p50: f64,
    pub inference_ms_p95: f64,
}

/// Sounds on their own thread: speech synthesis takes a while.
#[derive(Debug)]
struct AudioThread {
    sender: Sender<(f64, Sound)>,
    thread: std::thread::JoinHandle<anyhow::Result<()>>,
}

impl AudioThread {
    fn start(audio_out: Option<PathBuf>) -> anyhow::Result<AudioThread> {
        let (sender, receiver) = std::sync::mpsc::channel::<(f64, Sound)>();
        let thread = std::thread::Builder::new()
            .name("audio".into())
            .spawn(move || {
                let mut renderer = Renderer::new();
                let mut timeline = audio_out.as_deref().map(Timeline::new);
                let speakers = if timeline.is_none() {
                    Some(Speakers::new())
                } else {
                    None
                };
                let mut last_t_ms = 0.0_f64;
                for (t_ms, sound) in receiver {
                    let samples = renderer.render(&sound);
                    last_t_ms = last_t_ms.max(t_ms);
                    match (&mut timeline, &speakers) {
                        (Some(timeline), _) => timeline.add(t_ms, &samples),
                        (None, Some(speakers)) => speakers.play(samples),
                        (None, None) => {}
                    }
                }
                if let Some(mut timeline) = timeline {
                    timeline.extend_to(last_t_ms + 1000.0);
                    timeline.write()?;
                }
                Ok(())
            })
            .context("cannot start the audio thread")?;
        Ok(AudioThread { sender, thread })
    }

    fn finish(self) -> anyhow::Result<()> {
        drop(self.sender);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the audio thread failed"))?
    }
}

pub struct Coach {
    session: Session,
    catalog: Catalog,
    /// The best ranges of motion, for the history.
    ranges: RangeTracker,
    started_at: chrono::DateTime<chrono::FixedOffset>,
    /// The data folder whose history gets the session; None with --no-save.
    history_dir: Option<PathBuf>,
    /// Print events as they happen (not for `replay --json`).
    print_events: bool,
    /// What the person asked in a recorded session coached again.
    recorded_commands: CommandQueue,
    exercise_ids: Vec<String>,
    routine: Option<String>,
    params: std::collections::BTreeMap<String, f64>,
    source_name: String,
    estimator: Option<BlazePose>,
    record_path: Option<PathBuf>,
    recorder: Option<RecorderThread>,
    with_video: bool,
    audio: Option<AudioThread>,
    muted: bool,
    json: bool,
    live: bool,
    display: Arc<Mailbox<Display>>,
    control: Arc<Control>,
    paused: bool,
    /// Live: session time excludes time spent paused.
    paused_since_ms: Option<f64>,
    pause_offset_ms: f64,
    last: Option<Display>,
    last_t_ms: f64,
    frames: u64,
    inference_ms: Vec<f64>,
    recent: std::collections::VecDeque<Instant>,
    dropped: u64,
}

impl std::fmt::Debug for Coach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coach")
            .field("frames", &self.frames)
            .finish()
    }
}

impl Coach {
    pub fn new(
        args: &RunArgs,
        info: &SourceInfo,
        live: bool,
        display: Arc<Mailbox<Display>>,
        control: Arc<Control>,
    ) -> anyhow::Result<Coach> {
        let selection = &args.selection;
        let (ids, catalog) = super::super::replay::resolve(selection, info.header.as_ref())?;
        // Live, a routine's own "get ready" pause (its file says how long).
        let get_ready_s = selection
            .routine
            .as_deref()
            .and_then(|id| catalog.routine(id))
            .map_or(super::super::replay::REPLAY_GET_READY_S, |r| r.get_ready_s);
        let session = super::super::replay::new_session(&ids, &catalog, get_ready_s)?;
        // Poses only: the recorded poses; anything else has pictures.
        let estimator = if info.header.as_ref().is_some_and(|h| !h.video) {
            None
        } else {
            let mut config = BlazePoseConfig::new(args.variant.clone(), TrackingMode::Video);
            config.intra_threads = args.intra_threads;
            Some(BlazePose::new(&config).context("cannot load the pose model")?)
        };
        let started_at = super::super::data::now();
        let data_dir = super::super::data::data_dir(args.data_dir.as_deref());
        let record_path = match (&args.record, args.no_save || args.review) {
            (Some(path), _) => Some(path.clone()),
            (None, true) => None,
            (None, false) => {
                let label = selection.routine.clone().unwrap_or_else(|| ids.join("+"));
                Some(super::super::data::new_session_path(
                    &data_dir,
                    &label,
                    &started_at,
                ))
            }
        };
        let mut params = info
            .header
            .as_ref()
            .map(|h| h.params.clone())
            .unwrap_or_default();
        params.extend(selection.params.clone());
        Ok(Coach {
            session,
            catalog,
            ranges: RangeTracker::default(),
            started_at,
            history_dir: (!args.no_save && !args.review).then_some(data_dir),
            print_events: !(args.review && args.json),
            recorded_commands: CommandQueue::new(info.commands.clone()),
            exercise_ids: ids,
            routine: selection
                .routine
                .clone()
                .or_else(|| info.header.as_ref().and_then(|h| h.routine.clone())),
            params,
            source_name: info.name.clone(),
            estimator,
            record_path,
            recorder: None,
            with_video: args.with_video,
            audio: Some(AudioThread::start(args.audio_out.clone())?),
            muted: args.mute,
            json: args.json,
            live,
            display,
            control,
            paused: false,
            paused_since_ms: None,
            pause_offset_ms: 0.0,
            last: None,
            last_t_ms: 0.0,
            frames: 0,
            inference_ms: Vec::new(),
            recent: Default::default(),
            dropped: 0,
        })
    }

    /// Runs until the input ends, the session ends, or the person quits.
    pub fn run(
        mut self,
        frames: &Queue<Captured>,
        commands: &Receiver<Command>,
    ) -> anyhow::Result<Outcome> {
        let result = self.run_loop(frames, commands);
        // Whatever happened, what was recorded is kept and the window told.
        let finished = self.finish();
        result.and(finished)
    }

    fn run_loop(
        &mut self,
        frames: &Queue<Captured>,
        commands: &Receiver<Command>,
    ) -> anyhow::Result<()> {
        loop {
            while let Ok(command) = commands.try_recv() {
                self.command(command)?;
            }
            if self.control.quit.load(Ordering::SeqCst) || self.session.finished() {
                return Ok(());
            }
            if self.paused && !self.live {
                // The file waits too; only the keys matter.
                match commands.recv_timeout(FRAME_WAIT) {
                    Ok(command) => self.command(command)?,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(FRAME_WAIT);
                    }
                }
                continue;
            }
            match frames.pop(FRAME_WAIT) {
                Popped::Item(captured) => {
                    self.dropped = frames.dropped();
                    self.frame(&captured)?;
                }
                Popped::Empty => {}
                Popped::Closed => return Ok(()),
            }
        }
    }

    fn frame(&mut self, captured: &Captured) -> anyhow::Result<()> {
        if self.paused {
            // Live and paused: the picture stays live, the session waits.
            self.paused_since_ms.get_or_insert(captured.t_ms);
            let mut display = self.display_for(captured, None, None);
            display.status = Status::Paused;
            self.show(display);
            return Ok(());
        }
        if let Some(since) = self.paused_since_ms.take() {
            self.pause_offset_ms += captured.t_ms - since;
        }
        let t_ms = captured.t_ms - self.pause_offset_ms;
        let started = Instant::now();
        let (record, pose_frame) = match (&captured.recorded, &mut self.estimator, &captured.image)
        {
            (Some(record), _, _) => {
                let pose_frame = record
                    .landmarks()
                    .map(|l| PoseFrame::from_landmarks(&l, captured.size.0, captured.size.1));
                (
                    FrameRecord {
                        t_ms,
                        ..record.clone()
                    },
                    pose_frame,
                )
            }
            (None, Some(estimator), Some(image)) => {
                let pose = estimator.estimate(image, captured.t_ms)?;
                let pose_frame = pose
                    .as_ref()
                    .map(|p| PoseFrame::from_pose(p, captured.size.0, captured.size.1));
                (FrameRecord::new(t_ms, pose.as_ref()), pose_frame)
            }
            _ => anyhow::bail!("a frame without an image or a pose"),
        };
        self.inference_ms
            .push(started.elapsed().as_secs_f64() * 1000.0);
        self.frames += 1;
        self.last_t_ms = t_ms;
        self.record_frame(record, captured.size, captured.image.as_ref())?;
        let (feedback, events) = self.session.update(t_ms, pose_frame.as_ref());
        if let Some(exercise) = self.catalog.exercise(&feedback.exercise_id) {
            self.ranges.observe(exercise, &feedback);
        }
        self.events(&events)?;
        for c in self.recorded_commands.due(t_ms).to_vec() {
            self.session_command(c.t_ms, &c.command)?;
        }
        let display = self.display_for(captured, pose_frame, Some(feedback));
        self.show(display);
        Ok(())
    }

    fn display_for(
        &mut self,
        captured: &Captured,
        pose: Option<PoseFrame>,
        feedback: Option<SessionFeedback>,
    ) -> Display {
        let now = Instant::now();
        self.recent.push_back(now);
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(1))
        {
            self.recent.pop_front();
        }
        let last = self.last.as_ref();
        Display {
            image: captured.image.clone(),
            size: captured.size,
            pose,
            feedback: feedback.or_else(|| last.and_then(|d| d.feedback.clone())),
            status: Status::Running,
            muted: self.muted,
            mirrored: self.session.current_exercise().view == ExerciseView::Front,
            arrived: Some(captured.arrived),
            inference_fps: self.recent.len() as f64,
            dropped: self.dropped,
        }
    }

    fn show(&mut self, display: Display) {
        self.display.put(display.clone());
        self.last = Some(display);
    }

    /// Shows the last frame again with a new status (no new frame).
    fn show_status(&mut self, status: Status) {
        let mut display = match self.last.clone() {
            Some(display) => display,
            None => Display {
                image: None,
                size: (640, 480),
                pose: None,
                feedback: None,
                status: Status::Running,
                muted: self.muted,
                mirrored: false,
                arrived: None,
                inference_fps: 0.0,
                dropped: self.dropped,
            },
        };
        display.status = status;
        display.muted = self.muted;
        display.arrived = None;
        self.show(display);
    }

    fn record_frame(
        &mut self,
        record: FrameRecord,
        size: (u32, u32),
        image: Option<&Arc<RgbImage>>,
    ) -> anyhow::Result<()> {
        if self.recorder.is_none()
            && let Some(path) = &self.record_path
        {
            // Pictures are kept only when asked and when there are any (a
            // poses-only recording as the source has none).
            self.with_video &= image.is_some();
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::recording::create_private_dir(dir)
                    .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
            }
            let header = Header {
                posecoach_session: SESSION_FORMAT_VERSION,
                exercises: self.exercise_ids.clone(),
                routine: self.routine.clone(),
                params: self.params.clone(),
                source: self.source_name.clone(),
                width: size.0,
                height: size.1,
                started_at: Some(self.started_at.to_rfc3339()),
                video: self.with_video,
            };
            self.recorder = Some(RecorderThread::start(
                Recorder::create(path, &header)?,
                self.with_video,
                self.live,
            )?);
        }
        if let Some(recorder) = &mut self.recorder {
            recorder.frame(record, image)?;
        }
        Ok(())
    }

    fn events(&mut self, events: &[SessionEvent]) -> anyhow::Result<()> {
        for event in events {
            if let Some(recorder) = &mut self.recorder {
                recorder.event(event.clone())?;
            }
            self.print(event, &super::super::replay::describe(event))?;
            for sound in Sound::for_event(&event.event) {
                self.sound(self.last_t_ms, sound);
            }
        }
        Ok(())
    }

    /// Plays (or writes) `sound` at session time `t_ms`, unless muted.
    fn sound(&self, t_ms: f64, sound: Sound) {
        if let (false, Some(audio)) = (self.muted, &self.audio) {
            let _ignored = audio.sender.send((t_ms, sound));
        }
    }

    fn app_event(&mut self, event: &AppEvent) -> anyhow::Result<()> {
        let text = match event {
            AppEvent::Paused { t_ms } => format!("{:7.1} s  paused", t_ms / 1000.0),
            AppEvent::Resumed { t_ms } => format!("{:7.1} s  going on", t_ms / 1000.0),
            AppEvent::NextExercise { t_ms } => format!("{:7.1} s  next exercise", t_ms / 1000.0),
            AppEvent::PreviousExercise { t_ms } => {
                format!("{:7.1} s  previous exercise", t_ms / 1000.0)
            }
            AppEvent::Restarted { t_ms } => format!("{:7.1} s  exercise restarted", t_ms / 1000.0),
            AppEvent::Muted { t_ms, muted } => format!(
                "{:7.1} s  sound {}",
                t_ms / 1000.0,
                if *muted { "off" } else { "on" }
            ),
            AppEvent::Saved { path } => format!("Session saved to {}", path.display()),
        };
        self.print(event, &text)
    }

    fn print(&self, event: &impl Serialize, text: &str) -> anyhow::Result<()> {
        if !self.print_events {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        if self.json {
            serde_json::to_writer(&mut out, event)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{text}")?;
        }
        out.flush()?;
        Ok(())
    }

    fn command(&mut self, command: Command) -> anyhow::Result<()> {
        let t_ms = self.last_t_ms;
        match command {
            Command::TogglePause => {
                self.paused = !self.paused;
                self.control.paused.store(self.paused, Ordering::SeqCst);
                if self.paused {
                    self.app_event(&AppEvent::Paused { t_ms })?;
                    self.show_status(Status::Paused);
                } else {
                    self.app_event(&AppEvent::Resumed { t_ms })?;
                    self.show_status(Status::Running);
                }
            }
            Command::Next => self.session_command(t_ms, &SessionCommand::NextExercise)?,
            Command::Previous => self.session_command(t_ms, &SessionCommand::PreviousExercise)?,
            Command::Restart => self.session_command(t_ms, &SessionCommand::RestartExercise)?,
            Command::ToggleMute => {
                self.muted = !self.muted;
                self.app_event(&AppEvent::Muted {
                    t_ms,
                    muted: self.muted,
                })?;
                let status = self
                    .last
                    .as_ref()
                    .map_or(Status::Running, |d| d.status.clone());
                self.show_status(status);
            }
            Command::PainStop => self.session_command(
                t_ms,
                &SessionCommand::Stop {
                    reason: PAIN_STOP_REASON.into(),
                },
            )?,
            Command::Quit => self.control.quit.store(true, Ordering::SeqCst),
        }
        Ok(())
    }

    /// Does what the person asked (now, or in the recording being coached
    /// again), records it so a replay does it too, and says so.
    fn session_command(&mut self, t_ms: f64, command: &SessionCommand) -> anyhow::Result<()> {
        if let Some(recorder) = &mut self.recorder {
            recorder.command(t_ms, command.clone())?;
        }
        let events = self.session.apply(t_ms, command);
        match command {
            SessionCommand::NextExercise => self.app_event(&AppEvent::NextExercise { t_ms })?,
            SessionCommand::PreviousExercise => {
                self.app_event(&AppEvent::PreviousExercise { t_ms })?;
            }
            SessionCommand::RestartExercise => self.app_event(&AppEvent::Restarted { t_ms })?,
            SessionCommand::Stop { .. } => {
                self.sound(t_ms, Sound::Speech(PAIN_ADVICE.join(" ")));
            }
        }
        self.events(&events)
    }

    /// Adds the finished session to the history (unless nothing was seen
    /// or --no-save).
    fn add_to_history(&self, summary: &SessionSummary) -> anyhow::Result<()> {
        let Some(dir) = &self.history_dir else {
            return Ok(());
        };
        if self.frames == 0 {
            return Ok(());
        }
        let info = SessionInfo {
            started_at: self.started_at,
            duration_s: self.last_t_ms / 1000.0,
            routine: self.routine.clone(),
            source: self.source_name.clone(),
            recording: self.record_path.clone(),
        };
        let record = SessionRecord::new(&info, summary, &self.ranges, &self.catalog);
        History::open_in(dir)?.add(&record)?;
        Ok(())
    }

    /// Closes the recording, the audio file, prints the summary and shows
    /// the end screen.
    fn finish(&mut self) -> anyhow::Result<Outcome> {
        // The end of the session: a hold under way counts, and is recorded.
        let ended = self.session.finish(self.last_t_ms);
        let mut result = self.events(&ended);
        if let Some(recorder) = self.recorder.take() {
            let path = self.record_path.clone().unwrap_or_default();
            match recorder.finish() {
                Ok(skipped) => {
                    if skipped > 0 {
                        eprintln!(
                            "warning: {skipped} video frames were left out of the recording (the encoder could not keep up); their poses are there"
                        );
                    }
                    result = self.app_event(&AppEvent::Saved { path });
                }
                Err(e) => result = Err(e.into()),
            }
        }
        if let Some(audio) = self.audio.take()
            && let Err(e) = audio.finish()
        {
            result = result.and(Err(e));
        }
        let summary = self.session.summary().clone();
        if let Err(e) = self.add_to_history(&summary) {
            result = result.and(Err(e));
        }
        let stop = summary
            .exercises
            .iter()
            .flat_map(|e| e.stops.iter())
            .next_back()
            .map(|s| s.reason.clone());
        {
            let mut out = std::io::stdout().lock();
            if self.json {
                serde_json::to_writer(&mut out, &summary)?;
                writeln!(out)?;
            } else {
                writeln!(out, "\nSummary")?;
                write!(out, "{}", crate::session::summary_text(&summary))?;
            }
        }
        let status = match &stop {
            Some(reason) => Status::Stopped(reason.clone()),
            None => Status::Finished(
                crate::session::summary_text(&summary)
                    .lines()
                    .filter(|l| !l.starts_with(' '))
                    .map(|l| l.split(", ").take(3).collect::<Vec<_>>().join(", "))
                    .collect(),
            ),
        };
        self.show_status(status);
        let mut inference_ms = self.inference_ms.clone();
        result.map(|()| Outcome {
            frames: self.frames,
            inference_ms_p50: super::quantile(&mut inference_ms, 0.5),
            inference_ms_p95: super::quantile(&mut inference_ms, 0.95),
        })
    }
}
