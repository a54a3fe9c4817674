//! The inference thread: pose model and session on each frame, the keys'
//! commands, the recording, the printed events, and what the window and
//! the speakers get.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use crossbeam_channel::Receiver;
use std::time::{Duration, Instant};

use anyhow::Context;
use image::RgbImage;
use serde::Serialize;

use super::capture::{Captured, SourceInfo};
use super::queue::{Dropped, Mailbox};
use super::{Command, Control, PainArgs, PainKey, RunArgs};
use posecoach::audio::{Renderer, Sound, Speakers, Timeline, still_timely};
use posecoach::exercise::body::{Body as _, FPS};
use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::engine::placement::{self, Placement};
use posecoach::exercise::engine::{Event, PoseFrame, StopCause};
use posecoach::exercise::model::View as ExerciseView;
use posecoach::history::{History, SessionInfo, SessionRecord};
use posecoach::overlay::end::EndScreen;
use posecoach::overlay::figure::{Bounds, ghost_over};
use posecoach::overlay::show::Demonstration;
use posecoach::overlay::{DEMONSTRATION_LABEL, PAIN_ADVICE, Status};
use posecoach::pose::{BlazePose, BlazePoseConfig, TrackingMode};
use posecoach::runner::{Finished, Input, RecordTo, Seen, SessionRunner};
use posecoach::session::{
    MAX_PAIN, PAIN_STOP_REASON, PainMoment, SessionCommand, SessionEvent, SessionFeedback,
};

/// How often a demonstration's figure moves on (its frames are at [`FPS`]).
const DEMO_TICK: Duration = Duration::from_millis(33);
/// After a demonstration, seconds before counting starts.
const COUNT_IN_S: u64 = 3;
/// A pain score given this close to the stop it caused is the pain after:
/// it is not asked again.
const JUST_GIVEN_S: f64 = 1.0;
/// How long a key's confirmation ("Pain 4 noted") stays up.
const NOTE_SHOWN: Duration = Duration::from_millis(2500);
/// How long the advice on a rise of pain ("go gently") stays up.
const ADVICE_SHOWN: Duration = Duration::from_secs(8);
/// The placement indicator stays up this long once counting starts.
const PLACEMENT_SHOWN_MS: f64 = 5000.0;

fn pain(score: u8, moment: PainMoment) -> SessionCommand {
    SessionCommand::Pain { score, moment }
}

/// What a frame brings the runner: its recorded pose, else its picture.
fn seen(captured: &Captured) -> anyhow::Result<Seen<'_>> {
    Ok(match (&captured.recorded, &captured.image) {
        (Some(record), _) => Seen::Recorded(record),
        (None, Some(image)) => Seen::Picture(image),
        (None, None) => anyhow::bail!("a frame without an image or a pose"),
    })
}

/// What the window draws: the latest frame and what the coach makes of it.
#[derive(Debug, Clone)]
pub struct Display {
    pub image: Option<Arc<RgbImage>>,
    pub size: (u32, u32),
    pub pose: Option<PoseFrame>,
    pub feedback: Option<SessionFeedback>,
    pub status: Status,
    pub muted: bool,
    /// The demonstration is coached: nothing is saved.
    pub demonstration: bool,
    pub mirrored: bool,
    /// When the frame arrived; None when only the status changed.
    pub arrived: Option<Instant>,
    /// Frames per second through inference, over the last second or so.
    pub inference_fps: f64,
    pub dropped: u64,
    /// How the camera sees the person, while the indicator is shown.
    pub placement: Option<Placement>,
    /// The target pose over the person (G).
    pub ghost: Option<PoseFrame>,
    /// A key just taken, confirmed for a moment ("Pain 4 noted").
    pub note: Option<String>,
}

/// A demonstration playing: the figure's frames and when it started.
#[derive(Debug, Clone)]
struct Showing {
    demo: Demonstration,
    frames: Vec<PoseFrame>,
    started: Instant,
}

