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

use std::collections::BTreeMap;

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
    let bags: Vec<FxHashMap<String, f64>> = (0..n)
        .into_par_iter()
        .map(|m| {
            let mut bag = FxHashMap::default();
            if participating[m] {
                add_words(&mut bag, &resolved.modules[m].name, 2.0);
                for &item in &items_of[m] {
                    add_words(&mut bag, &resolved.items[item].name, 1.0);
                }
            }
            bag
        })
        .collect();
    let members: Vec<usize> = (0..n).filter(|&m| participating[m] && !bags[m].is_empty()).collect();
    let vocabulary = Vocabulary::new(&members, &bags);
    let total = members.len() as f64;
    // TF-IDF vectors, normalised; entries in word order, so each sum below adds its terms in the order an
    // ordered map of words would give them.
    let vectors: Vec<Vec<(u32, f64)>> = members
        .par_iter()
        .map(|&m| {
            let mut vector: Vec<(u32, f64)> = bags[m]
                .iter()
                .filter_map(|(word, &tf)| {
                    let id = vocabulary.id(word)?;
                    let idf = (total / vocabulary.df[id as usize] as f64).ln();
                    Some((id, (1.0 + tf.ln()) * idf))
                })
                .filter(|(_, w)| *w > 0.0)
                .collect();
            vector.sort_unstable_by_key(|&(id, _)| id);
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                vector.iter_mut().for_each(|(_, w)| *w /= norm);
            }
            vector
        })
        .collect();
    // The members (as positions in `members`) that use each word, in module order.
    let mut postings: Vec<Vec<usize>> = vec![Vec::new(); vocabulary.df.len()];
    for (position, vector) in vectors.iter().enumerate() {
        for &(word, _) in vector {
            postings[word as usize].push(position);
        }
    }
    // Each module's nearest neighbours, in parallel (in module order).
    let best: Vec<(usize, Vec<(f64, usize)>)> = vectors
        .par_iter()
        .enumerate()
        .map(|(position, vector)| {
            let mut candidates: Vec<usize> = vector
                .iter()
                .filter_map(|&(word, _)| postings.get(word as usize))
                .filter(|list| list.len() <= MAX_POSTINGS)
                .flatten()
                .copied()
                .filter(|&other| other != position)
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            let mut scored: Vec<(f64, usize)> = candidates
                .into_iter()
                .filter_map(|other| {
                    let cosine = cosine(vector, &vectors[other]);
                    (cosine >= MIN_SIMILARITY).then_some((cosine, members[other]))
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(TOP_K);
            (members[position], scored)
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

/// The words of all bags, numbered in string order, with the number of bags each occurs in. Vectors of word
/// numbers compare by merging two sorted lists of integers, where maps keyed by words compared strings at
/// every lookup (most of this signal's time on small code bases, where nearly every pair is a candidate).
struct Vocabulary<'a> {
    ids: FxHashMap<&'a str, u32>,
    /// Document frequency by word number.
    df: Vec<usize>,
}

impl<'a> Vocabulary<'a> {
    fn new(members: &[usize], bags: &'a [FxHashMap<String, f64>]) -> Self {
        let mut df_of: FxHashMap<&'a str, usize> = FxHashMap::default();
        for &m in members {
            for word in bags[m].keys() {
                *df_of.entry(word.as_str()).or_default() += 1;
            }
        }
        let mut words: Vec<(&'a str, usize)> = df_of.into_iter().collect();
        words.sort_unstable_by_key(|&(word, _)| word);
        let ids = words.iter().enumerate().map(|(id, &(word, _))| (word, id as u32)).collect();
        let df = words.into_iter().map(|(_, df)| df).collect();
        Self { ids, df }
    }

    fn id(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }
}

/// The dot product of two normalised vectors sorted by word, summed in the first one's word order.
fn cosine(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    let mut j = 0;
    a.iter()
        .filter_map(|&(word, x)| {
            while b.get(j).is_some_and(|&(other, _)| other < word) {
                j += 1;
            }
            b.get(j).filter(|&&(other, _)| other == word).map(|&(_, y)| x * y)
        })
        .sum()
}

fn add_words(bag: &mut FxHashMap<String, f64>, identifier: &str, weight: f64) {
    for_each_stem(identifier, STOP_WORDS, |_, stem| {
        with_entry(bag, stem, |total| *total += weight)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_adds_shared_words_only() {
        let a = [(1, 0.6), (4, 0.8)];
        let b = [(0, 0.5), (1, 0.5), (3, 0.5), (4, 0.5)];
        assert_eq!(cosine(&a, &b), 0.6 * 0.5 + 0.8 * 0.5);
        assert_eq!(cosine(&a, &[(2, 1.0)]), 0.0);
        assert_eq!(cosine(&[], &b), 0.0);
        assert_eq!(cosine(&a, &[]), 0.0);
    }

    #[test]
    fn words_are_numbered_in_string_order_with_their_bag_counts() {
        let bag = |words: &[&str]| -> FxHashMap<String, f64> {
            words.iter().map(|w| ((*w).to_owned(), 1.0)).collect()
        };
        let bags = [bag(&["order", "line"]), bag(&["zebra"]), bag(&["order", "cart"])];
        // The second bag is no member: its word is left out.
        let vocabulary = Vocabulary::new(&[0, 2], &bags);
        let ids: Vec<Option<u32>> =
            ["cart", "line", "order", "zebra"].iter().map(|w| vocabulary.id(w)).collect();
        assert_eq!(ids, [Some(0), Some(1), Some(2), None]);
        assert_eq!(vocabulary.df, [1, 1, 2]);
    }
}
