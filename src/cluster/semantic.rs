//! Semantic coupling: how much two modules share their domain vocabulary.
//!
//! Each module is a bag of words: its own name and the names of the items it defines, split at `_` and case
//! changes (`OrderLine` → `order`, `line`) and reduced to a singular stem. Words are weighted TF-IDF
//! (sublinear term frequency, `ln(N / df)`), vectors are L2-normalised and compared by cosine. Comparing all
//! pairs would be quadratic, so candidate pairs come from an inverted index of the rarer words (a word found
//! in more than [`MAX_POSTINGS`] modules says little and is skipped as a candidate source, though it still
//! counts in the cosine), and each module keeps its [`TOP_K`] most similar neighbours above
//! [`MIN_SIMILARITY`].
//!
//! This signal is only as good as the code's names: opaque or misleading names weaken it, which is why its
//! default weight is lower than the structural and data signals and why it can be switched off.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::extract::ItemKind;
use crate::resolve::Resolved;

use super::naming::{for_each_stem, with_entry};

const MAX_POSTINGS: usize = 50;
const TOP_K: usize = 5;
const MIN_SIMILARITY: f64 = 0.2;
/// Words that name no domain concept in any code base.
const STOP_WORDS: &[&str] = &[
    "mod", "lib", "main", "impl", "new", "get", "set", "from", "into", "with", "the", "and", "for",
    "all", "self", "test", "tests", "to", "by", "id", "ids", "fn", "err", "error", "result", "ok",
    "str", "string", "vec", "option", "default", "try", "as", "is", "has", "of", "in", "on", "at",
    "or", "not", "none", "some",
];

/// Undirected semantic similarity `(a, b) → cosine`, `a < b`, among the participating modules.
pub(super) fn similarities(
    resolved: &Resolved,
    participating: &[bool],
) -> BTreeMap<(usize, usize), f64> {
    let n = resolved.modules.len();
    // Each module's bag is built in parallel from its own items, in item order (so the sums are the same
    // as one pass over all items would make them).
    let mut items_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (index, item) in resolved.items.iter().enumerate() {
        let m = item.module.index();
        if participating[m]
            && !item.test_only
            && !matches!(item.kind, ItemKind::Impl | ItemKind::MacroCall)
        {
            items_of[m].push(index);
        }
    }
    let bags: Vec<BTreeMap<String, f64>> = (0..n)
        .into_par_iter()
        .map(|m| {
            let mut bag = FxHashMap::default();
            if participating[m] {
                add_words(&mut bag, &resolved.modules[m].name, 2.0);
                for &item in &items_of[m] {
                    add_words(&mut bag, &resolved.items[item].name, 1.0);
                }
            }
            bag.into_iter().collect()
        })
        .collect();
    let members: Vec<usize> = (0..n).filter(|&m| participating[m] && !bags[m].is_empty()).collect();
    let total = members.len() as f64;
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for &m in &members {
        for word in bags[m].keys() {
            *df.entry(word.as_str()).or_default() += 1;
        }
    }
    // TF-IDF vectors, normalised.
    let vectors: BTreeMap<usize, BTreeMap<&str, f64>> = members
        .iter()
        .map(|&m| {
            let mut vector: BTreeMap<&str, f64> = bags[m]
                .iter()
                .map(|(word, &tf)| {
                    let idf = (total / df.get(word.as_str()).copied().unwrap_or(1) as f64).ln();
                    (word.as_str(), (1.0 + tf.ln()) * idf)
                })
                .filter(|(_, w)| *w > 0.0)
                .collect();
            let norm = vector.values().map(|w| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                vector.values_mut().for_each(|w| *w /= norm);
            }
            (m, vector)
        })
        .collect();
    let mut postings: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (&m, vector) in &vectors {
        for word in vector.keys() {
            postings.entry(word).or_default().push(m);
        }
    }
    // Each module's nearest neighbours, in parallel (in module order, as the map iterates).
    let vectors_in_order: Vec<(&usize, &BTreeMap<&str, f64>)> = vectors.iter().collect();
    let best: Vec<(usize, Vec<(f64, usize)>)> = vectors_in_order
        .par_iter()
        .map(|&(&m, vector)| {
            let mut candidates: BTreeSet<usize> = BTreeSet::new();
            for word in vector.keys() {
                if let Some(list) = postings.get(word).filter(|l| l.len() <= MAX_POSTINGS) {
                    candidates.extend(list.iter().copied().filter(|&o| o != m));
                }
            }
            let mut scored: Vec<(f64, usize)> = candidates
                .into_iter()
                .filter_map(|o| {
                    let other = vectors.get(&o)?;
                    let cosine: f64 =
                        vector.iter().filter_map(|(w, x)| other.get(w).map(|y| x * y)).sum();
                    (cosine >= MIN_SIMILARITY).then_some((cosine, o))
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(TOP_K);
            (m, scored)
        })
        .collect();
    let mut res: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (m, list) in best {
        for (cosine, o) in list {
            let key = (m.min(o), m.max(o));
            let entry = res.entry(key).or_default();
            *entry = entry.max(cosine);
        }
    }
    res
}

fn add_words(bag: &mut FxHashMap<String, f64>, identifier: &str, weight: f64) {
    for_each_stem(identifier, STOP_WORDS, |_, stem| {
        with_entry(bag, stem, |total| *total += weight)
    });
}