impl Showing {
    fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.frames.len() as f64 / FPS)
    }

    /// The demonstration at this moment.
    fn now(&self) -> Demonstration {
        let elapsed = self.started.elapsed().as_secs_f64();
        let i = ((elapsed * FPS) as usize).min(self.frames.len().saturating_sub(1));
        let mut demo = self.demo.clone();
        if let Some(frame) = self.frames.get(i) {
            demo.figure = frame.clone();
        }
        demo.progress = elapsed / self.duration().as_secs_f64().max(1e-9);
        demo
    }
}

/// Things the app itself did, printed beside the session's events.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AppEvent {
    Paused {
        t_ms: f64,
    },
    Resumed {
        t_ms: f64,
    },
    NextExercise {
        t_ms: f64,
    },
    PreviousExercise {
        t_ms: f64,
    },
    Restarted {
        t_ms: f64,
    },
    Muted {
        t_ms: f64,
        muted: bool,
    },
    Pain {
        t_ms: f64,
        score: u8,
        moment: PainMoment,
    },
    Saved {
        path: PathBuf,
    },
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
    /// A sound, its time in the session, and when it was asked for.
    sender: Sender<(f64, Sound, Instant)>,
    thread: std::thread::JoinHandle<anyhow::Result<()>>,
}

impl AudioThread {
    fn start(audio_out: Option<PathBuf>, muted: bool) -> anyhow::Result<AudioThread> {
        let (sender, receiver) = std::sync::mpsc::channel::<(f64, Sound, Instant)>();
        let thread = std::thread::Builder::new()
            .name("audio".into())
            .spawn(move || {
                let mut renderer = Renderer::new();
                let mut timeline = audio_out.as_deref().map(Timeline::new);
                let speakers = if timeline.is_none() {
                    Some(Speakers::opened(!muted))
                } else {
                    None
                };
                let mut last_t_ms = 0.0_f64;
                for (t_ms, sound, asked) in receiver {
                    last_t_ms = last_t_ms.max(t_ms);
                    match (&mut timeline, &speakers) {
                        // The file is laid out on the session's clock: all of it.
                        (Some(timeline), _) => timeline.add(t_ms, renderer.render(&sound)),
                        (None, Some(speakers)) if speakers.is_open() => {
                            // A cue that can no longer be said in time is left out.
                            if still_timely(&sound, asked, Instant::now()) {
                                let samples = renderer.render(&sound);
                                if still_timely(&sound, asked, Instant::now()) {
                                    speakers.play(&samples);
                                }
                            }
                        }
                        (None, _) => {}
                    }
                }
                if let Some(mut timeline) = timeline {
                    timeline.extend_to(last_t_ms + 1000.0);
                    timeline.write()?;
                }
                if let Some(speakers) = speakers {
                    speakers.drain();
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
    /// The session, its recording and the pose model.
    runner: Option<SessionRunner>,
    catalog: Catalog,
    started_at: chrono::DateTime<chrono::FixedOffset>,
    /// The data folder whose history gets the session; None with --no-save.
    history_dir: Option<PathBuf>,
    /// Print events as they happen (not for `replay --json`).
    print_events: bool,
    source_name: String,
    audio: Option<AudioThread>,
    muted: bool,
    /// The body model's demonstration is coached: never saved or added to
    /// the history, it is not the person's own progress.
    demonstration: bool,
    /// A confirmation to show, and until when.
    note: Option<(String, Instant)>,
    json: bool,
    live: bool,
    display: Arc<Mailbox<Display>>,
    control: Arc<Control>,
    paused: bool,
    /// Live: session time excludes time spent paused.
    paused_since_ms: Option<f64>,
    pause_offset_ms: f64,
    last: Option<Display>,
    inference_ms: Vec<f64>,
    recent: std::collections::VecDeque<Instant>,
    dropped: u64,
    pain: PainArgs,
    /// The window asks for pain before and after (a window, not a review).
    ask_pain: bool,
    /// The check-in under way: when, and the score chosen so far.
    check_in: Option<(PainMoment, Option<u8>)>,
    /// Play each exercise's demonstration before it.
    show_demos: bool,
    /// The end screen goes back to the home screen.
    back_home: bool,
    showing: Option<Showing>,
    /// Counting in after a demonstration: until when.
    count_in_until: Option<Instant>,
    /// The exercise (position) whose demonstration was last played.
    demo_played_for: Option<usize>,
    /// The ghost of the target pose over the person.
    ghost_on: bool,
    /// Session time counting of the current exercise started (for how
    /// long the placement indicator stays), by its position.
    counting_since: Option<(usize, f64)>,
    /// Frames were looked at without coaching (during a demonstration):
    /// the pose model searches afresh when coaching resumes.
    looked: bool,
}

impl std::fmt::Debug for Coach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coach")
            .field("frames", &self.inference_ms.len())
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
        let (plan, catalog) =
            super::super::replay::resolve(selection, info.header.as_ref(), &info.name)?;
        let exercises = super::super::replay::exercises_of(&plan, &catalog)?;
        let started_at = super::super::data::now();
        let data_dir = super::super::data::data_dir(args.data_dir.as_deref())?;
        let demonstration = args.source == super::SourceArg::Demo;
        let record_path = match (&args.record, args.no_save || args.review || demonstration) {
            (Some(path), _) => Some(path.clone()),
            (None, true) => None,
            (None, false) => Some(super::super::data::new_session_path(
                &data_dir,
                &plan.label(),
                &started_at,
            )),
        };
        let source_path = match &args.source {
            super::SourceArg::Path(path) => Some(path.as_path()),
            super::SourceArg::Camera(_) | super::SourceArg::Demo => None,
        };
        super::super::replay::check_record_target(args.record.as_ref(), source_path)?;
        let mut runner = SessionRunner::new(plan, exercises)?.with_commands(info.commands.clone());
        // Poses only: the recorded poses; anything else has pictures.
        if info.header.as_ref().is_none_or(|h| h.video) {
            let mut config = BlazePoseConfig::new(args.variant.clone(), TrackingMode::Video);
            config.intra_threads = args.intra_threads;
            let estimator = BlazePose::new(&config).context("cannot load the pose model")?;
            runner = runner.with_estimator(Box::new(estimator));
        }
        if let Some(path) = record_path {
            runner = runner.record_to(RecordTo {
                path,
                source: info.name.clone(),
                started_at: Some(started_at.to_rfc3339()),
                with_video: args.with_video,
                live,
            })?;
        }
        Ok(Coach {
            runner: Some(runner),
            catalog,
            started_at,
            history_dir: (!args.no_save && !args.review && !demonstration).then_some(data_dir),
            print_events: !(args.review && args.json),
            source_name: info.name.clone(),
            audio: Some(AudioThread::start(args.audio_out.clone(), args.mute)?),
            muted: args.mute,
            demonstration,
            note: None,
            json: args.json,
            live,
            display,
            control,
            paused: false,
            paused_since_ms: None,
            pause_offset_ms: 0.0,
            last: None,
            inference_ms: Vec::new(),
            recent: Default::default(),
            dropped: 0,
            pain: args.pain,
            ask_pain: args.pain.ask && args.window && super::display_available() && !args.review,
            check_in: None,
            // The demonstration as a source too: shown first, then counted
            // in, so coaching starts at its beginning, as with a camera.
            show_demos: args.show_demos
                && args.window
                && super::display_available()
                && !args.review,
            back_home: args.back_home,
            showing: None,
            count_in_until: None,
            demo_played_for: None,
            ghost_on: false,
            counting_since: None,
            looked: false,
        })
    }

    fn runner(&mut self) -> anyhow::Result<&mut SessionRunner> {
        self.runner
            .as_mut()
            .context("the session has already ended")
    }

    fn last_t_ms(&self) -> f64 {
        self.runner.as_ref().map_or(0.0, SessionRunner::last_t_ms)
    }

    /// Runs until the input ends, the session ends, or the person quits.
    pub fn run(
        mut self,
        frames: &Receiver<Captured>,
        commands: &Receiver<Command>,
        dropped: &Dropped,
    ) -> anyhow::Result<Outcome> {
        let result = self
            .before()
            .and_then(|()| self.run_loop(frames, commands, dropped));
        // Unless the person quit, their pain afterwards.
        let result = result.and_then(|()| self.after(commands));
        // Whatever happened, what was recorded is kept and the window told.
        let finished = self.finish();
        result.and(finished)
    }

    /// The pain before: given on the command line, or asked in the window
    /// (the input waits meanwhile: a file is paused, a camera's frames
    /// are shown but not coached).
    fn before(&mut self) -> anyhow::Result<()> {
        if let Some(score) = self.pain.before {
            return self.session_command(0.0, &pain(score, PainMoment::Before));
        }
        if self.ask_pain {
            self.check_in = Some((PainMoment::Before, None));
            self.paused = true;
            self.control.set_paused(true);
            self.show_status(self.status());
        }
        Ok(())
    }

    /// Plays the current exercise's demonstration (if it has one): the
    /// session waits meanwhile, as for the check-in.
    fn start_demo(&mut self) {
        let Some(runner) = self.runner.as_ref() else {
            return;
        };
        if runner.finished() {
            return;
        }
        let exercise = runner.session().current_exercise();
        self.demo_played_for = Some(runner.session().current_index());
        let Some(demo) = &exercise.demo else {
            return;
        };
        let frames: Vec<PoseFrame> = demo
            .preview()
            .frames
            .iter()
            .map(|f| f.landmarks())
            .collect();
        let (Some(first), Some(bounds)) = (frames.first(), Bounds::of(&frames)) else {
            return;
        };
        self.showing = Some(Showing {
            demo: Demonstration {
                exercise_name: exercise.name.clone(),
                instructions: exercise.instructions.clone(),
                view_needed: placement::needed(exercise),
                figure: first.clone(),
                bounds,
                props: demo.props.clone(),
                progress: 0.0,
            },
            frames,
            started: Instant::now(),
        });
        self.count_in_until = None;
        self.paused = true;
        self.control.set_paused(true);
        self.show_status(self.status());
    }

    /// The demonstration is over (or the person has seen enough): count in.
    /// The session's own "get ready" pause, when under way, is the count-in.
    fn end_demo(&mut self) {
        if self.showing.take().is_none() {
            return;
        }
        let getting_ready = self
            .last
            .as_ref()
            .and_then(|d| d.feedback.as_ref())
            .is_some_and(|f| f.get_ready_s.is_some());
        let count_in_s = if getting_ready { 0 } else { COUNT_IN_S };
        self.count_in_until = Some(Instant::now() + Duration::from_secs(count_in_s));
        // Shows the count-in (or, with none, the session going on).
        self.tick();
    }

    /// The demonstration's figure moves on; the count-in ends.
    fn tick(&mut self) {
        if let Some(showing) = &self.showing {
            if showing.started.elapsed() >= showing.duration() {
                self.end_demo();
            } else {
                self.show_status(self.status());
            }
            return;
        }
        if let Some(until) = self.count_in_until {
            if Instant::now() >= until {
                self.count_in_until = None;
                self.paused = false;
                self.control.set_paused(false);
                if std::mem::take(&mut self.looked)
                    && let Some(runner) = self.runner.as_mut()
                {
                    runner.lose_track();
                }
            }
            self.show_status(self.status());
        }
    }

    /// Whether a demonstration or its count-in is under way.
    fn demonstrating(&self) -> bool {
        self.showing.is_some() || self.count_in_until.is_some()
    }

    /// The pain after: given on the command line, or asked in the window
    /// until answered or skipped (not after a quit).
    fn after(&mut self, commands: &Receiver<Command>) -> anyhow::Result<()> {
        let t_ms = self.last_t_ms();
        if let Some(score) = self.pain.after {
            return self.session_command(t_ms, &pain(score, PainMoment::After));
        }
        if !self.ask_pain || self.control.quitting() {
            return Ok(());
        }
        let summary = self.runner.as_ref().map(|r| r.session().summary().clone());
        if let Some(stop) = summary.as_ref().and_then(|s| s.stop()) {
            // A score that rose and stopped the session was just given: it
            // is the pain after, and is not asked again.
            let just_given = summary.as_ref().and_then(|s| {
                s.pain
                    .during
                    .iter()
                    .rev()
                    .find(|d| (stop.t_s - d.t_s).abs() <= JUST_GIVEN_S)
            });
            if stop.cause == StopCause::Pain
                && let Some(given) = just_given
            {
                return self.session_command(t_ms, &pain(given.score, PainMoment::After));
            }
            // The advice first, alone; the question only when asked for.
            self.show_status(Status::StopAdvice(stop.reason.clone()));
            loop {
                crossbeam_channel::select! {
                    recv(commands) -> command => match command {
                        Ok(Command::NotePain) => break,
                        Ok(Command::Quit) => {
                            self.control.quit();
                            return Ok(());
                        }
                        Ok(_) => {}
                        Err(_) => return Ok(()),
                    },
                    recv(self.control.quit_signal()) -> _ => return Ok(()),
                }
            }
        }
        self.check_in = Some((PainMoment::After, None));
        self.show_status(self.status());
        while self.check_in.is_some() {
            crossbeam_channel::select! {
                recv(commands) -> command => match command {
                    Ok(command) => self.command(command)?,
                    // The window closed.
                    Err(_) => return Ok(()),
                },
                recv(self.control.quit_signal()) -> _ => return Ok(()),
            }
        }
        Ok(())
    }

    /// What the window shows about the session now.
    fn status(&self) -> Status {
        if let Some((moment, selected)) = self.check_in {
            return Status::PainCheckIn { moment, selected };
        }
        if let Some(showing) = &self.showing {
            return Status::ShowMe(Box::new(showing.now()));
        }
        if let Some(until) = self.count_in_until {
            let left = until.saturating_duration_since(Instant::now());
            return Status::CountIn(left.as_secs_f64().ceil().max(1.0) as u32);
        }
        if self.paused {
            Status::Paused
        } else {
            Status::Running
        }
    }

    /// A key of the pain check-in; a digit during the session is the pain
    /// now.
    fn pain_key(&mut self, key: PainKey) -> anyhow::Result<()> {
        let t_ms = self.last_t_ms();
        let Some((moment, selected)) = self.check_in else {
            if let PainKey::Digit(score) = key
                && self.runner.as_ref().is_some_and(|r| !r.finished())
            {
                let said = self.session_command_said(t_ms, &pain(score, PainMoment::During))?;
                // Confirmed on screen at once, for a moment; a rise's advice
                // ("go gently") in its place, longer, over whatever else the
                // screen says (the get-ready pause too).
                let advice = said.iter().find_map(|e| match &e.event {
                    Event::Cue { text, .. } => Some(text.clone()),
                    _ => None,
                });
                self.note = Some(match advice {
                    Some(text) => (text, Instant::now() + ADVICE_SHOWN),
                    None => (format!("Pain {score} noted"), Instant::now() + NOTE_SHOWN),
                });
                self.show_status(self.status());
            }
            return Ok(());
        };
        let chosen = match key {
            // 1 then 0 is 10.
            PainKey::Digit(0) if selected == Some(1) => Some(MAX_PAIN),
            PainKey::Digit(d) => Some(d.min(MAX_PAIN)),
            PainKey::Up => Some(selected.map_or(0, |s| (s + 1).min(MAX_PAIN))),
            PainKey::Down => Some(selected.map_or(0, |s| s.saturating_sub(1))),
            PainKey::Confirm => {
                if let Some(score) = selected {
                    self.session_command(t_ms, &pain(score, moment))?;
                    self.end_check_in(moment);
                }
                return Ok(());
            }
            PainKey::Skip => {
                self.end_check_in(moment);
                return Ok(());
            }
            PainKey::Clicked(score) => {
                let score = score.min(MAX_PAIN);
                self.check_in = Some((moment, Some(score)));
                self.session_command(t_ms, &pain(score, moment))?;
                self.end_check_in(moment);
                return Ok(());
            }
        };
        self.check_in = Some((moment, chosen));
        self.show_status(self.status());
        Ok(())
    }

    fn end_check_in(&mut self, moment: PainMoment) {
        self.check_in = None;
        if moment == PainMoment::Before {
            self.paused = false;
            self.control.set_paused(false);
        }
        self.show_status(self.status());
    }

    /// Blocks until a frame, a key or the quit signal comes: nothing is
    /// polled.
    fn run_loop(
        &mut self,
        frames: &Receiver<Captured>,
        commands: &Receiver<Command>,
        dropped: &Dropped,
    ) -> anyhow::Result<()> {
        let quit = self.control.clone();
        let mut commands = commands.clone();
        let no_frames = crossbeam_channel::never();
        let ticker = crossbeam_channel::tick(DEMO_TICK);
        let no_ticks = crossbeam_channel::never();
        loop {
            if quit.quitting() || self.runner.as_ref().is_none_or(SessionRunner::finished) {
                return Ok(());
            }
            let ticks = if self.demonstrating() {
                &ticker
            } else {
                &no_ticks
            };
            // Paused on a file: the file waits too, only the keys matter.
            let frames = if self.paused && !self.live {
                &no_frames
            } else {
                frames
            };
            crossbeam_channel::select! {
                recv(commands) -> command => match command {
                    Ok(command) => self.command(command)?,
                    // No window: no keys will come.
                    Err(_) => commands = crossbeam_channel::never(),
                },
                recv(frames) -> captured => match captured {
                    Ok(captured) => {
                        self.dropped = dropped.get();
                        self.frame(&captured)?;
                    }
                    // The input has ended.
                    Err(_) => return Ok(()),
                },
                recv(ticks) -> _ => self.tick(),
                recv(quit.quit_signal()) -> _ => return Ok(()),
            }
        }
    }

    fn frame(&mut self, captured: &Captured) -> anyhow::Result<()> {
        // A new exercise: its demonstration first, beside this picture.
        if self.show_demos && self.check_in.is_none() && !self.demonstrating() {
            let due = self.runner.as_ref().is_some_and(|r| {
                !r.finished() && self.demo_played_for != Some(r.session().current_index())
            });
            if due {
                self.start_demo();
            }
        }
        if self.paused {
            // Live and paused: the picture stays live, the session waits.
            self.paused_since_ms.get_or_insert(captured.t_ms);
            // Before counting, the pose is looked for: where the person
            // stands is shown.
            let pose = if self.demonstrating() {
                self.looked = true;
                self.runner()?.look(Input {
                    t_ms: captured.t_ms,
                    size: captured.size,
                    seen: seen(captured)?,
                })?
            } else {
                None
            };
            let mut display = self.display_for(captured, pose, None);
            display.status = self.status();
            self.show(display);
            return Ok(());
        }
        if let Some(since) = self.paused_since_ms.take() {
            self.pause_offset_ms += captured.t_ms - since;
        }
        let t_ms = captured.t_ms - self.pause_offset_ms;
        let started = Instant::now();
        let step = self.runner()?.step(Input {
            t_ms,
            size: captured.size,
            seen: seen(captured)?,
        })?;
        self.inference_ms
            .push(started.elapsed().as_secs_f64() * 1000.0);
        self.events(&step.events)?;
        for c in &step.commands {
            self.said(c.t_ms, &c.command)?;
        }
        let index = self.runner()?.session().current_index();
        if step.feedback.get_ready_s.is_none()
            && self.counting_since.is_none_or(|(i, _)| i != index)
        {
            self.counting_since = Some((index, t_ms));
        }
        let display = self.display_for(captured, step.pose, Some(step.feedback));
        self.show(display);
        Ok(())
    }

    /// The placement indicator (while demonstrating, getting ready, and
    /// the first seconds of counting) and the ghost (G), for this pose.
    fn overlays(
        &self,
        pose: Option<&PoseFrame>,
        feedback: Option<&SessionFeedback>,
    ) -> (Option<Placement>, Option<PoseFrame>) {
        let Some(runner) = self.runner.as_ref() else {
            return (None, None);
        };
        let exercise = runner.session().current_exercise();
        let t_ms = runner.last_t_ms();
        let starting = self.counting_since.is_none_or(|(i, since)| {
            i != runner.session().current_index() || t_ms - since < PLACEMENT_SHOWN_MS
        });
        let show_placement = self.demonstrating()
            || feedback.is_some_and(|f| f.get_ready_s.is_some())
            || (starting && !runner.finished());
        let placement = show_placement.then(|| placement::judge(exercise, pose));
        let ghost = match (&exercise.demo, pose) {
            (Some(demo), Some(pose)) if self.ghost_on && !self.demonstrating() => {
                ghost_over(&demo.key_pose().landmarks(), pose)
            }
            _ => None,
        };
        (placement, ghost)
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
        let (placement, ghost) = self.overlays(
            pose.as_ref(),
            feedback
                .as_ref()
                .or(self.last.as_ref().and_then(|d| d.feedback.as_ref())),
        );
        let last = self.last.as_ref();
        Display {
            placement,
            ghost,
            image: captured.image.clone(),
            size: captured.size,
            pose,
            feedback: feedback.or_else(|| last.and_then(|d| d.feedback.clone())),
            status: Status::Running,
            muted: self.muted,
            demonstration: self.demonstration,
            mirrored: self
                .runner
                .as_ref()
                .is_some_and(|r| r.session().current_exercise().view == ExerciseView::Front),
            arrived: Some(captured.arrived),
            inference_fps: self.recent.len() as f64,
            dropped: self.dropped,
            note: self.note_now(),
        }
    }

    /// The confirmation still shown, if any.
    fn note_now(&self) -> Option<String> {
        self.note
            .as_ref()
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(text, _)| text.clone())
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
                demonstration: self.demonstration,
                mirrored: false,
                arrived: None,
                inference_fps: 0.0,
                dropped: self.dropped,
                placement: None,
                ghost: None,
                note: None,
            },
        };
        // What changed meanwhile (a demonstration began, the ghost was
        // toggled) shows on this picture too; the end screen keeps its own.
        if self.runner.is_some() {
            (display.placement, display.ghost) =
                self.overlays(display.pose.as_ref(), display.feedback.as_ref());
        }
        display.status = status;
        display.muted = self.muted;
        display.note = self.note_now();
        display.arrived = None;
        self.show(display);
    }

    fn events(&mut self, events: &[SessionEvent]) -> anyhow::Result<()> {
        let t_ms = self.last_t_ms();
        for event in events {
            self.print(event, &super::super::replay::describe(event))?;
            for sound in Sound::for_event(&event.event) {
                self.sound(t_ms, sound);
            }
        }
        Ok(())
    }

    /// Plays (or writes) `sound` at session time `t_ms`, unless muted.
    fn sound(&self, t_ms: f64, sound: Sound) {
        if let (false, Some(audio)) = (self.muted, &self.audio) {
            let _ignored = audio.sender.send((t_ms, sound, Instant::now()));
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
            AppEvent::Pain {
                t_ms,
                score,
                moment,
            } => format!(
                "{:7.1} s  pain {score} of {MAX_PAIN} ({})",
                t_ms / 1000.0,
                match moment {
                    PainMoment::Before => "before",
                    PainMoment::During => "during",
                    PainMoment::After => "after",
                }
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
        let t_ms = self.last_t_ms();
        match command {
            Command::TogglePause => {
                self.paused = !self.paused;
                self.control.set_paused(self.paused);
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
            Command::Pain(key) => self.pain_key(key)?,
            Command::ShowMe => {
                if self.check_in.is_none() {
                    self.start_demo();
                }
            }
            Command::EndDemo => self.end_demo(),
            Command::ToggleGhost => {
                // Shown (or hidden) at once, even on a paused picture.
                self.ghost_on = !self.ghost_on;
                self.show_status(self.status());
            }
            // Only meaningful on the stop's advice (see `after`).
            Command::NotePain => {}
            Command::Quit => {
                self.control.quit();
            }
        }
        Ok(())
    }

    /// Does what the person asked now (recorded, so a replay does it
    /// too), and says so.
    fn session_command(&mut self, t_ms: f64, command: &SessionCommand) -> anyhow::Result<()> {
        self.session_command_said(t_ms, command).map(drop)
    }

    /// `session_command`, returning what the session said back.
    fn session_command_said(
        &mut self,
        t_ms: f64,
        command: &SessionCommand,
    ) -> anyhow::Result<Vec<SessionEvent>> {
        let events = self.runner()?.command(t_ms, command)?;
        self.said(t_ms, command)?;
        self.events(&events)?;
        Ok(events)
    }

    /// Says what a command did: printed, and the pain advice spoken.
    fn said(&mut self, t_ms: f64, command: &SessionCommand) -> anyhow::Result<()> {
        match command {
            SessionCommand::NextExercise => self.app_event(&AppEvent::NextExercise { t_ms }),
            SessionCommand::PreviousExercise => {
                self.app_event(&AppEvent::PreviousExercise { t_ms })
            }
            SessionCommand::RestartExercise => self.app_event(&AppEvent::Restarted { t_ms }),
            SessionCommand::Stop { .. } => {
                self.sound(t_ms, Sound::Speech(PAIN_ADVICE.join(" ")));
                Ok(())
            }
            SessionCommand::Pain { score, moment } => self.app_event(&AppEvent::Pain {
                t_ms,
                score: *score,
                moment: *moment,
            }),
        }
    }

    /// Adds the finished session to the history (unless nothing was seen
    /// or --no-save).
    fn add_to_history(&self, finished: &Finished) -> anyhow::Result<()> {
        let Some(dir) = &self.history_dir else {
            return Ok(());
        };
        if finished.frames == 0 {
            return Ok(());
        }
        let info = SessionInfo {
            started_at: self.started_at,
            duration_s: finished.last_t_ms / 1000.0,
            routine: finished.plan.routine.clone(),
            source: self.source_name.clone(),
            recording: finished.saved.clone(),
            recording_sha256: finished
                .saved
                .as_deref()
                .map(posecoach::history::content_id)
                .transpose()?,
        };
        let record = SessionRecord::new(&info, &finished.summary, &finished.ranges, &self.catalog);
        match (
            History::open_in(dir).and_then(|mut h| h.add(&record)),
            &finished.saved,
        ) {
            (Ok(_), _) => Ok(()),
            // Nothing is lost: the recording holds the whole session.
            (Err(e), Some(saved)) => Err(anyhow::anyhow!(
                "{e}; the session is saved: add it to the history later with `posecoach history add {}`",
                saved.display()
            )),
            (Err(e), None) => Err(e.into()),
        }
    }

    /// Closes the recording, the audio file, prints the summary and shows
    /// the end screen.
    fn finish(&mut self) -> anyhow::Result<Outcome> {
        let runner = self
            .runner
            .take()
            .context("the session has already ended")?;
        // The end of the session: a hold under way counts, and is recorded.
        let finished = runner.finish();
        let mut result = Ok(());
        if let Ok(finished) = &finished {
            result = self.events(&finished.events);
            if finished.pictures_left_out > 0 {
                eprintln!(
                    "warning: {} video frames were left out of the recording (the encoder could not keep up); their poses are there",
                    finished.pictures_left_out
                );
            }
            if let Some(path) = &finished.saved {
                result = result.and(self.app_event(&AppEvent::Saved { path: path.clone() }));
            } else if self.demonstration && self.print_events && !self.json {
                println!("{DEMONSTRATION_LABEL}: it is not your own progress");
            }
        }
        if let Some(audio) = self.audio.take()
            && let Err(e) = audio.finish()
        {
            result = result.and(Err(e));
        }
        let finished = finished?;
        if let Err(e) = self.add_to_history(&finished) {
            result = result.and(Err(e));
        }
        let summary = &finished.summary;
        super::super::replay::print_summary(summary, self.json, &mut std::io::stdout().lock())?;
        let status = match summary.stop() {
            Some(stop) => Status::Stopped(stop.reason.clone()),
            None => Status::Finished(Box::new(EndScreen::new(
                summary,
                |id| self.catalog.exercise(id),
                self.back_home,
                self.demonstration,
            ))),
        };
        self.show_status(status);
        let mut inference_ms = self.inference_ms.clone();
        result.map(|()| Outcome {
            frames: finished.frames,
            inference_ms_p50: super::quantile(&mut inference_ms, 0.5),
            inference_ms_p95: super::quantile(&mut inference_ms, 0.95),
        })
    }
}
