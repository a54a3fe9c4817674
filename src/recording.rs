//! Recorded sessions on disk: the format, the crash-safe writer and the
//! forgiving reader.
//!
//! Format `posecoach session`, version 1: UTF-8 JSON Lines. The first line
//! is the header; every other line is a frame or an event, written as it
//! happens:
//!
//! ```text
//! {"posecoach_session":1,"exercises":["wall-slide"],"routine":null,"params":{},"source":"demo.mp4","width":1768,"height":994}
//! {"t_ms":0.0,"pose":[[x,y,z,visibility,presence], ... 33 of them]}
//! {"t_ms":33.3,"pose":null}
//! {"exercise_id":"wall-slide","event":"cue","t_ms":2433.3,"id":"hold-start","text":"Hold it: 5 seconds"}
//! ```
//!
//! x and y are normalised to the image, as the pose stage gives them. Each
//! line is flushed to the operating system when written, so a killed
//! process loses nothing it wrote; the file is synced to disk at least once
//! a second, so a power cut loses at most the last second. A reader meeting
//! a cut-off last line replays everything before it and says so.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::pose::{ImageLandmark, NUM_LANDMARKS, Pose};
use crate::session::SessionEvent;

/// The version this program writes and reads.
pub const SESSION_FORMAT_VERSION: u32 = 1;
/// The header key that marks a file as a recorded session.
const MAGIC_KEY: &str = "posecoach_session";
/// How often written lines are forced to the disk.
const SYNC_INTERVAL: Duration = Duration::from_secs(1);
/// Decimal places kept of normalised coordinates (0.1 px on a 1000 px image)
/// and of visibility and presence.
const COORD_DECIMALS: i32 = 4;
const SCORE_DECIMALS: i32 = 3;

/// Why a recording could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}: line {line}: {reason}")]
    Invalid {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// The first line of a recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub posecoach_session: u32,
    /// The exercises, in order (a routine's, or just one).
    pub exercises: Vec<String>,
    pub routine: Option<String>,
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// Where the frames came from (a file name, or "camera").
    pub source: String,
    pub width: u32,
    pub height: u32,
    /// When the session started (RFC 3339, with the local offset); absent
    /// in recordings made before it was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
}

/// A frame line: the pose seen at `t_ms`, or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameRecord {
    pub t_ms: f64,
    pub pose: Option<Vec<[f64; 5]>>,
}

fn round_to(value: f32, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (f64::from(value) * scale).round() / scale
}

impl FrameRecord {
    pub fn new(t_ms: f64, pose: Option<&Pose>) -> FrameRecord {
        FrameRecord {
            t_ms: (t_ms * 10.0).round() / 10.0,
            pose: pose.map(|p| {
                p.landmarks
                    .iter()
                    .map(|l| {
                        [
                            round_to(l.x, COORD_DECIMALS),
                            round_to(l.y, COORD_DECIMALS),
                            round_to(l.z, COORD_DECIMALS),
                            round_to(l.visibility, SCORE_DECIMALS),
                            round_to(l.presence, SCORE_DECIMALS),
                        ]
                    })
                    .collect()
            }),
        }
    }

    /// The landmarks as the pose stage gives them, or None.
    pub fn landmarks(&self) -> Option<[ImageLandmark; NUM_LANDMARKS]> {
        let pose = self.pose.as_ref()?;
        let mut out = [ImageLandmark::default(); NUM_LANDMARKS];
        for (o, v) in out.iter_mut().zip(pose) {
            *o = ImageLandmark {
                x: v[0] as f32,
                y: v[1] as f32,
                z: v[2] as f32,
                visibility: v[3] as f32,
                presence: v[4] as f32,
            };
        }
        Some(out)
    }
}

/// Creates `dir` and its missing parents; a folder it creates is readable
/// by its owner only (sessions and the history are private).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes a recording as the session goes.
#[derive(Debug)]
pub struct Recorder {
    path: PathBuf,
    file: File,
    last_sync: Instant,
}

impl Recorder {
    /// Creates `path` (readable by its owner only) and writes the header.
    pub fn create(path: &Path, header: &Header) -> Result<Recorder, RecordingError> {
        let io = |e: std::io::Error| RecordingError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(io)?;
        let mut recorder = Recorder {
            path: path.to_path_buf(),
            file,
            last_sync: Instant::now(),
        };
        recorder.line(header)?;
        recorder.file.sync_data().map_err(io)?;
        Ok(recorder)
    }

