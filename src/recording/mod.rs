//! Recorded sessions on disk: the format, the crash-safe writer and the
//! forgiving reader.
//!
//! Format `posecoach session`, version 1: UTF-8 JSON Lines. The first line
//! is the header; every other line is a frame or an event, written as it
//! happens:
//!
//! ```text
//! {"posecoach_session":1,"exercises":["wall-slide"],"routine":null,"params":{},"get_ready_s":3.0,"source":"demo.mp4","width":1768,"height":994,"started_at":"2026-11-24T09:30:05+01:00"}
//! {"t_ms":0.0,"pose":[[x,y,z,visibility,presence], ... 33 of them]}
//! {"t_ms":33.3,"pose":null}
//! {"exercise_id":"wall-slide","event":"cue","t_ms":2433.3,"id":"hold-start","text":"Hold it: 5 seconds"}
//! ```
//!
//! - Header: the session's plan (the exercises in order, the routine,
//!   parameters set on the command line, the "get ready" pause between
//!   exercises: 3 s when absent, as in recordings made before it was
//!   written), where the frames came from, the frame size, and (when known:
//!   not for a replayed video) when the session started, RFC 3339 with the
//!   local offset. Keys may come in any order.
//! - Frames: `t_ms` from the session start (never decreasing) and the pose,
//!   x and y normalised to the image as the pose stage gives them, or null
//!   when nobody was found.
//! - Video (`--with-video`, never by default): the header has
//!   `"video":true` and each frame line also carries its picture,
//!   `"jpeg":"<base64 of a JPEG>"`, shrunk to at most `VIDEO_MAX_SIDE_PX`.
//!   A live frame whose picture could not be encoded in time has none.
//! - Events: the session's events as they happen (a replay computes them
//!   again, so readers skip them).
//! - Commands: what the person asked with the keys, after the frame it
//!   followed, `{"command":"next_exercise","t_ms":...}` (also
//!   `previous_exercise`, `restart_exercise`, and `stop` with a `reason`:
//!   the pain key). A replay does them at the same point.
//!
//! Fields may be added to a version; readers ignore ones they do not
//! know. A change that older readers would misread gets a new version,
//! which they refuse by name.
//!
//! Each line is one write, flushed to the operating system when written,
//! so a killed process loses nothing it wrote; the file is synced to disk
//! at least once a second, so a power cut loses at most the last second. A
//! reader meeting a cut-off last line replays everything before it and
//! says so.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::exercise::engine::PoseFrame;
use crate::exercise::model::{MAX_GET_READY_S, MAX_ROUTINE_EXERCISES};
use crate::files;
use crate::pose::{ImageLandmark, NUM_LANDMARKS, Pose};
use crate::session::{MAX_PAIN, Plan, SessionCommand, SessionEvent};

mod background;
mod video;

pub use background::RecorderThread;
pub use video::SessionVideo;

/// The version this program writes and reads.
pub const SESSION_FORMAT_VERSION: u32 = 1;
/// The header key that marks a file as a recorded session.
const MAGIC_KEY: &str = "posecoach_session";
/// How often written lines are forced to the disk.
const SYNC_INTERVAL: Duration = Duration::from_secs(1);
/// The longest side of a recorded video frame: frames are shrunk by a
/// whole factor to fit (1280x720 becomes 640x360, 1768x994 589x331).
pub const VIDEO_MAX_SIDE_PX: u32 = 800;
/// JPEG quality of recorded video frames.
const VIDEO_JPEG_QUALITY: u8 = 75;
/// Decimal places kept of normalised coordinates (0.1 px on a 1000 px image)
/// and of visibility and presence.
const COORD_DECIMALS: i32 = 4;
const SCORE_DECIMALS: i32 = 3;
/// The latest time a line may carry: a day. Nobody exercises longer, and a
/// crafted `1e300` would otherwise have a report or a sound track sized by
/// it.
pub const MAX_SESSION_MS: f64 = 24.0 * 3600.0 * 1000.0;
/// A recorded pose's values are normalised (about 0-1; z about -1-1): far
/// outside this is not a pose, whatever wrote it.
const MAX_POSE_VALUE: f64 = 1000.0;
/// The largest picture a header may claim (each side, in pixels): the
/// largest image posecoach reads.
const MAX_SIDE_PX: u32 = crate::source::MAX_IMAGE_SIDE_PX;
/// The longest line read (a video frame's JPEG is well under 1 MB): a
/// file with no line breaks is refused before it fills the memory.
const MAX_LINE_BYTES: u64 = 64 * 1024 * 1024;

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
    /// What the session was to do; a replay does the same.
    #[serde(flatten)]
    pub plan: Plan,
    /// Where the frames came from (a file name, or "camera").
    pub source: String,
    pub width: u32,
    pub height: u32,
    /// When the session started (RFC 3339, with the local offset); absent
    /// in recordings made before it was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// The frame lines carry the pictures too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub video: bool,
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

