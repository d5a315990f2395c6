//! The web address of the analysed code, for links from evidence to the line on GitHub or GitLab.
//!
//! Read from the git metadata of the repository that holds the analysed folder (found by walking up to a
//! `.git` folder): the `origin` remote's URL (https or ssh form) and the checked-out branch. The branch is used
//! rather than the commit, so that a report does not change with every commit. Only files are read; git is
//! never run. Anything unexpected (no repository, another host, a detached head) means no links.

use std::path::Path;

/// `https://github.com/owner/repo/blob/main/sub/folder/`: prefix of a file's web address, ending in `/`.
pub(crate) fn web_base(root: &Path) -> Option<String> {
    let mut top = root.to_path_buf();
    while !top.join(".git").is_dir() {
        top = top.parent()?.to_path_buf();
    }
    let git = top.join(".git");
    let config = std::fs::read_to_string(git.join("config")).ok()?;
    let url = origin_url(&config)?;
    let (host, path) = web_repository(&url)?;
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let branch = head.trim().strip_prefix("ref: refs/heads/")?;
    let prefix = root.strip_prefix(&top).ok()?;
    let mut sub: String =
        prefix.components().map(|c| format!("{}/", c.as_os_str().to_string_lossy())).collect();
    if sub == "/" {
        sub.clear();
    }
    let blob = if host == "gitlab.com" { "-/blob" } else { "blob" };
    Some(format!("https://{host}/{path}/{blob}/{branch}/{sub}"))
}

/// The `url` of `[remote "origin"]`.
fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line == "[remote \"origin\"]";
        } else if in_origin && let Some(value) = line.strip_prefix("url") {
            return Some(value.trim_start().strip_prefix('=')?.trim().to_owned());
        }
    }
    None
}

/// `git@github.com:o/r.git` or `https://github.com/o/r` → (`github.com`, `o/r`), for GitHub and GitLab only.
fn web_repository(url: &str) -> Option<(String, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("ssh://git@"))
        .or_else(|| url.strip_prefix("git@"))?;
    // Credentials (`user:token@`) come before the host.
    let rest = match rest.split_once('@') {
        Some((credentials, after)) if !credentials.contains('/') => after,
        _ => rest,
    };
    let (host, path) = rest.split_once(['/', ':'])?;
    let host = host.to_owned();
    if host != "github.com" && host != "gitlab.com" {
        return None;
    }
    let path = path.trim_end_matches('/').trim_end_matches(".git").to_owned();
    (path.split('/').count() >= 2).then_some((host, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls() {
        assert_eq!(
            web_repository("git@github.com:acme/shop.git"),
            Some(("github.com".into(), "acme/shop".into()))
        );
        assert_eq!(
            web_repository("https://gitlab.com/acme/team/shop"),
            Some(("gitlab.com".into(), "acme/team/shop".into()))
        );
        assert_eq!(
            web_repository("https://x:token@github.com/acme/shop.git"),
            Some(("github.com".into(), "acme/shop".into()))
        );
        assert_eq!(web_repository("/srv/git/shop"), None);
        assert_eq!(web_repository("https://example.org/acme/shop"), None);
        assert_eq!(
            origin_url(
                "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:a/b.git\n"
            )
            .as_deref(),
            Some("git@github.com:a/b.git")
        );
    }
}
