//! The user's own data: saved sessions (`sessions/`) and the progress history (`history.sqlite`), in the
//! data folder: `--data-dir`, else `$XDG_DATA_HOME/posecoach`, else
//! `~/.local/share/posecoach`.

use std::path::{Path, PathBuf};

/// The data folder: `--data-dir`, else the platform's (through the
/// `directories` crate: `$XDG_DATA_HOME/posecoach`, else
/// `~/.local/share/posecoach`, the home folder coming from the system's
/// user database when HOME is unset). Never the current folder.
pub fn data_dir(override_dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = override_dir {
        return Ok(dir.to_path_buf());
    }
    directories::ProjectDirs::from("", "", "posecoach")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no home folder is known for this user (HOME is unset): give --data-dir DIR"
            )
        })
}

/// A new file name for a session about `label` (an exercise or routine id),
/// stamped with its local start time:
/// `sessions/2026-11-24_09-30-05_wall-slide.posecoach`.
pub fn new_session_path(
    data_dir: &Path,
    label: &str,
    started_at: &chrono::DateTime<chrono::FixedOffset>,
) -> PathBuf {
    let stamp = started_at.format("%Y-%m-%d_%H-%M-%S");
    let label: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dir = data_dir.join("sessions");
    let mut path = dir.join(format!("{stamp}_{label}.posecoach"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stamp}_{label}-{n}.posecoach"));
        n += 1;
    }
    path
}

/// Now, in the person's local time.
pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}
