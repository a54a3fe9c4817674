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
