//! Where the program's own data folders (`models/`, `exercises/`, the ONNX
//! Runtime library) are: beside the executable, in an installed copy's
//! `PREFIX/share/posecoach/` and `PREFIX/lib/posecoach/` (`make install`,
//! the Debian package: `PREFIX/bin/posecoach`), or, for a binary built in
//! the checkout, the checkout's own. An installed copy never looks in the
//! checkout it was built from: that folder may be gone or changed.

use std::path::{Path, PathBuf};

/// The installed data folder under the prefix: `PREFIX/share/posecoach`.
pub const SHARE_SUBDIR: &str = "share/posecoach";
/// The installed library folder (ONNX Runtime): `PREFIX/lib/posecoach`.
pub const LIB_SUBDIR: &str = "lib/posecoach";

/// The running executable, its symlinks resolved.
fn current_exe() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .map(|exe| std::fs::canonicalize(&exe).unwrap_or(exe))
}

/// The checkout this binary was built from, when the running executable
/// lies inside it (`target/…`): `cargo run`, the tests, `make run`.
/// (Compared as paths only: an installed copy does not touch the checkout,
/// not even to resolve it.)
pub fn checkout() -> Option<PathBuf> {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    current_exe()
        .is_some_and(|exe| exe.starts_with(checkout))
        .then(|| checkout.to_path_buf())
}

/// `PREFIX/share/posecoach` for an executable in `PREFIX/bin`.
pub fn share_dir() -> Option<PathBuf> {
    Some(prefix()?.join(SHARE_SUBDIR))
}

/// `PREFIX/lib/posecoach` for an executable in `PREFIX/bin`.
pub fn lib_dir() -> Option<PathBuf> {
    Some(prefix()?.join(LIB_SUBDIR))
}

fn prefix() -> Option<PathBuf> {
    Some(current_exe()?.parent()?.parent()?.to_path_buf())
}

/// The folder `name`: the environment variable `env` if set, else `name`
/// beside the executable or in the installed `share/posecoach` when
/// `looks_installed` accepts it, else the checkout's own `name` (only for
/// a binary in the checkout). An installed copy missing its folder gets
/// the installed path, so that the error names where it should be.
pub fn data_dir(env: &str, name: &str, looks_installed: impl Fn(&Path) -> bool) -> PathBuf {
    if let Some(dir) = std::env::var_os(env) {
        return PathBuf::from(dir);
    }
    let beside = current_exe().and_then(|exe| exe.parent().map(|d| d.join(name)));
    let shared = share_dir().map(|d| d.join(name));
    if let Some(dir) = [&beside, &shared]
        .into_iter()
        .flatten()
        .find(|d| looks_installed(d))
    {
        return dir.clone();
    }
    match checkout() {
        Some(checkout) => checkout.join(name),
        None => shared.or(beside).unwrap_or_else(|| PathBuf::from(name)),
    }
}
