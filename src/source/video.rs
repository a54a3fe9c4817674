//! Video files, decoded by the `ffmpeg` program into raw RGB frames.
//!
//! Any container and codec ffmpeg reads works (H.264 and VP9 MP4, WebM,
//! MJPEG AVI). The stream's size, rotation and frame rate come from
//! `ffprobe`; frames arrive through a pipe one at a time, so memory stays
//! at one frame. A phone clip flagged as rotated is turned upright by
//! ffmpeg, so its width and height are swapped here to match.
//!
//! Nothing fails silently: ffmpeg's error messages are kept, and when the
//! stream ends its exit status is checked. A file ffmpeg cannot decode at
//! all is an error naming it; one that breaks off (cut short, corrupt in
//! the middle) gives its frames up to the break, then one error saying
//! where and why, then the end. Paths are always opened as local files
//! (ffmpeg's `file:` protocol), never as URLs.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

use image::RgbImage;

use super::{Frame, FrameSource, SourceError};

/// A video file being decoded.
#[derive(Debug)]
pub struct VideoFile {
    path: PathBuf,
    child: Child,
    stdout: ChildStdout,
    width: u32,
    height: u32,
    fps: f64,
    next_index: u64,
    /// The stream's own presentation times, in milliseconds from the first
    /// frame; empty when unknown (then index / fps).
    times_ms: Vec<f64>,
    /// ffmpeg's error messages so far (the first few).
    errors: Arc<Mutex<Vec<String>>>,
    stderr_thread: Option<std::thread::JoinHandle<()>>,
    /// The end was reached (and reported, if it was a failure).
    ended: bool,
}

/// ffmpeg's messages kept for the error at the end.
const MAX_KEPT_ERRORS: usize = 4;

/// `path` as ffmpeg's local-file URL: a name such as `http://x.mp4` is a
/// file in a folder called `http:`, never a network address.
fn local_file(path: &Path) -> std::ffi::OsString {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut url = std::ffi::OsString::from("file:");
    url.push(absolute.as_os_str());
    url
}

/// The first line of a program's error output, trimmed.
fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The rotation ffprobe reports (side data `rotation=-90`, or the older
/// `TAG:rotate=90`), in degrees.
fn rotation_deg(text: &str) -> f64 {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("rotation=")
                .or_else(|| l.strip_prefix("TAG:rotate="))
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
        .unwrap_or(0.0)
}

/// Whether a rotation turns the picture on its side (a quarter turn).
fn is_quarter_turn(rotation_deg: f64) -> bool {
    (rotation_deg.abs().round() as i64) % 180 == 90
}

fn missing_tool(tool: &str, path: &Path, e: &std::io::Error) -> SourceError {
    SourceError::Io {
        path: path.to_path_buf(),
        reason: format!(
            "cannot run {tool} to decode video ({e}); install it: apt-get install ffmpeg"
        ),
    }
}

/// Presentation times from ffprobe's packet list (one `pts_time` a line,
/// in decode order), sorted and made relative to the first, in ms.
fn presentation_times_ms(text: &str) -> Vec<f64> {
    let mut times: Vec<f64> = text
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse::<f64>().ok())
        .collect();
    times.sort_by(f64::total_cmp);
    let first = times.first().copied().unwrap_or(0.0);
    times.iter().map(|t| (t - first) * 1000.0).collect()
}

/// Parses ffprobe's `num/den` frame rate.
fn parse_rate(text: &str) -> Option<f64> {
    let (num, den) = text.split_once('/')?;
    let (num, den): (f64, f64) = (num.trim().parse().ok()?, den.trim().parse().ok()?);
    (num > 0.0 && den > 0.0).then_some(num / den)
}

