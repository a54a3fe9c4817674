//! The pictures of a session recorded with its video (`--with-video`), as
//! frames for the pose model, at their recorded times.

use std::path::{Path, PathBuf};

use super::{Line, Reader};
use crate::source::{Frame, FrameSource, SourceError};

/// A recorded session's video frames, read one line at a time.
#[derive(Debug)]
pub struct SessionVideo {
    path: PathBuf,
    reader: Reader,
    file_len: u64,
    frames_read: u64,
}

impl SessionVideo {
    pub fn open(path: &Path) -> Result<SessionVideo, SourceError> {
        let reader = Reader::open(path).map_err(|e| SourceError::Recording(e.to_string()))?;
        if !reader.header.video {
            return Err(SourceError::Recording(format!(
                "{}: this session was recorded without its video (poses only)",
                path.display()
            )));
        }
        let file_len = std::fs::metadata(path).map_or(0, |m| m.len());
        Ok(SessionVideo {
            path: path.to_path_buf(),
            reader,
            file_len,
            frames_read: 0,
        })
    }

    pub fn header(&self) -> &super::Header {
        &self.reader.header
    }
}

impl FrameSource for SessionVideo {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        loop {
            let line = self
                .reader
                .next_line()
                .map_err(|e| SourceError::Recording(e.to_string()))?;
            match line {
                None => {
                    if let Some(line) = self.reader.truncated_at_line.take() {
                        tracing::warn!(
                            "{}: line {line}: cut off (the recording was interrupted); using everything before it",
                            self.path.display()
                        );
                    }
                    return Ok(None);
                }
                // Commands are for the session, read with `recording::read`.
                Some(Line::Event | Line::Command { .. }) => {}
                // A frame whose picture was left out (the encoder was
                // behind): the model cannot see it.
                Some(Line::Frame {
                    jpeg_base64: None, ..
                }) => {}
                Some(Line::Frame {
                    record,
                    jpeg_base64: Some(jpeg),
                }) => {
                    self.frames_read += 1;
                    let image =
                        super::decode_video_frame(&jpeg).map_err(|reason| SourceError::Video {
                            path: self.path.clone(),
                            reason: format!("line {}: {reason}", self.reader.line_number()),
                        })?;
                    return Ok(Some(Frame {
                        image,
                        t_ms: record.t_ms,
                        name: format!("frame {}", self.frames_read),
                    }));
                }
            }
        }
    }

    fn progress(&self) -> Option<f64> {
        (self.file_len > 0)
            .then(|| (self.reader.bytes_read() as f64 / self.file_len as f64).min(1.0))
    }
}
