//! Property test of the per-file pipeline (parse → extract → SQL and diesel macro parsing, then the whole
//! analysis of a crate holding the file): arbitrary bytes and mutated real Rust never make decompose panic.
//!
//! The mutations are seeded, so a failure reproduces; `DECOMPOSE_ROBUSTNESS_ROUNDS` raises the number of
//! rounds for a longer run (the default keeps `cargo test` fast).

use crate::{repo_root, run, write_fixture};

/// SplitMix64: a small, seeded generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random edit: delete, duplicate or move a range, or insert random bytes (often not UTF-8).
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let len = bytes.len().max(1);
    let (a, b) = {
        let x = rng.below(len);
        let y = (x + rng.below(200)).min(bytes.len());
        (x.min(bytes.len()), y)
    };
    match rng.below(4) {
        0 => {
            bytes.drain(a..b);
        }
        1 => {
            let piece: Vec<u8> = bytes[a..b].to_vec();
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, piece);
        }
        2 => {
            let noise: Vec<u8> = (0..rng.below(16) + 1).map(|_| rng.next() as u8).collect();
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, noise);
        }
        _ => {
            let tokens: [&[u8]; 10] = [
                b"{",
                b"}",
                b"(",
                b"\"",
                b"r#\"",
                b"mod x;",
                b"::",
                b"table! {",
                b"sqlx::query(\"SELECT",
                b"'",
            ];
            let token = tokens[rng.below(tokens.len())];
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, token.iter().copied());
        }
    }
}

#[test]
fn mutated_and_arbitrary_files_never_crash_the_analysis() {
    let rounds: usize = std::env::var("DECOMPOSE_ROBUSTNESS_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(40);
    let seeds: Vec<Vec<u8>> = [
        "sample-monoliths/bookstore/src/repository/orders.rs",
        "sample-monoliths/clinic/crates/clinic-app/src/schema.rs",
        "sample-monoliths/bookstore/src/services/catalog.rs",
    ]
    .iter()
    .map(|p| std::fs::read(repo_root().join(p)).unwrap())
    .collect();
    let mut rng = Rng(7);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app/src")).unwrap();
    std::fs::write(
        dir.path().join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nedition = \"2021\"\n",
    )
    .unwrap();
    for round in 0..rounds {
        let mut bytes = if round % 5 == 4 {
            (0..rng.below(4000)).map(|_| rng.next() as u8).collect()
        } else {
            seeds[round % seeds.len()].clone()
        };
        for _ in 0..rng.below(30) + 1 {
            mutate(&mut rng, &mut bytes);
        }
        std::fs::write(dir.path().join("app/src/lib.rs"), &bytes).unwrap();
        let out =
            run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json,html,sarif", "-q"]);
        assert!(
            out.code == 0 && !out.stderr.contains("panicked"),
            "round {round} (seed 7): {out:?}\ninput kept at {}",
            dir.path().join("app/src/lib.rs").display()
        );
    }
}

/// A repository of 10,000 files (100 folders of 100 modules, each calling into a neighbouring folder) ends in
/// a finished report that lists every module.
#[test]
fn ten_thousand_files_end_in_a_finished_report() {
    const FOLDERS: usize = 100;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("app/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        dir.path().join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nedition = \"2021\"\n",
    )
    .unwrap();
    let mut lib = String::new();
    for folder in 0..FOLDERS {
        lib.push_str(&format!("pub mod f{folder};\n"));
        std::fs::create_dir_all(src.join(format!("f{folder}"))).unwrap();
        let mut decls = String::new();
        for module in 1..FOLDERS {
            decls.push_str(&format!("pub mod m{module};\n"));
            let next = (folder + 1) % FOLDERS;
            std::fs::write(
                src.join(format!("f{folder}/m{module}.rs")),
                format!(
                    "pub struct Item{module} {{ pub id: u64 }}\npub fn run(x: u64) -> u64 {{ crate::f{next}::m{module}::helper(x) }}\npub fn helper(x: u64) -> u64 {{ x + {module} }}\n"
                ),
            )
            .unwrap();
        }
        std::fs::write(src.join(format!("f{folder}/mod.rs")), decls).unwrap();
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let clock = std::time::Instant::now();
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json,html", "-v"]);
    eprintln!("10,000 files analysed in {:.1?}", clock.elapsed());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("wrote o/index.html"), "{out:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["modules"].as_array().unwrap().len(), 1 + FOLDERS * FOLDERS, "{}", out.stderr);
    assert_eq!(json["diagnostics"], serde_json::json!([]), "a clean repository: {}", out.stderr);
}

/// A 50 MB generated file (10,000 generated functions, then an embedded 49 MB asset as a byte string) is read
/// and parsed whole: the items after it are found. A file over the size limit is skipped with a diagnostic
/// that says why, on stderr and in the report.
#[test]
fn huge_files_end_in_a_finished_report() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        dir.path(),
        r#"
//- /app/Cargo.toml
[package]
name = "app"
edition = "2021"
//- /app/src/lib.rs
pub mod generated;
pub mod user;
mod huge;
//- /app/src/user.rs
pub fn call() -> usize { crate::generated::after() }
"#,
    );
    let mut text = String::from("//! Generated bindings and an embedded asset.\n");
    for n in 0..10_000 {
        text.push_str(&format!("pub fn binding_{n}(x: u64) -> u64 {{ x.wrapping_mul({n}) }}\n"));
    }
    text.push_str("pub static ASSET: &[u8] = b\"\\\n");
    let row =
        "\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x0e\\x0f\\\n";
    while text.len() < 50_000_000 {
        text.push_str(row);
    }
    text.push_str("\";\npub fn after() -> usize { ASSET.len() + binding_1(1) as usize }\n");
    std::fs::write(dir.path().join("app/src/generated.rs"), &text).unwrap();
    // Over the 64 MiB limit, as a sparse file: its size is all that is looked at.
    std::fs::File::create(dir.path().join("app/src/huge.rs"))
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();

    let clock = std::time::Instant::now();
    let out = run(dir.path(), &["analyze", "app", "--out", "o", "--format", "json,html"]);
    eprintln!("a 50 MB file analysed in {:.1?}", clock.elapsed());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("wrote o/index.html"), "{out:?}");
    assert_eq!(
        out.stderr.trim(),
        "warning: src/huge.rs: file is 65 MiB, over the 64 MiB limit; not parsed",
        "{out:?}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    let dependencies = json["dependencies"].as_array().unwrap();
    assert!(
        dependencies.iter().any(|d| d["from"] == "app::user" && d["to"] == "app::generated"),
        "the function after the 49 MB literal is found: {dependencies:#?}"
    );
    let diagnostics = serde_json::to_string(&json["diagnostics"]).unwrap();
    assert!(diagnostics.contains("over the 64 MiB limit; not parsed"), "{diagnostics}");
}
