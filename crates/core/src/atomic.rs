//! Durable file writes: private directories, and files replaced atomically.
//!
//! A write goes to a temporary file in the same directory, is flushed to disk, renamed
//! over the old file, and then the directory itself is flushed, so that after a crash
//! the path holds either the old content or the new, never a mix or nothing.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Creates `dir` and its missing parents, each private (0700) whatever the umask. An
/// existing `dir` is left as it is.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    // The mode is masked by the umask: under `umask 000` it still must not be more.
    let missing: Vec<&Path> =
        dir.ancestors().take_while(|d| !d.as_os_str().is_empty() && !d.exists()).collect();
    builder.create(dir)?;
    #[cfg(unix)]
    for created in missing {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(created, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes an existing directory private (0700) if others can read or enter it.
pub(crate) fn tighten_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::symlink_metadata(dir)?;
        if meta.is_dir() && meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(meta.permissions().mode() & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Options for a private (0600) file that must not exist yet.
fn private_new_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// A temporary path beside `path`, unique to this process and call.
fn temp_path(path: &Path) -> PathBuf {
    let mut nonce = [0u8; 6];
    // Uniqueness matters, not secrecy: fall back to the clock if the OS has no randomness.
    if getrandom::fill(&mut nonce).is_err() {
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        nonce.copy_from_slice(&nanos.to_le_bytes()[..6]);
    }
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}-{}", std::process::id(), crate::encoding::hex(&nonce)))
}

/// Whether `name` is one of our temporary files, left behind by a crash.
pub(crate) fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.contains(".tmp-")
}

/// Flushes a directory's entries (the renames in it) to disk.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Replaces `path` with `bytes` atomically; the file is created 0600.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temp_path(path);
    let result = (|| {
        let mut file = private_new_file().open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Replaces the user's file `path` with `bytes` atomically, keeping the mode, owner and
/// group of `original` (its metadata, read when it was read), if `still` holds right
/// before the rename; `false` (and nothing changed) when it does not.
pub(crate) fn replace_keeping(
    path: &Path,
    bytes: &[u8],
    original: &fs::Metadata,
    still: &dyn Fn() -> bool,
) -> io::Result<bool> {
    let temp = temp_path(path);
    let result = (|| {
        let mut file = private_new_file().open(&temp)?;
        file.write_all(bytes)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
            if let Err(e) = std::os::unix::fs::fchown(&file, Some(original.uid()), Some(original.gid()))
                && (original.uid(), original.gid()) != (file.metadata()?.uid(), file.metadata()?.gid())
            {
                return Err(e);
            }
            file.set_permissions(fs::Permissions::from_mode(original.mode() & 0o7777))?;
        }
        file.sync_all()?;
        drop(file);
        if !still() {
            return Ok(false);
        }
        fs::rename(&temp, path).map(|()| true)
    })();
    if !matches!(result, Ok(true)) {
        let _ = fs::remove_file(&temp);
    }
    let replaced = result?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))?;
    Ok(replaced)
}

/// Writes `bytes` to `path`, which must not exist yet, through a temporary file linked
/// into place: the path never holds a partial file. Created 0600.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temp_path(path);
    let result = (|| {
        let mut file = private_new_file().open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::hard_link(&temp, path)
    })();
    let _ = fs::remove_file(&temp);
    result?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Makes `backup` a second name for the current content of `path`, atomically, without
/// copying it. Does nothing when `path` does not exist.
pub(crate) fn link_backup(path: &Path, backup: &Path) -> io::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let temp = temp_path(backup);
    if fs::hard_link(path, &temp).is_err() {
        // Some file systems have no hard links: copy instead.
        let bytes = fs::read(path)?;
        let mut file = private_new_file().open(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
    }
    let renamed = fs::rename(&temp, backup);
    // Also after a successful rename: when `backup` already was a name of the same file
    // (a writer stopped between this and replacing `path`), rename does nothing and
    // leaves `temp` in place.
    let _ = fs::remove_file(&temp);
    renamed
}

/// Removes temporary files that a crashed writer left in `dir`.
pub(crate) fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_str().is_some_and(is_temp_name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_backup_linked_again_to_the_same_file_leaves_no_temp_file() {
        // As after a writer killed between making the backup and replacing the vault:
        // the backup is already a second name of the vault's file.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.age");
        let backup = dir.path().join("vault.age.bak");
        write_atomic(&path, b"one").unwrap();
        link_backup(&path, &backup).unwrap();
        link_backup(&path, &backup).unwrap();
        assert_eq!(fs::read(&backup).unwrap(), b"one");
        let mut names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["vault.age", "vault.age.bak"].map(std::ffi::OsString::from));
    }

    #[test]
    fn atomic_write_replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.age");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("vault.age")]);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn backup_keeps_the_previous_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.age");
        let backup = dir.path().join("vault.age.bak");
        write_atomic(&path, b"v1").unwrap();
        link_backup(&path, &backup).unwrap();
        write_atomic(&path, b"v2").unwrap();
        assert_eq!(fs::read(&backup).unwrap(), b"v1");
        assert_eq!(fs::read(&path).unwrap(), b"v2");
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/b/latchkey");
        create_private_dir(&data).unwrap();
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700, "a new parent is private too");
        create_private_dir(&data).unwrap();
    }
}
