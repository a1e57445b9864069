//! A repository's history and its staged changes, read through git's plumbing: every
//! blob that any commit holds is read once, whatever how many commits hold it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Place, Sought, Sweep, SweepError};

/// git, with nothing the repository's own config could make it run.
fn git(repo: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(repo)
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            // `git log` verifies signatures when the config says so, running its program.
            "-c",
            "log.showSignature=false",
            "-c",
            "gpg.program=false",
            "-c",
            "gpg.ssh.program=false",
            "-c",
            "gpg.x509.program=false",
        ])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_LITERAL_PATHSPECS", "1")
        .stdin(Stdio::null());
    command
}

fn output(command: &mut Command, what: &str) -> Result<Vec<u8>, SweepError> {
    let out = command
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| SweepError::Git(format!("cannot run git ({e}): install git to sweep a repository")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        return Err(SweepError::Git(format!("git {what} failed: {}", said.trim())));
    }
    Ok(out.stdout)
}

/// The top directory of the repository holding `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, SweepError> {
    let out = output(git(dir).args(["rev-parse", "--show-toplevel"]), "rev-parse")
        .map_err(|_| SweepError::Git(format!("{} is not in a git repository", dir.display())))?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out).trim_end_matches('\n')))
}

/// Whether git tracks `path` (its content is in history already, and scrubbing the
/// file does not take it out), or could: when git cannot say (a repository it refuses,
/// git missing inside a work tree), the answer is yes.
pub fn is_tracked(path: &Path) -> bool {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return true };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let in_work_tree = || dir.ancestors().any(|d| d.join(".git").exists());
    let Ok(out) =
        git(dir).args(["ls-files", "--error-unmatch", "--"]).arg(name).stdout(Stdio::null()).output()
    else {
        return in_work_tree();
    };
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        // 128: not a repository (untracked), or one git will not read (dubious ownership).
        _ => !String::from_utf8_lossy(&out.stderr).contains("not a git repository") || in_work_tree(),
    }
}

impl Sought {
    /// Sweeps every blob reachable from any ref of the repository at `repo`, each
    /// finding named by the first commit that holds the blob and its path there.
    pub fn sweep_history(&self, repo: &Path) -> Result<Sweep, SweepError> {
        let listing = output(git(repo).args(["rev-list", "--all", "--objects"]), "rev-list")?;
        // Object → the first path it was seen at (commits have none; trees are asked about
        // and skipped).
        let mut paths: Vec<(String, String)> = Vec::new();
        let mut seen = HashMap::new();
        for line in String::from_utf8_lossy(&listing).lines() {
            if let Some((oid, path)) = line.split_once(' ')
                && seen.insert(oid.to_owned(), ()).is_none()
            {
                paths.push((oid.to_owned(), path.to_owned()));
            }
        }
        let requests: Vec<String> = paths.iter().map(|(oid, _)| oid.clone()).collect();
        let mut sweep = self.read_blobs(repo, &requests, |i, _| {
            let (_, path) = &paths[i];
            Place::Commit { commit: String::new(), path: path.clone() }
        })?;
        // Name each blob with findings by the first commit that holds it.
        let mut first: HashMap<String, String> = HashMap::new();
        for finding in &mut sweep.findings {
            if let Place::Commit { commit, .. } = &mut finding.place {
                let oid = std::mem::take(commit);
                let named = match first.get(&oid) {
                    Some(c) => c.clone(),
                    None => {
                        let log = output(
                            git(repo)
                                .args(["log", "--all", "--reverse", "--no-show-signature", "--format=%H"])
                                .arg("--find-object")
                                .arg(&oid),
                            "log",
                        )?;
                        // A commit id and nothing else: whatever else a program printed is not one.
                        let is_id =
                            |l: &&str| matches!(l.len(), 40 | 64) && l.bytes().all(|b| b.is_ascii_hexdigit());
                        let c = String::from_utf8_lossy(&log).lines().find(is_id).unwrap_or(&oid).to_owned();
                        first.insert(oid.clone(), c.clone());
                        c
                    }
                };
                *commit = named;
            }
        }
        sweep.findings.sort_by(|a, b| (&a.place, a.offset).cmp(&(&b.place, b.offset)));
        Ok(sweep)
    }

