//! The capture thread: reads frames from a camera, a file or a recorded
//! session and queues them for inference, paced as asked.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use image::RgbImage;

use super::super::replay::{self, Selection};
use super::Control;
use super::queue::Producer;
use posecoach::exercise::body::{Body, FPS, MODEL_IMAGE_PX};
use posecoach::exercise::demo;
use posecoach::recording::{
    self, FrameRecord, Header, Line, Reader, RecordedCommand, SessionVideo,
};
use posecoach::source::camera::{Camera, CameraRequest};
use posecoach::source::{self, FrameSource, Unreadable};

/// How long to wait before asking a camera again after a failed frame.
const CAMERA_RETRY: Duration = Duration::from_millis(10);

#[derive(Debug, Clone)]
pub enum SourceSpec {
    Camera(CameraRequest),
    Path(PathBuf),
    /// The demonstrations of the selected exercises.
    Demo(Selection),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pacing {
    /// A camera paces itself.
    Camera,
    /// At the file's timestamps, `speed` times real time.
    RealTime {
        speed: f64,
    },
    AsFastAsPossible,
}

/// One frame on its way to inference.
#[derive(Debug, Clone)]
pub struct Captured {
    /// None for a poses-only recording.
    pub image: Option<Arc<RgbImage>>,
    pub size: (u32, u32),
    /// The recorded pose, for a recorded session.
    pub recorded: Option<FrameRecord>,
    pub t_ms: f64,
    /// When the frame was read: latency is measured from here.
    pub arrived: Instant,
}

/// What the source is, known once it opened.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// A file name, or "camera N".
    pub name: String,
    /// A recorded session's header.
    pub header: Option<Header>,
    /// What the person asked during a recorded session, to do again.
    pub commands: Vec<RecordedCommand>,
}

#[derive(Debug)]
pub struct CaptureHandle {
    pub info: SourceInfo,
    thread: std::thread::JoinHandle<Result<(), source::SourceError>>,
}

impl CaptureHandle {
    /// Waits for the capture to end: an error when its source had no
    /// readable frame at all.
    pub fn join(self) -> Result<(), source::SourceError> {
        self.thread.join().unwrap_or_else(|_| {
            tracing::warn!("the capture thread failed");
            Ok(())
        })
    }
}

enum Opened {
    Frames(Box<dyn FrameSource>),
    /// A poses-only recording, read line by line.
    Recording(Box<Reader>),
    /// Poses made here, in a picture of this size.
    Poses(Vec<FrameRecord>, (u32, u32)),
}

/// What a demonstration's session says it was coached from.
const DEMO_SOURCE_NAME: &str = "demonstration (body model)";

fn open(spec: &SourceSpec) -> anyhow::Result<(Opened, SourceInfo)> {
    match spec {
        SourceSpec::Camera(request) => Ok((
            Opened::Frames(Box::new(Camera::open(request)?)),
            SourceInfo {
                name: format!("camera {}", request.index),
                header: None,
                commands: Vec::new(),
            },
        )),
        SourceSpec::Path(path) if recording::is_recording(path) => {
            let reader = Reader::open(path)?;
            let info = SourceInfo {
                name: source::file_name(path),
                header: Some(reader.header.clone()),
                // Read first: the frames go through a queue that may drop
                // some, the commands must all be done at their times.
                commands: recording::read_commands(path)?,
            };
            if reader.header.video {
                // Recorded with its video: the model sees the pictures again.
                return Ok((Opened::Frames(Box::new(SessionVideo::open(path)?)), info));
            }
            Ok((Opened::Recording(Box::new(reader)), info))
        }
        SourceSpec::Demo(selection) => {
            let (plan, catalog) = replay::resolve(selection, None, "")?;
            let exercises = replay::exercises_of(&plan, &catalog)?;
            if let Some(too_long) = demo::session_demo_problem(&exercises, plan.get_ready_s) {
                anyhow::bail!("{}: {too_long}", plan.label());
            }
            let Some(motion) = demo::session_motion(&exercises, plan.get_ready_s) else {
                anyhow::bail!(
                    "{} has no demonstration ([demo] in its file)",
                    plan.exercises.join(", ")
                );
            };
            let (width, height) = MODEL_IMAGE_PX;
            let header = Header {
                posecoach_session: recording::SESSION_FORMAT_VERSION,
                plan,
                source: DEMO_SOURCE_NAME.into(),
                width: width as u32,
                height: height as u32,
                started_at: None,
                video: false,
            };
            let frames = motion
                .frames
                .iter()
                .enumerate()
                .map(|(i, figure)| {
                    FrameRecord::from_frame(i as f64 * 1000.0 / FPS, &figure.landmarks())
                })
                .collect();
            Ok((
                Opened::Poses(frames, (header.width, header.height)),
                SourceInfo {
                    name: DEMO_SOURCE_NAME.into(),
                    header: Some(header),
                    commands: Vec::new(),
                },
            ))
        }
        SourceSpec::Path(path) => Ok((
            Opened::Frames(source::open(path)?),
            SourceInfo {
                name: source::file_name(path),
                header: None,
                commands: Vec::new(),
            },
        )),
    }
}

