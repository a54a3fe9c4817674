//! Cameras, through nokhwa, behind our own small interface.

use super::SourceError;

/// A camera the system offers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CameraInfo {
    pub index: String,
    pub name: String,
    pub description: String,
}

/// The cameras present, as the operating system lists them (video4linux).
pub fn list_cameras() -> Result<Vec<CameraInfo>, SourceError> {
    let devices = nokhwa::query(nokhwa::utils::ApiBackend::Auto)
        .map_err(|e| SourceError::Camera(format!("cannot list cameras: {e}")))?;
    Ok(devices
        .into_iter()
        .map(|d| CameraInfo {
            index: d.index().to_string(),
            name: d.human_name(),
            description: d.description().to_string(),
        })
        .collect())
}

/// How to open a camera: which one, and the size and rate to ask for (the
/// closest the camera offers is used).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraRequest {
    pub index: u32,
    pub width_px: u32,
    pub height_px: u32,
    pub fps: u32,
}

impl Default for CameraRequest {
    fn default() -> Self {
        CameraRequest {
            index: 0,
            width_px: 1280,
            height_px: 720,
            fps: 30,
        }
    }
}

/// A camera streaming frames, timed by the clock from its first frame.
pub struct Camera {
    camera: nokhwa::Camera,
    started: Option<std::time::Instant>,
    count: u64,
}

impl std::fmt::Debug for Camera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Camera")
            .field("frames", &self.count)
            .finish()
    }
}

impl Camera {
    /// Opens and starts camera `request.index`. With no camera present the
    /// error says how to use a file instead.
    pub fn open(request: &CameraRequest) -> Result<Camera, SourceError> {
        use nokhwa::pixel_format::RgbFormat;
        use nokhwa::utils::{
            CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
            Resolution,
        };
        let no_camera = |why: String| {
            SourceError::Camera(format!(
                "no camera {} ({why}); to coach from a recording instead, give --source FILE (a video, a folder of images or a .posecoach session)",
                request.index
            ))
        };
        let present = list_cameras().unwrap_or_default();
        if present.is_empty() {
            return Err(no_camera("no video devices found".into()));
        }
        let format =
            RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(CameraFormat::new(
                Resolution::new(request.width_px, request.height_px),
                FrameFormat::MJPEG,
                request.fps,
            )));
        let mut camera = nokhwa::Camera::new(CameraIndex::Index(request.index), format)
            .map_err(|e| no_camera(e.to_string()))?;
        camera.open_stream().map_err(|e| {
            SourceError::Camera(format!("camera {}: cannot start: {e}", request.index))
        })?;
        Ok(Camera {
            camera,
            started: None,
            count: 0,
        })
    }
}

impl super::FrameSource for Camera {
    fn next_frame(&mut self) -> Result<Option<super::Frame>, SourceError> {
        use nokhwa::pixel_format::RgbFormat;
        let buffer = self
            .camera
            .frame()
            .map_err(|e| SourceError::Camera(format!("camera: cannot read a frame: {e}")))?;
        let now = std::time::Instant::now();
        let started = *self.started.get_or_insert(now);
        let image = buffer
            .decode_image::<RgbFormat>()
            .map_err(|e| SourceError::Camera(format!("camera: cannot decode a frame: {e}")))?;
        self.count += 1;
        Ok(Some(super::Frame {
            image,
            t_ms: now.duration_since(started).as_secs_f64() * 1000.0,
            name: format!("camera frame {}", self.count),
        }))
    }
}