    /// Sweeps the staged content of the files added, copied, modified or changed in type
    /// in the index of the repository at `repo`: what the next commit would hold. Blobs
    /// are asked for by id, so any file name works.
    pub fn sweep_staged(&self, repo: &Path) -> Result<Sweep, SweepError> {
        // The tree to compare with: HEAD, or the empty tree before the first commit.
        let head = git(repo).args(["rev-parse", "--verify", "--quiet", "HEAD"]).output();
        let base = match head {
            Ok(out) if out.status.success() => "HEAD".to_owned(),
            _ => String::from_utf8_lossy(&output(
                git(repo).args(["hash-object", "-t", "tree", "/dev/null"]),
                "hash-object",
            )?)
            .trim()
            .to_owned(),
        };
        let raw = output(
            git(repo)
                .args(["diff-index", "--cached", "-z", "--raw", "--no-renames", "--diff-filter=ACMT"])
                .arg(&base),
            "diff-index --cached",
        )?;
        // Records: ":old-mode new-mode old-id new-id status\0path\0".
        let mut entries: Vec<(String, String)> = Vec::new();
        let mut fields = raw.split(|&b| b == 0);
        while let (Some(meta), Some(path)) = (fields.next(), fields.next()) {
            let meta = String::from_utf8_lossy(meta);
            let parts: Vec<&str> = meta.split_whitespace().collect();
            // Files and links; a gitlink (160000) is another repository.
            if let [_, mode, _, id, _] = parts.as_slice()
                && !mode.starts_with("160")
            {
                entries.push((id.to_string(), String::from_utf8_lossy(path).into_owned()));
            }
        }
        let requests: Vec<String> = entries.iter().map(|(id, _)| id.clone()).collect();
        self.read_blobs(repo, &requests, |i, _| Place::Staged { path: entries[i].1.clone() })
    }

    /// Reads each requested object (an id or `:path`) through `git cat-file --batch`
    /// and sweeps the blobs. `place` names the i-th request's findings; for history,
    /// its commit is the blob's id until the caller names it.
    fn read_blobs(
        &self,
        repo: &Path,
        requests: &[String],
        place: impl Fn(usize, &str) -> Place,
    ) -> Result<Sweep, SweepError> {
        let mut sweep =
            Sweep { values: self.values(), skipped_short: self.skipped_short, ..Sweep::default() };
        if requests.is_empty() {
            return Ok(sweep);
        }
        let mut child = git(repo)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                SweepError::Git(format!("cannot run git ({e}): install git to sweep a repository"))
            })?;
        let mut stdin = child.stdin.take().expect("piped");
        let feed: Vec<u8> = requests.iter().flat_map(|r| format!("{r}\n").into_bytes()).collect();
        let writer = std::thread::spawn(move || stdin.write_all(&feed));
        let mut out = BufReader::with_capacity(1 << 20, child.stdout.take().expect("piped"));
        let broken = |e: std::io::Error| SweepError::Git(format!("reading git cat-file: {e}"));
        for (i, request) in requests.iter().enumerate() {
            let mut header = String::new();
            if out.read_line(&mut header).map_err(broken)? == 0 {
                return Err(SweepError::Git("git cat-file ended early".into()));
            }
            let fields: Vec<&str> = header.split_whitespace().collect();
            let (oid, kind, size) = match fields.as_slice() {
                [oid, kind, size] => (*oid, *kind, size.parse::<u64>().unwrap_or(0)),
                _ => continue, // `missing`: a submodule, or gone since the listing
            };
            let mut body = (&mut out).take(size);
            if kind == "blob" {
                let mut hits = Vec::new();
                let bytes = self.search(&mut body, |hit| hits.push(hit)).map_err(broken)?;
                let mut at = place(i, request);
                if let Place::Commit { commit, .. } = &mut at {
                    *commit = oid.to_owned();
                }
                sweep.findings.extend(self.findings(hits, &at));
                sweep.files += 1;
                sweep.bytes += bytes;
            } else {
                std::io::copy(&mut body, &mut std::io::sink()).map_err(broken)?;
            }
            let mut newline = [0u8; 1];
            out.read_exact(&mut newline).map_err(broken)?;
        }
        drop(out);
        let _ = writer.join();
        let _ = child.wait();
        Ok(sweep)
    }
}
