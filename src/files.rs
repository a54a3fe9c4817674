//! Files posecoach writes: private to their owner, and never written over
//! by accident.
//!
//! Sessions, the history and everything made from them (reports, charts,
//! audio) say when and how a person with back pain exercised: they are
//! created readable by the owner only.

use std::fs::File;
use std::path::Path;

/// Owner-only permissions for files posecoach creates.
#[cfg(unix)]
const PRIVATE_FILE_MODE: u32 = 0o600;
/// Owner-only permissions for folders posecoach creates.
#[cfg(unix)]
const PRIVATE_DIR_MODE: u32 = 0o700;

/// Creates `dir` and its missing parents; a folder it creates is readable
/// by its owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR_MODE);
    }
    builder.create(dir)
}

/// Creates `path` for writing, readable by its owner only. Fails when the
/// file already exists: a recording is never written over.
pub fn create_new_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    options.open(path)
}

/// Writes `path` whole or not at all, readable by its owner only: `write`
/// fills a temporary file beside it, which is synced and then renamed over
/// `path` (a report or sound track asked for again replaces the old one; a
/// crash leaves the old one, or none, never half a file).
pub fn replace_private(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    check_replaceable(path)?;
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = std::path::PathBuf::from(partial);
    // A leftover from a process of the same id that was killed.
    let _ = std::fs::remove_file(&partial);
    let result = create_new_private(&partial).and_then(|file| {
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        let file = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Whether [`replace_private`] may put a file at `path`: nothing is there
/// yet, or a regular file is. A device (as /dev/null), a pipe, a socket,
/// a folder or a link is never replaced by a file; the error says so.
pub fn check_replaceable(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} is {}, not a regular file: posecoach only replaces files; choose a file name",
                path.display(),
                kind_of(&meta.file_type())
            ),
        )),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// What a file system entry is, in words.
fn kind_of(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_fifo() {
            return "a pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a link"
    } else {
        "not a file"
    }
}

/// Why a file could not be created, as a person reads it.
pub fn describe_create_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::AlreadyExists => {
            "already exists: posecoach does not write over a file; choose another name or remove it"
                .into()
        }
        _ => format!("cannot create: {error}"),
    }
}

/// Whether `a` and `b` are the same file (through `..`, links or
/// different spellings); false when either cannot be resolved.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("posecoach-files-{}", std::process::id()));
        create_private_dir(&dir).ok();
        dir.join(name)
    }

    #[test]
    fn a_new_file_is_owner_only_and_never_written_over() {
        let path = scratch("new");
        std::fs::remove_file(&path).ok();
        create_new_private(&path).ok();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
        let again = create_new_private(&path).err();
        assert_eq!(
            again.map(|e| describe_create_error(&e)).as_deref(),
            Some(
                "already exists: posecoach does not write over a file; choose another name or remove it"
            )
        );
    }

    #[test]
    fn the_same_file_is_recognised_through_other_spellings() {
        let path = scratch("same");
        std::fs::write(&path, b"x").ok();
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let other = dir
            .join("..")
            .join(dir.file_name().unwrap_or_default())
            .join("same");
        assert!(same_file(&path, &other));
        assert!(!same_file(&path, &dir));
    }
}
