//! Where frames come from: one small trait, and its implementations.
//!
//! A source hands out frames in order with their timestamps. A frame that
//! cannot be read is an error for that frame only; the source moves past it,
//! so the caller can report it and carry on.

use std::path::{Path, PathBuf};

use image::RgbImage;

pub mod camera;
pub mod prefetch;
pub mod video;

pub use prefetch::Prefetched;

/// Frame rate assumed for a folder of images.
pub const DEFAULT_FOLDER_FPS: f64 = 30.0;
/// The longest side of an image read (a 100-megapixel camera makes 12000).
pub const MAX_IMAGE_SIDE_PX: u32 = 16384;
/// The most memory decoding one image may take (a 16384 x 16384 RGBA image
/// is 1 GiB; a 12000 x 8000 photo decodes in 288 MB).
const MAX_IMAGE_DECODE_BYTES: u64 = 1 << 30;
/// Image file endings read from a folder.
const IMAGE_EXTENSIONS: [&str; 3] = ["jpg", "jpeg", "png"];

/// Why a source or one of its frames could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: cannot read: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}: not a readable image: {reason}")]
    Decode { path: PathBuf, reason: String },
    /// A video that cannot be decoded, or breaks off.
    #[error("{path}: {reason}")]
    Video { path: PathBuf, reason: String },
    #[error("{path}: no images (.jpg, .jpeg, .png) in this folder")]
    EmptyFolder { path: PathBuf },
    #[error("{0}")]
    Camera(String),
    /// A recorded session's pictures could not be read (the message names
    /// the file and line).
    #[error("{0}")]
    Recording(String),
    #[error("{path}: none of its {frames} frames could be read (the first few are named above)")]
    NothingReadable { path: PathBuf, frames: usize },
    #[error("the thread reading frames stopped before the end")]
    ReaderStopped,
}

/// One frame, with where it came from.
#[derive(Debug, Clone)]
pub struct Frame {
    pub image: RgbImage,
    /// Milliseconds since the source's first frame.
    pub t_ms: f64,
    /// File name or frame number, for messages and JSON output.
    pub name: String,
}

/// A stream of frames.
pub trait FrameSource {
    /// The next frame, `Ok(None)` at the end.
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError>;

    /// How far through the source the frames read so far are, 0 to 1,
    /// where that is known (not for a camera).
    fn progress(&self) -> Option<f64> {
        None
    }
}

/// How many unreadable frames are each said; after them, only how many.
pub const SAID_UNREADABLE_FRAMES: usize = 5;

/// The frames of a file or folder that could not be read: the first
/// [`SAID_UNREADABLE_FRAMES`] are said, then only how many, so a folder of
/// 100,000 broken images is a few lines, not 100,000.
#[derive(Debug, Default)]
pub struct Unreadable {
    unreadable: usize,
    read: usize,
}

impl Unreadable {
    /// Notes a frame read.
    pub fn read(&mut self) {
        self.read += 1;
    }

    /// Notes a frame that could not be read: the warning to print, if it
    /// is still one to say.
    pub fn note(&mut self, error: &SourceError) -> Option<String> {
        self.unreadable += 1;
        match self.unreadable {
            n if n < SAID_UNREADABLE_FRAMES => Some(format!("warning: {error}")),
            SAID_UNREADABLE_FRAMES => Some(format!(
                "warning: {error} (more unreadable frames are counted, not said)"
            )),
            _ => None,
        }
    }

    /// At the end of `source`: an error when frames were unreadable and
    /// none could be read, else the count to say when some went unsaid.
    pub fn finish(&self, source: &Path) -> Result<Option<String>, SourceError> {
        if self.unreadable > 0 && self.read == 0 {
            return Err(SourceError::NothingReadable {
                path: source.to_path_buf(),
                frames: self.unreadable,
            });
        }
        Ok((self.unreadable > SAID_UNREADABLE_FRAMES).then(|| {
            format!(
                "warning: {}: {} of {} frames could not be read and were skipped",
                source.display(),
                self.unreadable,
                self.unreadable + self.read
            )
        }))
    }
}

/// The last part of `path`, for messages and records ("" if none).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads one image file as 8-bit RGB (greyscale is expanded, alpha dropped).
pub fn load_image(path: &Path) -> Result<RgbImage, SourceError> {
    let reader = image::ImageReader::open(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let reader = reader.with_guessed_format().map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut reader = reader;
    // Large photos are legitimate input (image's default limits refuse some
    // a camera makes), but a header may claim anything: a 74-byte PNG can
    // say 100000 x 100000.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE_PX);
    limits.max_image_height = Some(MAX_IMAGE_SIDE_PX);
    limits.max_alloc = Some(MAX_IMAGE_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| SourceError::Decode {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    Ok(image.to_rgb8())
}

/// Opens a video file or a folder of images, whichever `path` is.
pub fn open(path: &Path) -> Result<Box<dyn FrameSource + Send>, SourceError> {
    if path.is_dir() {
        Ok(Box::new(ImageFolder::open(path, DEFAULT_FOLDER_FPS)?))
    } else {
        Ok(Box::new(video::VideoFile::open(path)?))
    }
}

/// The images of a folder in file-name order, played as a video.
#[derive(Debug)]
pub struct ImageFolder {
    files: Vec<PathBuf>,
    next: usize,
    fps: f64,
}

impl ImageFolder {
    pub fn open(dir: &Path, fps: f64) -> Result<ImageFolder, SourceError> {
        let entries = std::fs::read_dir(dir).map_err(|e| SourceError::Io {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        if files.is_empty() {
            return Err(SourceError::EmptyFolder {
                path: dir.to_path_buf(),
            });
        }
        files.sort();
        Ok(ImageFolder {
            files,
            next: 0,
            fps,
        })
    }

    /// These image files, in this order (photos named on the command line).
    pub fn from_files(files: Vec<PathBuf>, fps: f64) -> ImageFolder {
        ImageFolder {
            files,
            next: 0,
            fps,
        }
    }

    /// How many frames the folder holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl FrameSource for ImageFolder {
    fn progress(&self) -> Option<f64> {
        (!self.files.is_empty()).then(|| self.next as f64 / self.files.len() as f64)
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        let Some(path) = self.files.get(self.next) else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        let image = load_image(path)?;
        Ok(Some(Frame {
            image,
            t_ms: index as f64 * 1000.0 / self.fps,
            name: file_name(path),
        }))
    }
}
