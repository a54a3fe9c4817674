//! Running the `posecoach` binary from tests: headless, with its own data
//! folder, in a scratch directory of the test's own.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_posecoach");

/// The command, headless (replay opens a window when there is a display)
/// and with `$XDG_DATA_HOME` under the test target, never the real one.
pub fn posecoach() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("RUST_LOG");
    cmd.env_remove("DISPLAY");
    cmd.env(
        "XDG_DATA_HOME",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/test-data-home"),
    );
    cmd
}

/// An empty scratch directory `NAME` under the test target.
pub fn tmp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