    fn line<T: Serialize>(&mut self, value: &T) -> Result<(), RecordingError> {
        let io = |e: std::io::Error| RecordingError::Io {
            path: self.path.clone(),
            reason: e.to_string(),
        };
        let mut text = serde_json::to_string(value).map_err(|e| RecordingError::Io {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        text.push('\n');
        // One write per line: a line is in the file whole, or (cut by a
        // crash in the middle of the call) is the last, partial one.
        self.file.write_all(text.as_bytes()).map_err(io)?;
        if self.last_sync.elapsed() >= SYNC_INTERVAL {
            self.file.sync_data().map_err(io)?;
            self.last_sync = Instant::now();
        }
        Ok(())
    }

    pub fn frame(&mut self, record: &FrameRecord) -> Result<(), RecordingError> {
        self.line(record)
    }

    /// An event line: the exercise id and the event's own fields,
    /// `{"exercise_id": ..., "event": "cue", "t_ms": ..., ...}`.
    pub fn event(&mut self, event: &SessionEvent) -> Result<(), RecordingError> {
        self.line(event)
    }

    /// Forces everything to the disk.
    pub fn finish(self) -> Result<(), RecordingError> {
        self.file.sync_all().map_err(|e| RecordingError::Io {
            path: self.path.clone(),
            reason: e.to_string(),
        })
    }
}

/// A recording read back.
#[derive(Debug, Clone)]
pub struct Recording {
    pub header: Header,
    pub frames: Vec<FrameRecord>,
    /// Set when the file ended in a cut-off line: the line number.
    pub truncated_at_line: Option<usize>,
}

/// Whether `path` looks like a recorded session (its first line is a
/// session header).
pub fn is_recording(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut first = String::new();
    if BufReader::new(file).read_line(&mut first).is_err() {
        return false;
    }
    first
        .trim_start()
        .starts_with(&format!("{{\"{MAGIC_KEY}\""))
}

/// Reads a recording. Frame lines are kept; event lines are skipped (a
/// replay computes them again). A cut-off last line is reported in
/// `truncated_at_line`; a bad line elsewhere is an error.
pub fn read(path: &Path) -> Result<Recording, RecordingError> {
    let text = std::fs::read(path).map_err(|e| RecordingError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let invalid = |line: usize, reason: String| RecordingError::Invalid {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let ends_whole = text.last() == Some(&b'\n');
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().collect();
    let Some(first) = lines.first() else {
        return Err(invalid(1, "empty file: not a recorded session".into()));
    };
    let value: serde_json::Value = serde_json::from_str(first)
        .map_err(|e| invalid(1, format!("not a recorded session header: {e}")))?;
    let version = value
        .get(MAGIC_KEY)
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| {
            invalid(
                1,
                "not a recorded session (no posecoach_session version)".into(),
            )
        })?;
    if version != u64::from(SESSION_FORMAT_VERSION) {
        return Err(invalid(
            1,
            format!(
                "session format {version} is not supported (this program reads format {SESSION_FORMAT_VERSION}); update posecoach"
            ),
        ));
    }
    let header: Header =
        serde_json::from_value(value).map_err(|e| invalid(1, format!("bad header: {e}")))?;
    let mut frames = Vec::new();
    let mut truncated_at_line = None;
    for (i, line) in lines.iter().enumerate().skip(1) {
        let number = i + 1;
        let last = i + 1 == lines.len();
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        let value = match parsed {
            Ok(v) => v,
            // A crash mid-write leaves a partial last line.
            Err(_) if last && !ends_whole => {
                truncated_at_line = Some(number);
                break;
            }
            Err(e) => return Err(invalid(number, format!("not a session record: {e}"))),
        };
        if value.get("event").is_some() {
            continue;
        }
        let frame: FrameRecord = serde_json::from_value(value)
            .map_err(|e| invalid(number, format!("not a frame record: {e}")))?;
        if frame
            .pose
            .as_ref()
            .is_some_and(|p| p.len() != NUM_LANDMARKS)
        {
            return Err(invalid(
                number,
                format!("a pose needs {NUM_LANDMARKS} landmarks"),
            ));
        }
        if frames
            .last()
            .is_some_and(|f: &FrameRecord| f.t_ms > frame.t_ms)
        {
            return Err(invalid(
                number,
                format!("time goes backwards ({} ms)", frame.t_ms),
            ));
        }
        frames.push(frame);
    }
    Ok(Recording {
        header,
        frames,
        truncated_at_line,
    })
}
