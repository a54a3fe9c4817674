//! The user's own data: saved sessions (`sessions/`) and the progress history (`history.sqlite`), in the
//! data folder: `--data-dir`, else `$XDG_DATA_HOME/posecoach`, else
//! `~/.local/share/posecoach`.

use std::path::{Path, PathBuf};

/// The data folder.
pub fn data_dir(override_dir: Option<&Path>) -> PathBuf {
    if let Some(dir) = override_dir {
        return dir.to_path_buf();
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(xdg).join("posecoach");
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/posecoach"),
        None => PathBuf::from("posecoach-data"),
    }
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
