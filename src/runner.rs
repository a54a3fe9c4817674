//! One coaching session run frame by frame, wherever the frames come
//! from. The live app, a headless replay, the window replaying a
//! recording, `report` and `history add` all go through
//! [`SessionRunner::step`], so they cannot drift apart.
//!
//! The runner owns the [`Session`], the commands recorded in a session
//! being coached again, the best ranges of motion for the history, and
//! optionally the pose model and the recorder. The recording's header is
//! the runner's [`Plan`], so a replay of it does exactly what this run did.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::RgbImage;

use crate::exercise::engine::PoseFrame;
use crate::exercise::model::Exercise;
use crate::history::RangeTracker;
use crate::pose::{ModelError, Pose, PoseEstimator};
use crate::recording::{
    self, CommandQueue, FrameRecord, Header, Line, Reader, RecordedCommand, Recorder,
    RecorderThread, RecordingError, SESSION_FORMAT_VERSION,
};
use crate::session::{
    Plan, Session, SessionCommand, SessionEvent, SessionFeedback, SessionSummary,
};

/// Why a session could not be run.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error(transparent)]
    Pose(#[from] ModelError),
    #[error(transparent)]
    Recording(#[from] RecordingError),
    /// The plan and the exercises given do not match.
    #[error("{0}")]
    Plan(String),
}

/// Where to record the session, and what to say in the header beyond the
/// plan.
#[derive(Debug, Clone)]
pub struct RecordTo {
    pub path: PathBuf,
    /// Where the frames come from (a file name, or "camera N").
    pub source: String,
    /// When the session started (RFC 3339), when known.
    pub started_at: Option<String>,
    /// Keep the pictures too (when the frames have any).
    pub with_video: bool,
    /// Live: pictures the encoder cannot keep up with are left out.
    pub live: bool,
}

/// What was seen in one frame.
#[derive(Debug, Clone, Copy)]
pub enum Seen<'a> {
    /// A picture, for the pose model.
    Picture(&'a Arc<RgbImage>),
    /// A pose recorded earlier.
    Recorded(&'a FrameRecord),
}

/// One frame for the session: its time on the session clock, the size of
/// its picture and what was seen.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub t_ms: f64,
    pub size: (u32, u32),
    pub seen: Seen<'a>,
}

/// What one frame did.
#[derive(Debug, Clone)]
pub struct Step {
    /// The pose, in pixels of the frame.
    pub pose: Option<PoseFrame>,
    pub feedback: SessionFeedback,
    /// The events of this frame, including those of the commands below.
    pub events: Vec<SessionEvent>,
    /// Commands of the session being coached again, done after this frame.
    pub commands: Vec<RecordedCommand>,
}

/// How the session ended.
#[derive(Debug, Clone)]
pub struct Finished {
    /// What the session was to do.
    pub plan: Plan,
    pub summary: SessionSummary,
    pub ranges: RangeTracker,
    /// The events of the end itself (a hold under way that counts).
    pub events: Vec<SessionEvent>,
    pub frames: u64,
    /// The last frame's time.
    pub last_t_ms: f64,
    /// The recording written, if any.
    pub saved: Option<PathBuf>,
    /// Pictures left out of the recording because the encoder was behind.
    pub pictures_left_out: u64,
}

/// A session, run frame by frame.
#[derive(Debug)]
pub struct SessionRunner {
    plan: Plan,
    session: Session,
    ranges: RangeTracker,
    commands: CommandQueue,
    estimator: Option<Box<dyn PoseEstimator + Send>>,
    record_to: Option<RecordTo>,
    recorder: Option<RecorderThread>,
    /// Commands given before the first frame (a pain score given before
    /// the session starts): the recording opens with the first frame's
    /// size, and they are written first then.
    commands_before_recording: Vec<(f64, SessionCommand)>,
    frames: u64,
    last_t_ms: f64,
}

impl std::fmt::Debug for dyn PoseEstimator + Send {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PoseEstimator")
    }
}

impl SessionRunner {
    /// A session doing `plan` with `exercises` (the plan's, in its order).
    pub fn new(plan: Plan, exercises: Vec<Exercise>) -> Result<SessionRunner, RunnerError> {
        let ids: Vec<&str> = exercises.iter().map(|e| e.id.as_str()).collect();
        if ids != plan.exercises {
            return Err(RunnerError::Plan(format!(
                "the exercises given ({}) are not the plan's ({})",
                ids.join(", "),
                plan.exercises.join(", ")
            )));
        }
        let session = Session::new(exercises, plan.get_ready_s)
            .ok_or_else(|| RunnerError::Plan("nothing to do: no exercise".into()))?;
        Ok(SessionRunner {
            plan,
            session,
            ranges: RangeTracker::default(),
            commands: CommandQueue::default(),
            estimator: None,
            record_to: None,
            recorder: None,
            commands_before_recording: Vec::new(),
            frames: 0,
            last_t_ms: 0.0,
        })
    }