impl VideoFile {
    pub fn open(path: &Path) -> Result<VideoFile, SourceError> {
        if !path.is_file() {
            return Err(SourceError::Io {
                path: path.to_path_buf(),
                reason: "no such file".into(),
            });
        }
        let probe = Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
            .args([
                "stream=width,height,avg_frame_rate,r_frame_rate:stream_side_data=rotation:stream_tags=rotate",
                "-of",
            ])
            .args(["default=noprint_wrappers=1"])
            .arg(local_file(path))
            .output()
            .map_err(|e| missing_tool("ffprobe", path, &e))?;
        let text = String::from_utf8_lossy(&probe.stdout);
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
                .map(str::to_string)
        };
        let invalid = |reason: String| SourceError::Video {
            path: path.to_path_buf(),
            reason,
        };
        let width: u32 = field("width").and_then(|v| v.parse().ok()).ok_or_else(|| {
            let why = String::from_utf8_lossy(&probe.stderr);
            let why = first_line(&why);
            invalid(if why.is_empty() {
                "not a video: it has no video stream".into()
            } else {
                format!("not a video ffmpeg can read: {}", strip_ffmpeg_prefix(why))
            })
        })?;
        let height: u32 = field("height")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| invalid("video stream without a height".into()))?;
        // ffmpeg turns a rotated clip upright: its frames are on their side.
        let (width, height) = if is_quarter_turn(rotation_deg(&text)) {
            (height, width)
        } else {
            (width, height)
        };
        let fps = field("avg_frame_rate")
            .and_then(|r| parse_rate(&r))
            .or_else(|| field("r_frame_rate").and_then(|r| parse_rate(&r)))
            .ok_or_else(|| invalid("video stream without a frame rate".into()))?;
        // Packet timestamps need no decoding; a stream without them (or a
        // count that does not match the frames) falls back to index / fps.
        let times_ms = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "packet=pts_time",
                "-of",
                "csv=p=0",
            ])
            .arg(local_file(path))
            .output()
            .map(|o| presentation_times_ms(&String::from_utf8_lossy(&o.stdout)))
            .unwrap_or_default();
        let mut child = Command::new("ffmpeg")
            // One decoding thread leaves the other core of a small machine
            // to the pose model.
            .args(["-v", "error", "-nostdin", "-threads", "1", "-i"])
            .arg(local_file(path))
            .args(["-map", "0:v:0", "-fps_mode", "passthrough"])
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| missing_tool("ffmpeg", path, &e))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| invalid("ffmpeg gave no output pipe".into()))?;
        let errors = Arc::new(Mutex::new(Vec::new()));
        let stderr_thread = child.stderr.take().and_then(|stderr| {
            let errors = errors.clone();
            std::thread::Builder::new()
                .name("ffmpeg-errors".into())
                .spawn(move || {
                    for line in BufReader::new(stderr).lines() {
                        let Ok(line) = line else { break };
                        let mut kept = errors.lock().unwrap_or_else(|e| e.into_inner());
                        if kept.len() < MAX_KEPT_ERRORS && !line.trim().is_empty() {
                            kept.push(strip_ffmpeg_prefix(line.trim()).to_string());
                        }
                    }
                })
                .ok()
        });
        Ok(VideoFile {
            path: path.to_path_buf(),
            child,
            stdout,
            width,
            height,
            fps,
            next_index: 0,
            times_ms,
            errors,
            stderr_thread,
            ended: false,
        })
    }

    /// At the end of the stream: an error when ffmpeg failed or complained
    /// (nothing decoded: it cannot be read; some frames: where it broke
    /// off), else the plain end.
    fn end(&mut self, partial_frame: bool) -> Result<Option<Frame>, SourceError> {
        self.ended = true;
        let status = self.child.wait().ok();
        if let Some(thread) = self.stderr_thread.take() {
            let _ignored = thread.join();
        }
        let errors = self
            .errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let failed = status.is_some_and(|s| !s.success());
        if !failed && errors.is_empty() && !partial_frame {
            return Ok(None);
        }
        let why = errors
            .first()
            .cloned()
            .unwrap_or_else(|| match status.and_then(|s| s.code()) {
                Some(code) => format!("ffmpeg stopped with status {code}"),
                None => "the last frame is incomplete".into(),
            });
        let reason = if self.next_index == 0 {
            format!("cannot decode it: {why}")
        } else {
            format!(
                "ffmpeg reported an error; the video was used up to {:.1} s ({} frames): {why}",
                self.last_t_ms() / 1000.0,
                self.next_index
            )
        };
        Err(SourceError::Video {
            path: self.path.clone(),
            reason,
        })
    }

    /// The time of the last frame handed out.
    fn last_t_ms(&self) -> f64 {
        self.next_index
            .checked_sub(1)
            .map_or(0.0, |i| self.t_ms_of(i))
    }

    fn t_ms_of(&self, index: u64) -> f64 {
        let frame_ms = 1000.0 / self.fps;
        match (self.times_ms.get(index as usize), self.times_ms.last()) {
            (Some(&t), _) => t,
            // More frames than packets listed: carry on at the frame rate.
            (None, Some(&last)) => {
                last + (index as usize + 1 - self.times_ms.len()) as f64 * frame_ms
            }
            (None, None) => index as f64 * frame_ms,
        }
    }

    /// Frame size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

