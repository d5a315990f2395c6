//! Property test of the per-file pipeline (parse → extract → SQL and diesel macro parsing, then the whole
//! analysis of a crate holding the file): arbitrary bytes and mutated real Rust never make decompose panic.
//!
//! The mutations are seeded, so a failure reproduces; `DECOMPOSE_ROBUSTNESS_ROUNDS` raises the number of
//! rounds for a longer run (the default keeps `cargo test` fast).

use crate::{repo_root, run};

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
