//! Video files, decoded by the `ffmpeg` program into raw RGB frames.
//!
//! Any container and codec ffmpeg reads works (H.264 and VP9 MP4, WebM,
//! MJPEG AVI). The stream's size and frame rate come from `ffprobe`; frames
//! arrive through a pipe one at a time, so memory stays at one frame.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

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
            .args(["stream=width,height,avg_frame_rate,r_frame_rate", "-of"])
            .args(["default=noprint_wrappers=1"])
            .arg(path)
            .output()
            .map_err(|e| missing_tool("ffprobe", path, &e))?;
        let text = String::from_utf8_lossy(&probe.stdout);
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
                .map(str::to_string)
        };
        let invalid = |reason: String| SourceError::Decode {
            path: path.to_path_buf(),
            reason,
        };
        let width: u32 = field("width").and_then(|v| v.parse().ok()).ok_or_else(|| {
            invalid(format!(
                "no video stream ({})",
                String::from_utf8_lossy(&probe.stderr).trim()
            ))
        })?;
        let height: u32 = field("height")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| invalid("video stream without a height".into()))?;
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
            .arg(path)
            .output()
            .map(|o| presentation_times_ms(&String::from_utf8_lossy(&o.stdout)))
            .unwrap_or_default();
        let mut child = Command::new("ffmpeg")
            // One decoding thread leaves the other core of a small machine
            // to the pose model.
            .args(["-v", "error", "-nostdin", "-threads", "1", "-i"])
            .arg(path)
            .args(["-map", "0:v:0", "-fps_mode", "passthrough"])
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| missing_tool("ffmpeg", path, &e))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| invalid("ffmpeg gave no output pipe".into()))?;
        Ok(VideoFile {
            path: path.to_path_buf(),
            child,
            stdout,
            width,
            height,
            fps,
            next_index: 0,
            times_ms,
        })
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
            return Ok(None);
        }
        let image = RgbImage::from_raw(self.width, self.height, buf).ok_or_else(|| {
            SourceError::Decode {
                path: self.path.clone(),
                reason: format!("frame {} has the wrong size", self.next_index),
            }
        })?;
        let index = self.next_index;
        self.next_index += 1;
        let frame_ms = 1000.0 / self.fps;
        let t_ms = match (self.times_ms.get(index as usize), self.times_ms.last()) {
            (Some(&t), _) => t,
            // More frames than packets listed: carry on at the frame rate.
            (None, Some(&last)) => {
                last + (index as usize + 1 - self.times_ms.len()) as f64 * frame_ms
            }
            (None, None) => index as f64 * frame_ms,
        };
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

#[cfg(test)]
mod tests {
    use super::{parse_rate, presentation_times_ms};

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
