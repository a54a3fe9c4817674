//! The recorder thread: writes the session file, so encoding video frames
//! (about 15 ms each) never holds up inference. Lines are written in the
//! order they are sent. Live (a camera, or `--live`), when video cannot
//! keep up, a frame's pose is still written but its picture is left out,
//! and counted; from a file every picture is written.

use std::sync::Arc;
use std::sync::mpsc::{SyncSender, TrySendError};

use image::RgbImage;

use super::{FrameRecord, Recorder, RecordingError};
use crate::session::{SessionCommand, SessionEvent};

/// Lines waiting to be written. With video, a full queue means the encoder
/// is behind: the next pictures are skipped until it catches up.
const QUEUE_LEN: usize = 8;

enum Job {
    Frame(FrameRecord, Option<Arc<RgbImage>>),
    Event(SessionEvent),
    Command(f64, SessionCommand),
}

#[derive(Debug)]
pub struct RecorderThread {
    path: std::path::PathBuf,
    sender: Option<SyncSender<Job>>,
    thread: Option<std::thread::JoinHandle<Result<(), RecordingError>>>,
    video: bool,
    /// Live: skip pictures rather than wait for the encoder.
    live: bool,
    /// Pictures left out because the encoder was behind.
    skipped: u64,
}

impl RecorderThread {
    /// Starts writing to `recorder`; with `video`, frames' pictures too.
    pub fn start(
        mut recorder: Recorder,
        video: bool,
        live: bool,
    ) -> Result<RecorderThread, RecordingError> {
        let path = recorder.path.clone();
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(QUEUE_LEN);
        let thread = std::thread::Builder::new()
            .name("recorder".into())
            .spawn(move || {
                for job in receiver {
                    match job {
                        Job::Frame(record, Some(image)) => {
                            match super::encode_video_frame(&image) {
                                Ok(jpeg) => recorder.frame_with_video(&record, &jpeg)?,
                                Err(e) => {
                                    tracing::warn!("a video frame could not be encoded: {e}");
                                    recorder.frame(&record)?;
                                }
                            }
                        }
                        Job::Frame(record, None) => recorder.frame(&record)?,
                        Job::Event(event) => recorder.event(&event)?,
                        Job::Command(t_ms, command) => recorder.command(t_ms, &command)?,
                    }
                }
                recorder.finish()
            })
            .map_err(|e| RecordingError::Io {
                path: path.clone(),
                reason: format!("cannot start the recorder thread: {e}"),
            })?;
        Ok(RecorderThread {
            path,
            sender: Some(sender),
            thread: Some(thread),
            video,
            live,
            skipped: 0,
        })
    }

    fn stopped(&self, reason: &str) -> RecordingError {
        RecordingError::Io {
            path: self.path.clone(),
            reason: reason.into(),
        }
    }

    fn send(&mut self, job: Job) -> Result<(), RecordingError> {
        let Some(sender) = &self.sender else {
            return Err(self.stopped("the recording has already been closed"));
        };
        if sender.send(job).is_err() {
            // The thread stopped on an error: report it.
            return Err(self
                .join()
                .err()
                .unwrap_or_else(|| self.stopped("the recording stopped")));
        }
        Ok(())
    }

    /// Records a frame's pose (and, with video, its picture when the
    /// encoder keeps up).
    pub fn frame(
        &mut self,
        record: FrameRecord,
        image: Option<&Arc<RgbImage>>,
    ) -> Result<(), RecordingError> {
        match (self.video, image, &self.sender) {
            (true, Some(image), Some(_)) if !self.live => {
                self.send(Job::Frame(record, Some(image.clone())))
            }
            (true, Some(image), Some(sender)) => {
                match sender.try_send(Job::Frame(record, Some(image.clone()))) {
                    Ok(()) => Ok(()),
                    Err(TrySendError::Full(Job::Frame(record, _))) => {
                        self.skipped += 1;
                        self.send(Job::Frame(record, None))
                    }
                    Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) => {
                        self.send(job)
                    }
                }
            }
            _ => self.send(Job::Frame(record, None)),
        }
    }

    pub fn event(&mut self, event: SessionEvent) -> Result<(), RecordingError> {
        self.send(Job::Event(event))
    }

    pub fn command(&mut self, t_ms: f64, command: SessionCommand) -> Result<(), RecordingError> {
        self.send(Job::Command(t_ms, command))
    }

    fn join(&mut self) -> Result<(), RecordingError> {
        self.sender = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(self.stopped("the recorder thread failed")),
            None => Ok(()),
        }
    }

    /// Writes what is queued, syncs the file and returns the number of
    /// pictures left out.
    pub fn finish(mut self) -> Result<u64, RecordingError> {
        self.join()?;
        Ok(self.skipped)
    }
}