/// Times are kept to 0.1 ms, frames and commands alike, so a command
/// compares equal to the frame it followed.
fn round_t_ms(t_ms: f64) -> f64 {
    (t_ms * 10.0).round() / 10.0
}

impl FrameRecord {
    pub fn new(t_ms: f64, pose: Option<&Pose>) -> FrameRecord {
        FrameRecord {
            t_ms: round_t_ms(t_ms),
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

    /// A pose in pixels (the body model's, a demonstration's), normalised
    /// to its picture as the pose stage's are; visibility doubles as
    /// presence.
    pub fn from_frame(t_ms: f64, frame: &PoseFrame) -> FrameRecord {
        let (w, h) = frame.image_size_px;
        let scale = 10f64.powi(COORD_DECIMALS);
        let round = |v: f64| (v * scale).round() / scale;
        FrameRecord {
            t_ms: round_t_ms(t_ms),
            pose: Some(
                frame
                    .points
                    .iter()
                    .zip(frame.visibility)
                    .map(|(p, v)| {
                        let v = round_to(v, SCORE_DECIMALS);
                        [round(p.x_px / w), round(p.y_px / h), 0.0, v, v]
                    })
                    .collect(),
            ),
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

/// Writes a recording as the session goes.
#[derive(Debug)]
pub struct Recorder {
    path: PathBuf,
    file: File,
    last_sync: Instant,
}

impl Recorder {
    /// Creates `path` (readable by its owner only; never over an existing
    /// file) and writes the header.
    pub fn create(path: &Path, header: &Header) -> Result<Recorder, RecordingError> {
        let io = |e: std::io::Error| RecordingError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let file = files::create_new_private(path).map_err(|e| RecordingError::Io {
            path: path.to_path_buf(),
            reason: files::describe_create_error(&e),
        })?;
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

    /// A frame line with its picture (a JPEG from `encode_video_frame`).
    pub fn frame_with_video(
        &mut self,
        record: &FrameRecord,
        jpeg: &[u8],
    ) -> Result<(), RecordingError> {
        #[derive(Serialize)]
        struct VideoFrame<'a> {
            #[serde(flatten)]
            record: &'a FrameRecord,
            jpeg: String,
        }
        use base64::Engine as _;
        self.line(&VideoFrame {
            record,
            jpeg: base64::engine::general_purpose::STANDARD.encode(jpeg),
        })
    }

    /// A command line: what the person asked at `t_ms`.
    pub fn command(&mut self, t_ms: f64, command: &SessionCommand) -> Result<(), RecordingError> {
        #[derive(Serialize)]
        struct CommandLine<'a> {
            #[serde(flatten)]
            command: &'a SessionCommand,
            t_ms: f64,
        }
        self.line(&CommandLine {
            command,
            t_ms: round_t_ms(t_ms),
        })
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

/// A frame for a recording with video: shrunk by a whole factor to fit
/// `VIDEO_MAX_SIDE_PX` (a box filter, fast enough to keep up with a camera
/// on its own thread) and encoded as JPEG.
pub fn encode_video_frame(image: &image::RgbImage) -> Result<Vec<u8>, String> {
    let factor = image
        .width()
        .max(image.height())
        .div_ceil(VIDEO_MAX_SIDE_PX)
        .max(1);
    let small;
    let image = if factor > 1 {
        small = shrink(image, factor);
        &small
    } else {
        image
    };
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, VIDEO_JPEG_QUALITY);
    image
        .write_with_encoder(encoder)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The image shrunk by `factor`: each output pixel is the mean of a
/// `factor` x `factor` block.
fn shrink(image: &image::RgbImage, factor: u32) -> image::RgbImage {
    let (w, h) = (image.width() / factor, image.height() / factor);
    let area = factor * factor;
    image::RgbImage::from_fn(w, h, |x, y| {
        let mut sum = [0u32; 3];
        for dy in 0..factor {
            for dx in 0..factor {
                let p = image.get_pixel(x * factor + dx, y * factor + dy);
                for c in 0..3 {
                    sum[c] += u32::from(p[c]);
                }
            }
        }
        image::Rgb(sum.map(|v| ((v + area / 2) / area) as u8))
    })
}

/// A command read back. It follows the frame at its `t_ms` (the last one
/// seen when the key was pressed).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCommand {
    pub t_ms: f64,
    pub command: SessionCommand,
}

/// Hands out recorded commands once the replay has reached their time.
#[derive(Debug, Clone, Default)]
pub struct CommandQueue {
    commands: Vec<RecordedCommand>,
    next: usize,
}

impl CommandQueue {
    pub fn new(commands: Vec<RecordedCommand>) -> CommandQueue {
        CommandQueue { commands, next: 0 }
    }

    /// Adds a command read after those already here.
    pub fn push(&mut self, command: RecordedCommand) {
        self.commands.push(command);
    }

    /// The commands due after the frame at `t_ms`, each once.
    pub fn due(&mut self, t_ms: f64) -> &[RecordedCommand] {
        let start = self.next;
        while self.commands.get(self.next).is_some_and(|c| c.t_ms <= t_ms) {
            self.next += 1;
        }
        &self.commands[start..self.next]
    }
}

/// A recording read back.
#[derive(Debug, Clone)]
pub struct Recording {
    pub header: Header,
    pub frames: Vec<FrameRecord>,
    /// What the person asked, in order.
    pub commands: Vec<RecordedCommand>,
    /// Set when the file ended in a cut-off line: the line number.
    pub truncated_at_line: Option<usize>,
}

/// A recorded session's file name extension (`2026-12-03_wall-slide.posecoach`).
pub const EXTENSION: &str = "posecoach";

/// The longest header line looked at by `is_recording`: a video file has
/// no line ends to stop at.
const MAX_HEADER_BYTES: u64 = 64 * 1024;

/// Whether `path` is meant as a recorded session: named `.posecoach`, or
/// its first line a JSON object with a `posecoach_session` key (wherever in
/// the first 64 KB). Such a file is then read as one, and what is wrong
/// with it is said by the reader, at its line, instead of it being taken
/// for a video.
pub fn is_recording(path: &Path) -> bool {
    use std::io::Read;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
    {
        return true;
    }
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut first = Vec::new();
    if BufReader::new(file.take(MAX_HEADER_BYTES))
        .read_until(b'\n', &mut first)
        .is_err()
    {
        return false;
    }
    let text = String::from_utf8_lossy(&first);
    text.trim_start().starts_with('{') && text.contains(&format!("\"{MAGIC_KEY}\""))
}

/// A line of a recording after the header.
#[derive(Debug, Clone)]
pub enum Line {
    /// A frame, with its picture (base64 JPEG) in a recording with video.
    Frame {
        record: FrameRecord,
        jpeg_base64: Option<String>,
    },
    /// An event line (a replay computes events again, so they are not
    /// parsed further).
    Event,
    /// What the person asked at `t_ms`.
    Command { t_ms: f64, command: SessionCommand },
}

/// Decodes a frame line's picture.
pub fn decode_video_frame(jpeg_base64: &str) -> Result<image::RgbImage, String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(jpeg_base64)
        .map_err(|e| format!("bad picture: {e}"))?;
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
        .map(|i| i.to_rgb8())
        .map_err(|e| format!("bad picture: {e}"))
}

/// A file's lines, counted, for error messages and progress.
struct Lines {
    path: PathBuf,
    lines: Box<dyn BufRead + Send>,
    /// The number of the last line read.
    line: usize,
    bytes_read: u64,
}

impl std::fmt::Debug for Lines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lines")
            .field("path", &self.path)
            .field("line", &self.line)
            .finish()
    }
}

impl Lines {
    fn invalid(&self, line: usize, reason: String) -> RecordingError {
        RecordingError::Invalid {
            path: self.path.clone(),
            line,
            reason,
        }
    }

    /// The next line and whether it ended with a newline; None at the end.
    fn next(&mut self) -> Result<Option<(String, bool)>, RecordingError> {
        let mut bytes = Vec::new();
        let n = Read::take(&mut self.lines, MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|e| RecordingError::Io {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if n as u64 > MAX_LINE_BYTES {
            return Err(self.invalid(
                self.line,
                format!(
                    "a line longer than {} MB: not a recorded session",
                    MAX_LINE_BYTES >> 20
                ),
            ));
        }
        self.bytes_read += n as u64;
        let whole = bytes.last() == Some(&b'\n');
        let text = String::from_utf8_lossy(&bytes).trim_end().to_string();
        Ok(Some((text, whole)))
    }

    /// Reads the first line as the header.
    fn header(&mut self) -> Result<Header, RecordingError> {
        let Some((first, _)) = self.next()? else {
            return Err(self.invalid(1, "empty file: not a recorded session".into()));
        };
        let value: serde_json::Value = serde_json::from_str(&first).map_err(|e| {
            if first.trim_start().starts_with('{') {
                self.invalid(1, format!("not a recorded session header: {e}"))
            } else {
                // A video, a picture, or some other text: say what is wanted.
                let what = if first.contains('\u{FFFD}') || first.contains('\0') {
                    "a binary file (a video or a picture?)"
                } else {
                    "text that is not JSON"
                };
                self.invalid(
                    1,
                    format!(
                        "{what}, not a recorded session (JSON lines made by `posecoach run` or `record`); to coach a video: `posecoach replay VIDEO --exercise ID --record SESSION`, then use SESSION"
                    ),
                )
            }
        })?;
        let version = value
            .get(MAGIC_KEY)
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| {
                self.invalid(
                    1,
                    "not a recorded session (no posecoach_session version)".into(),
                )
            })?;
        if version != u64::from(SESSION_FORMAT_VERSION) {
            return Err(self.invalid(
                1,
                format!(
                    "session format {version} is not supported (this program reads format {SESSION_FORMAT_VERSION}); update posecoach"
                ),
            ));
        }
        let header: Header = serde_json::from_value(value)
            .map_err(|e| self.invalid(1, format!("bad header: {e}")))?;
        header
            .check()
            .map_err(|reason| self.invalid(1, format!("bad header: {reason}")))?;
        Ok(header)
    }
}

impl Header {
    /// What a header must hold to be replayed as it says.
    fn check(&self) -> Result<(), String> {
        if !(1..=MAX_SIDE_PX).contains(&self.width) || !(1..=MAX_SIDE_PX).contains(&self.height) {
            return Err(format!(
                "a {}x{} picture (each side must be 1 to {MAX_SIDE_PX})",
                self.width, self.height
            ));
        }
        let pause = self.plan.get_ready_s;
        if !(0.0..=MAX_GET_READY_S).contains(&pause) {
            return Err(format!(
                "get_ready_s {pause} (must be 0 to {MAX_GET_READY_S})"
            ));
        }
        if let Some((name, value)) = self.plan.params.iter().find(|(_, v)| !v.is_finite()) {
            return Err(format!("parameter {name} is {value}"));
        }
        if self.plan.exercises.is_empty() {
            return Err("no exercises".into());
        }
        if self.plan.exercises.len() > MAX_ROUTINE_EXERCISES {
            return Err(format!(
                "{} exercises (at most {MAX_ROUTINE_EXERCISES})",
                self.plan.exercises.len()
            ));
        }
        if let Some(started_at) = &self.started_at
            && chrono::DateTime::parse_from_rfc3339(started_at).is_err()
        {
            return Err(format!("started_at {started_at:?} is not an RFC 3339 time"));
        }
        Ok(())
    }
}

/// A line's time, if it is one a session can have.
fn check_t_ms(t_ms: f64) -> Result<f64, String> {
    if (0.0..=MAX_SESSION_MS).contains(&t_ms) {
        Ok(t_ms)
    } else {
        // 1e300 as written, not as 301 digits.
        let shown = if t_ms.abs() >= 1e9 {
            format!("{t_ms:e}")
        } else {
            format!("{t_ms}")
        };
        Err(format!(
            "t_ms {shown} is not a time in a session (0 to {MAX_SESSION_MS} ms)"
        ))
    }
}

/// Reads a recording line by line (a recording with video can be larger
/// than memory). A cut-off last line ends the lines and is reported in
/// `truncated_at_line`; a bad line elsewhere is an error.
#[derive(Debug)]
pub struct Reader {
    input: Lines,
    pub header: Header,
    last_t_ms: Option<f64>,
    pub truncated_at_line: Option<usize>,
    done: bool,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader, RecordingError> {
        let file = File::open(path).map_err(|e| RecordingError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Reader::from_reader(path, Box::new(BufReader::new(file)))
    }

    /// Reads a recording from `input`, named `path` in messages (the fuzz
    /// tests feed it bytes).
    pub fn from_reader(
        path: &Path,
        input: Box<dyn BufRead + Send>,
    ) -> Result<Reader, RecordingError> {
        let mut input = Lines {
            path: path.to_path_buf(),
            lines: input,
            line: 0,
            bytes_read: 0,
        };
        let header = input.header()?;
        Ok(Reader {
            input,
            header,
            last_t_ms: None,
            truncated_at_line: None,
            done: false,
        })
    }

    fn invalid(&self, line: usize, reason: String) -> RecordingError {
        self.input.invalid(line, reason)
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.input.path
    }

    /// The number of the last line read, from 1.
    pub fn line_number(&self) -> usize {
        self.input.line
    }

    /// Bytes read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.input.bytes_read
    }

    /// The next line after the header; None at the end (or at a cut-off
    /// last line, see `truncated_at_line`).
    pub fn next_line(&mut self) -> Result<Option<Line>, RecordingError> {
        /// A frame line's fields, with the picture left as text.
        #[derive(Deserialize)]
        struct RawLine {
            event: Option<serde::de::IgnoredAny>,
            command: Option<serde::de::IgnoredAny>,
            t_ms: Option<f64>,
            #[serde(default)]
            pose: Option<Vec<[f64; 5]>>,
            jpeg: Option<String>,
        }
        loop {
            if self.done {
                return Ok(None);
            }
            let Some((text, whole)) = self.input.next()? else {
                self.done = true;
                return Ok(None);
            };
            if text.is_empty() && whole {
                continue;
            }
            let number = self.input.line;
            let raw: RawLine = match serde_json::from_str(&text) {
                Ok(raw) => raw,
                // A crash mid-write leaves a partial last line.
                Err(_) if !whole => {
                    self.truncated_at_line = Some(number);
                    self.done = true;
                    return Ok(None);
                }
                Err(e) => return Err(self.invalid(number, format!("not a session record: {e}"))),
            };
            if raw.event.is_some() {
                return Ok(Some(Line::Event));
            }
            if raw.command.is_some() {
                let command: SessionCommand = serde_json::from_str(&text)
                    .map_err(|e| self.invalid(number, format!("not a command: {e}")))?;
                let t_ms = raw.t_ms.ok_or_else(|| {
                    self.invalid(number, "not a command: missing field `t_ms`".into())
                })?;
                let t_ms = check_t_ms(t_ms).map_err(|e| self.invalid(number, e))?;
                if let SessionCommand::Pain { score, .. } = command
                    && score > MAX_PAIN
                {
                    return Err(self.invalid(
                        number,
                        format!("pain {score} is not on the 0-{MAX_PAIN} scale"),
                    ));
                }
                return Ok(Some(Line::Command { t_ms, command }));
            }
            let t_ms = raw.t_ms.ok_or_else(|| {
                self.invalid(number, "not a frame record: missing field `t_ms`".into())
            })?;
            let t_ms = check_t_ms(t_ms).map_err(|e| self.invalid(number, e))?;
            if raw.pose.as_ref().is_some_and(|p| p.len() != NUM_LANDMARKS) {
                return Err(self.invalid(number, format!("a pose needs {NUM_LANDMARKS} landmarks")));
            }
            if raw
                .pose
                .iter()
                .flatten()
                .flatten()
                .any(|v| v.abs() > MAX_POSE_VALUE)
            {
                return Err(self.invalid(
                    number,
                    format!("a pose value beyond ±{MAX_POSE_VALUE}: not normalised landmarks"),
                ));
            }
            if self.last_t_ms.is_some_and(|last| last > t_ms) {
                return Err(self.invalid(number, format!("time goes backwards ({t_ms} ms)")));
            }
            self.last_t_ms = Some(t_ms);
            return Ok(Some(Line::Frame {
                record: FrameRecord {
                    t_ms,
                    pose: raw.pose,
                },
                jpeg_base64: raw.jpeg,
            }));
        }
    }
}

/// Reads only the commands of a recording (what the person asked), for a
/// replay whose frames come another way (its pictures).
pub fn read_commands(path: &Path) -> Result<Vec<RecordedCommand>, RecordingError> {
    let mut reader = Reader::open(path)?;
    let mut commands = Vec::new();
    while let Some(line) = reader.next_line()? {
        if let Line::Command { t_ms, command } = line {
            commands.push(RecordedCommand { t_ms, command });
        }
    }
    Ok(commands)
}

/// Reads a recording's poses (pictures are skipped; events too: a replay
/// computes them again).
pub fn read(path: &Path) -> Result<Recording, RecordingError> {
    let mut reader = Reader::open(path)?;
    let mut frames = Vec::new();
    let mut commands = Vec::new();
    while let Some(line) = reader.next_line()? {
        match line {
            Line::Frame { record, .. } => frames.push(record),
            Line::Command { t_ms, command } => commands.push(RecordedCommand { t_ms, command }),
            Line::Event => {}
        }
    }
    Ok(Recording {
        header: reader.header,
        frames,
        commands,
        truncated_at_line: reader.truncated_at_line,
    })
}
