//! House rules checked by a test: every source file says what it is for, and ARCHITECTURE.md's code map names
//! every module (rust-analyzer's tidy test does the same).

use crate::repo_root;

fn source_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = crate::list_files(&repo_root().join("src"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    for file in source_files() {
        let text = std::fs::read_to_string(repo_root().join("src").join(&file)).unwrap();
        assert!(
            text.starts_with("//!"),
            "src/{} must start with a `//!` doc saying what it is for",
            file.display()
        );
    }
}

#[test]
fn architecture_md_names_every_module() {
    let map = std::fs::read_to_string(repo_root().join("ARCHITECTURE.md")).unwrap();
    for file in source_files() {
        let path = file.to_string_lossy().replace('\\', "/");
        let name = path.trim_end_matches("/mod.rs").trim_end_matches(".rs");
        if name.ends_with("tests") || name == "test_fixture" {
            continue;
        }
        assert!(
            map.contains(&format!("`{name}")),
            "ARCHITECTURE.md's code map does not mention `{name}`"
        );
    }
}
