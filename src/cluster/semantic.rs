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
/// About the steps of a binary search in a module's vector (a few dozen words): where a word's postings
/// are longer than this many per candidate, looking the word up in each candidate is cheaper.
const SEARCH_STEPS: usize = 6;
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
    // The members (as positions in `members`) that use each word, in module order, with its weight in each.
    let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); vocabulary.df.len()];
    for (position, vector) in vectors.iter().enumerate() {
        for &(word, weight) in vector {
            postings[word as usize].push((position as u32, weight));
        }
    }
    // Each module's nearest neighbours, in parallel (in module order): the members that share a rare word
    // with it, scored (see `Dots::score`).
    let best: Vec<(usize, Vec<(f64, usize)>)> = (0..vectors.len())
        .into_par_iter()
        .map_init(
            || Dots::new(members.len()),
            |dots, position| {
                dots.score(position, &vectors, &postings);
                let mut scored: Vec<(f64, usize)> = dots
                    .drain()
                    .filter(|&(_, cosine)| cosine >= MIN_SIMILARITY)
                    .map(|(other, cosine)| (cosine, members[other]))
                    .collect();
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.truncate(TOP_K);
                (members[position], scored)
            },
        )
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

/// Dot products of one vector with its candidates, added up term by term: one slot per member, reused from
/// vector to vector.
struct Dots {
    sum: Vec<f64>,
    is_candidate: Vec<bool>,
    candidates: Vec<usize>,
}

impl Dots {
    fn new(n: usize) -> Self {
        Dots { sum: vec![0.0; n], is_candidate: vec![false; n], candidates: Vec::new() }
    }

    /// The cosines of `vectors[position]` with the members that share a rare word with it (read them with
    /// [`Dots::drain`]). `postings[word]` lists the members that use `word`, with its weight in each.
    ///
    /// Each cosine is summed over the vector's words in its order, the order `cosine` adds them in: the
    /// same values to the bit, without merging two vectors for every candidate (that merge was half of this
    /// signal's time on a small code base, where nearly every pair is a candidate). A word's terms come
    /// from its postings, or, for a common word whose postings are long (all modules, on a large code
    /// base), from a search of each candidate's vector.
    fn score(
        &mut self,
        position: usize,
        vectors: &[Vec<(u32, f64)>],
        postings: &[Vec<(u32, f64)>],
    ) {
        let vector = &vectors[position];
        for &(word, _) in vector {
            let list = &postings[word as usize];
            if list.len() <= MAX_POSTINGS {
                for &(other, _) in list {
                    let other = other as usize;
                    if other != position && !self.is_candidate[other] {
                        self.is_candidate[other] = true;
                        self.candidates.push(other);
                    }
                }
            }
        }
        for &(word, x) in vector {
            let list = &postings[word as usize];
            if list.len() <= SEARCH_STEPS * self.candidates.len() {
                for &(other, y) in list {
                    if self.is_candidate[other as usize] {
                        self.sum[other as usize] += x * y;
                    }
                }
            } else {
                for &other in &self.candidates {
                    if let Ok(at) = vectors[other].binary_search_by_key(&word, |&(w, _)| w) {
                        self.sum[other] += x * vectors[other][at].1;
                    }
                }
            }
        }
    }

    /// The candidates and their cosines, in the order they became candidates; leaves every slot empty.
    fn drain(&mut self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.candidates.drain(..).map(|member| {
            self.is_candidate[member] = false;
            (member, std::mem::take(&mut self.sum[member]))
        })
    }
}

/// The dot product of two normalised vectors sorted by word, summed in the first one's word order.
#[cfg(test)]
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

    /// The scores equal `cosine` to the bit, for exactly the members that share a rare word, whether a word's
    /// terms come from its postings or from searching the candidates (common words, in more than
    /// `MAX_POSTINGS` vectors, with few candidates), and with the slots reused from vector to vector. The
    /// weights are irregular, so a different order of additions would show in the last bits.
    #[test]
    fn scores_are_the_cosines_with_members_sharing_a_rare_word() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        // Words 0..4 are in every vector (common); words 4.. are rare, each in a few vectors.
        let n = MAX_POSTINGS + 20;
        let vectors: Vec<Vec<(u32, f64)>> = (0..n)
            .map(|_| {
                let mut words: Vec<u32> = (0..4).collect();
                words.extend((0..3).map(|_| 4 + (next() % 400) as u32));
                words.sort_unstable();
                words.dedup();
                words.into_iter().map(|w| (w, 1.0 / (1 + next() % 997) as f64)).collect()
            })
            .collect();
        let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); 404];
        for (position, vector) in vectors.iter().enumerate() {
            for &(word, weight) in vector {
                postings[word as usize].push((position as u32, weight));
            }
        }
        let mut dots = Dots::new(n);
        let mut searched = false;
        for position in 0..n {
            dots.score(position, &vectors, &postings);
            searched |= SEARCH_STEPS * dots.candidates.len() < n;
            let mut scores: Vec<(usize, f64)> = dots.drain().collect();
            scores.sort_by_key(|&(other, _)| other);
            let shares_rare = |other: usize| {
                vectors[position]
                    .iter()
                    .any(|&(w, _)| w >= 4 && vectors[other].iter().any(|&(v, _)| v == w))
            };
            let expected: Vec<usize> =
                (0..n).filter(|&o| o != position && shares_rare(o)).collect();
            assert_eq!(scores.iter().map(|&(o, _)| o).collect::<Vec<_>>(), expected, "{position}");
            for (other, score) in scores {
                let cosine = cosine(&vectors[position], &vectors[other]);
                assert_eq!(score.to_bits(), cosine.to_bits(), "{position} {other}");
            }
        }
        assert!(searched, "no vector had its common words searched");
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