impl FrameSource for VideoFile {
    fn progress(&self) -> Option<f64> {
        (!self.times_ms.is_empty())
            .then(|| (self.next_index as f64 / self.times_ms.len() as f64).min(1.0))
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        if self.ended {
            return Ok(None);
        }
        let len = self.width as usize * self.height as usize * 3;
        let mut buf = vec![0u8; len];
        let mut filled = 0;
        while filled < len {
            match self.stdout.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(SourceError::Io {
                        path: self.path.clone(),
                        reason: format!("frame {}: {e}", self.next_index),
                    });
                }
            }
        }
        if filled < len {
            // End of stream; a partial frame is a truncated file's last gasp.
            return self.end(filled > 0);
        }
        let image =
            RgbImage::from_raw(self.width, self.height, buf).ok_or_else(|| SourceError::Video {
                path: self.path.clone(),
                reason: format!("frame {} has the wrong size", self.next_index),
            })?;
        let index = self.next_index;
        self.next_index += 1;
        let t_ms = self.t_ms_of(index);
        Ok(Some(Frame {
            image,
            t_ms,
            name: format!("frame {index}"),
        }))
    }
}

impl Drop for VideoFile {
    fn drop(&mut self) {
        // Stop decoding a file that was not read to the end.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ffmpeg's messages start with the component in brackets
/// (`[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55e5d4d79180] moov atom not found`) and
/// may repeat the file name (`file:/x/y.mp4: Invalid data found`): both
/// are noise to a person.
fn strip_ffmpeg_prefix(line: &str) -> &str {
    let line = match line.strip_prefix('[') {
        Some(rest) => rest.split_once("] ").map_or(line, |(_, message)| message),
        None => line,
    };
    match line.strip_prefix("file:") {
        Some(rest) => rest.split_once(": ").map_or(line, |(_, message)| message),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        is_quarter_turn, parse_rate, presentation_times_ms, rotation_deg, strip_ffmpeg_prefix,
    };

    #[test]
    fn rotation_comes_from_side_data_or_the_old_tag() {
        assert_eq!(
            rotation_deg("width=1768\nheight=994\nrotation=-90\n"),
            -90.0
        );
        assert_eq!(rotation_deg("TAG:rotate=270\n"), 270.0);
        assert_eq!(rotation_deg("width=10\n"), 0.0);
        assert!(is_quarter_turn(-90.0) && is_quarter_turn(270.0));
        assert!(!is_quarter_turn(180.0) && !is_quarter_turn(0.0));
    }

    #[test]
    fn ffmpeg_messages_lose_their_component_and_file_prefix() {
        assert_eq!(
            strip_ffmpeg_prefix("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55e5] moov atom not found"),
            "moov atom not found"
        );
        assert_eq!(
            strip_ffmpeg_prefix("file:/tmp/x.mp4: Invalid data found when processing input"),
            "Invalid data found when processing input"
        );
        assert_eq!(strip_ffmpeg_prefix("partial file"), "partial file");
    }

    #[test]
    fn packet_times_become_presentation_order_from_zero() {
        // B-frames arrive out of order; N/A lines are skipped.
        let text = "0.100000\n0.200000\n0.133333,\nN/A\n0.166667\n";
        let t = presentation_times_ms(text);
        assert_eq!(t.len(), 4);
        assert_eq!(t[0], 0.0);
        assert!(
            (t[1] - 33.333).abs() < 1e-3 && (t[3] - 100.0).abs() < 1e-3,
            "{t:?}"
        );
    }

    #[test]
    fn frame_rates_parse() {
        assert_eq!(parse_rate("30/1"), Some(30.0));
        assert_eq!(
            parse_rate("30000/1001").map(|r| (r * 100.0).round()),
            Some(2997.0)
        );
        assert_eq!(parse_rate("0/0"), None);
        assert_eq!(parse_rate("abc"), None);
    }
}