    /// Runs the pose model on pictures.
    pub fn with_estimator(mut self, estimator: Box<dyn PoseEstimator + Send>) -> SessionRunner {
        self.estimator = Some(estimator);
        self
    }

    /// Does again what the person asked in the session being coached
    /// again, each after the frame it followed.
    pub fn with_commands(mut self, commands: Vec<RecordedCommand>) -> SessionRunner {
        self.commands = CommandQueue::new(commands);
        self
    }

    /// Records the session (created with the first frame, whose size goes
    /// in the header). Refused at once when the file exists.
    pub fn record_to(mut self, target: RecordTo) -> Result<SessionRunner, RunnerError> {
        if target.path.exists() {
            return Err(RecordingError::Io {
                path: target.path.clone(),
                reason: crate::files::describe_create_error(&std::io::Error::from(
                    std::io::ErrorKind::AlreadyExists,
                )),
            }
            .into());
        }
        self.record_to = Some(target);
        Ok(self)
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Every exercise is done, or the session stopped.
    pub fn finished(&self) -> bool {
        self.session.finished()
    }

    /// The last frame's time on the session clock.
    pub fn last_t_ms(&self) -> f64 {
        self.last_t_ms
    }

    /// Takes one frame: the pose (the model's, or the recorded one), the
    /// session, the recorded commands due, the recording.
    pub fn step(&mut self, input: Input<'_>) -> Result<Step, RunnerError> {
        let (w, h) = input.size;
        let (record, pose, picture) = match input.seen {
            Seen::Recorded(record) => {
                let pose = record
                    .landmarks()
                    .map(|l| PoseFrame::from_landmarks(&l, w, h));
                (
                    FrameRecord {
                        t_ms: input.t_ms,
                        pose: record.pose.clone(),
                    },
                    pose,
                    None,
                )
            }
            Seen::Picture(image) => {
                let pose = self.estimate(image, input.t_ms)?;
                let frame = pose.as_ref().map(|p| PoseFrame::from_pose(p, w, h));
                (
                    FrameRecord::new(input.t_ms, pose.as_ref()),
                    frame,
                    Some(image),
                )
            }
        };
        self.frames += 1;
        self.last_t_ms = input.t_ms;
        self.record_frame(record, input.size, picture)?;
        let (feedback, mut events) = self.session.update(input.t_ms, pose.as_ref());
        if let Some(exercise) = self.session.exercise(&feedback.exercise_id) {
            self.ranges.observe(exercise, &feedback);
        }
        self.record_events(&events)?;
        let commands = self.commands.due(input.t_ms).to_vec();
        for c in &commands {
            events.extend(self.command(c.t_ms, &c.command)?);
        }
        Ok(Step {
            pose,
            feedback,
            events,
            commands,
        })
    }

    /// The pose in a frame that is not coached (the session waits, as
    /// during a demonstration): the pose model runs, nothing is recorded
    /// and the session does not move. Call `lose_track` before coaching
    /// again, so the model's smoothing does not bridge the gap.
    pub fn look(&mut self, input: Input<'_>) -> Result<Option<PoseFrame>, RunnerError> {
        let (w, h) = input.size;
        Ok(match input.seen {
            Seen::Recorded(record) => record
                .landmarks()
                .map(|l| PoseFrame::from_landmarks(&l, w, h)),
            Seen::Picture(image) => self
                .estimate(image, input.t_ms)?
                .map(|p| PoseFrame::from_pose(&p, w, h)),
        })
    }

    /// The pose model on a picture (none without a model).
    fn estimate(&mut self, image: &RgbImage, t_ms: f64) -> Result<Option<Pose>, RunnerError> {
        Ok(match &mut self.estimator {
            Some(estimator) => estimator.estimate(image, t_ms)?,
            None => None,
        })
    }

    /// The pose model loses its track (a frame could not be read): the
    /// next frame is searched whole.
    pub fn lose_track(&mut self) {
        if let Some(estimator) = &mut self.estimator {
            estimator.reset();
        }
    }

    /// Does what the person asked at `t_ms` and records it (so a replay
    /// does it too); the events it caused.
    pub fn command(
        &mut self,
        t_ms: f64,
        command: &SessionCommand,
    ) -> Result<Vec<SessionEvent>, RunnerError> {
        match &mut self.recorder {
            Some(recorder) => recorder.command(t_ms, command.clone())?,
            None if self.record_to.is_some() => {
                self.commands_before_recording.push((t_ms, command.clone()));
            }
            None => {}
        }
        let events = self.session.apply(t_ms, command);
        self.record_events(&events)?;
        Ok(events)
    }

    /// Ends the session at the last frame (a hold under way that reached
    /// its time counts) and closes the recording.
    pub fn finish(mut self) -> Result<Finished, RunnerError> {
        let events = self.session.finish(self.last_t_ms);
        let recorded = self.record_events(&events);
        let (saved, pictures_left_out) = match self.recorder.take() {
            Some(recorder) => {
                let left_out = recorder.finish()?;
                (self.record_to.map(|r| r.path), left_out)
            }
            None => (None, 0),
        };
        recorded?;
        Ok(Finished {
            plan: self.plan,
            summary: self.session.summary().clone(),
            ranges: self.ranges,
            events,
            frames: self.frames,
            last_t_ms: self.last_t_ms,
            saved,
            pictures_left_out,
        })
    }

    fn record_frame(
        &mut self,
        record: FrameRecord,
        size: (u32, u32),
        picture: Option<&Arc<RgbImage>>,
    ) -> Result<(), RunnerError> {
        if self.recorder.is_none()
            && let Some(target) = &self.record_to
        {
            if let Some(dir) = target.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::files::create_private_dir(dir).map_err(|e| RecordingError::Io {
                    path: dir.to_path_buf(),
                    reason: format!("cannot create the folder: {e}"),
                })?;
            }
            // Pictures are kept only when asked and when there are any.
            let video = target.with_video && picture.is_some();
            let header = Header {
                posecoach_session: SESSION_FORMAT_VERSION,
                plan: self.plan.clone(),
                source: target.source.clone(),
                width: size.0,
                height: size.1,
                started_at: target.started_at.clone(),
                video,
            };
            let recorder = Recorder::create(&target.path, &header)?;
            let mut recorder = RecorderThread::start(recorder, video, target.live)?;
            for (t_ms, command) in self.commands_before_recording.drain(..) {
                recorder.command(t_ms, command)?;
            }
            self.recorder = Some(recorder);
        }
        if let Some(recorder) = &mut self.recorder {
            recorder.frame(record, picture)?;
        }
        Ok(())
    }