/// Opens the source (on the capture thread: a camera handle stays on the
/// thread that made it) and starts reading. An error opening is returned
/// here, before anything else starts.
pub fn start(
    spec: SourceSpec,
    queue: Producer<Captured>,
    control: Arc<Control>,
    pacing: Pacing,
) -> anyhow::Result<CaptureHandle> {
    let (opened_tx, opened_rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            let (opened, info) = match open(&spec) {
                Ok(opened) => opened,
                Err(e) => {
                    let _ignored = opened_tx.send(Err(e));
                    return Ok(());
                }
            };
            let source = match &spec {
                SourceSpec::Path(path) => path.clone(),
                _ => PathBuf::from(&info.name),
            };
            if opened_tx.send(Ok(info)).is_err() {
                return Ok(());
            }
            let mut pacer = Pacer::new(pacing);
            let mut read = Ok(());
            match opened {
                Opened::Frames(frames) => {
                    read = read_frames(frames, &source, &queue, &control, &mut pacer);
                }
                Opened::Recording(reader) => {
                    read_recording(*reader, &queue, &control, &mut pacer);
                }
                Opened::Poses(frames, size) => {
                    read_poses(frames, size, &queue, &control, &mut pacer);
                }
            }
            // Dropping the producer tells inference the input has ended.
            drop(queue);
            read
        })
        .context("cannot start the capture thread")?;
    match opened_rx.recv() {
        Ok(Ok(info)) => Ok(CaptureHandle { info, thread }),
        Ok(Err(e)) => {
            let _ignored = thread.join();
            Err(e)
        }
        Err(_) => {
            let _ignored = thread.join();
            anyhow::bail!("the capture thread failed while opening the source")
        }
    }
}

fn read_frames(
    mut frames: Box<dyn FrameSource>,
    source: &Path,
    queue: &Producer<Captured>,
    control: &Control,
    pacer: &mut Pacer,
) -> Result<(), source::SourceError> {
    let mut unreadable = Unreadable::default();
    while !control.quitting() {
        if !pacer.wait_while_paused(control) {
            return Ok(());
        }
        let frame = match frames.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => {
                if let Some(count) = unreadable.finish(source)? {
                    eprintln!("{count}");
                }
                return Ok(());
            }
            Err(e) if pacer.pacing == Pacing::Camera => {
                tracing::warn!("{e}");
                if !control.sleep_until(Instant::now() + CAMERA_RETRY) {
                    return Ok(());
                }
                continue;
            }
            Err(e) => {
                // One unreadable frame is skipped (a video that broke off
                // says so, then ends).
                if let Some(warning) = unreadable.note(&e) {
                    eprintln!("{warning}");
                }
                continue;
            }
        };
        unreadable.read();
        if !pacer.wait_for(frame.t_ms, control) {
            return Ok(());
        }
        let size = frame.image.dimensions();
        let captured = Captured {
            image: Some(Arc::new(frame.image)),
            size,
            recorded: None,
            t_ms: frame.t_ms,
            arrived: Instant::now(),
        };
        if !queue.push(captured) {
            return Ok(());
        }
    }
    Ok(())
}

fn read_recording(
    mut reader: Reader,
    queue: &Producer<Captured>,
    control: &Control,
    pacer: &mut Pacer,
) {
    let size = (reader.header.width, reader.header.height);
    loop {
        let frame = match reader.next_line() {
            Ok(Some(Line::Frame { record, .. })) => record,
            Ok(Some(Line::Command { .. } | Line::Event)) => continue,
            Ok(None) => break,
            Err(e) => {
                // The poses before the bad line have been coached.
                tracing::error!("{e}");
                break;
            }
        };
        if !send_pose(frame, size, queue, control, pacer) {
            return;
        }
    }
    if let Some(line) = reader.truncated_at_line {
        tracing::warn!(
            "{}: line {line}: cut off (the recording was interrupted); using everything before it",
            reader.path().display()
        );
    }
}

fn read_poses(
    frames: Vec<FrameRecord>,
    size: (u32, u32),
    queue: &Producer<Captured>,
    control: &Control,
    pacer: &mut Pacer,
) {
    for frame in frames {
        if !send_pose(frame, size, queue, control, pacer) {
            return;
        }
    }
}

/// Queues a recorded (or made) pose when it is due. False when asked to
/// quit or nobody takes frames any more.
fn send_pose(
    frame: FrameRecord,
    size: (u32, u32),
    queue: &Producer<Captured>,
    control: &Control,
    pacer: &mut Pacer,
) -> bool {
    if control.quitting()
        || !pacer.wait_while_paused(control)
        || !pacer.wait_for(frame.t_ms, control)
    {
        return false;
    }
    queue.push(Captured {
        image: None,
        size,
        t_ms: frame.t_ms,
        recorded: Some(frame),
        arrived: Instant::now(),
    })
}

/// Keeps a file's frames to their timestamps, minus time spent paused.
#[derive(Debug)]
pub(crate) struct Pacer {
    pacing: Pacing,
    /// Wall time and media time of the first frame.
    origin: Option<(Instant, f64)>,
    paused_total: Duration,
}

impl Pacer {
    pub(crate) fn new(pacing: Pacing) -> Pacer {
        Pacer {
            pacing,
            origin: None,
            paused_total: Duration::ZERO,
        }
    }

    /// Waits while paused (files only; a camera keeps running). False if
    /// asked to quit meanwhile.
    fn wait_while_paused(&mut self, control: &Control) -> bool {
        if self.pacing == Pacing::Camera {
            return !control.quitting();
        }
        let start = Instant::now();
        let going_on = control.wait_while_paused();
        self.paused_total += start.elapsed();
        going_on
    }

    /// Waits until the frame at `t_ms` is due. False if asked to quit.
    pub(crate) fn wait_for(&mut self, t_ms: f64, control: &Control) -> bool {
        let Pacing::RealTime { speed } = self.pacing else {
            return !control.quitting();
        };
        let (wall0, media0) = *self.origin.get_or_insert((Instant::now(), t_ms));
        let offset_s = ((t_ms - media0) / 1000.0 / speed).max(0.0);
        let due = wall0 + Duration::from_secs_f64(offset_s) + self.paused_total;
        control.sleep_until(due)
    }
}