    fn record_events(&mut self, events: &[SessionEvent]) -> Result<(), RunnerError> {
        if let Some(recorder) = &mut self.recorder {
            for event in events {
                recorder.event(event.clone())?;
            }
        }
        Ok(())
    }
}

/// A recorded session's poses through `runner`, line by line (a recording
/// of any length replays in bounded memory), each command done after the
/// frame it followed. `each` sees every frame's record and step, and how
/// far through the file it is (0-1). Returns the line number of a cut-off
/// last line, if the recording ended in one.
pub fn replay_poses<E: From<RunnerError>>(
    runner: &mut SessionRunner,
    path: &Path,
    mut each: impl FnMut(&FrameRecord, &Step, f64) -> Result<(), E>,
) -> Result<Option<usize>, E> {
    let mut reader = Reader::open(path).map_err(RunnerError::from)?;
    let size = (reader.header.width, reader.header.height);
    let file_len = std::fs::metadata(path).map_or(0, |m| m.len()).max(1) as f64;
    // A frame is stepped once the commands that follow it are read.
    let mut pending: Option<FrameRecord> = None;
    loop {
        let line = reader.next_line().map_err(RunnerError::from)?;
        let next = match line {
            Some(Line::Frame { record, .. }) => Some(record),
            Some(Line::Command { t_ms, command }) => {
                runner.commands.push(RecordedCommand { t_ms, command });
                continue;
            }
            Some(Line::Event) => continue,
            None => None,
        };
        let at_end = next.is_none();
        if let Some(record) = std::mem::replace(&mut pending, next) {
            let step = runner.step(Input {
                t_ms: record.t_ms,
                size,
                seen: Seen::Recorded(&record),
            })?;
            each(
                &record,
                &step,
                (reader.bytes_read() as f64 / file_len).min(1.0),
            )?;
        }
        if at_end || runner.finished() {
            break;
        }
    }
    Ok(reader.truncated_at_line)
}

/// An in-memory recording's poses through `runner` (tests build and cut
/// recordings in memory); the same steps as [`replay_poses`].
pub fn replay_recording(
    runner: &mut SessionRunner,
    recording: &recording::Recording,
) -> Result<(), RunnerError> {
    let size = (recording.header.width, recording.header.height);
    let mut commands = CommandQueue::new(recording.commands.clone());
    for record in &recording.frames {
        runner.step(Input {
            t_ms: record.t_ms,
            size,
            seen: Seen::Recorded(record),
        })?;
        for c in commands.due(record.t_ms).to_vec() {
            runner.command(c.t_ms, &c.command)?;
        }
        if runner.finished() {
            break;
        }
    }
    Ok(())
}
