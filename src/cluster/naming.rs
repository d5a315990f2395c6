//! Readable service names from each service's dominant feature words.
//!
//! Words come from module paths (the last segment weighs most, a folder segment less) and item names (types
//! more than functions), split at `_` and case changes, lower-cased and reduced to a singular stem. Each word
//! is scored TF-IDF across the proposed services: a word every service shares (`handlers`, `repository`,
//! `service`) scores low, a word one service owns (`orders`) scores high. The name is the best word, or the two
//! best when one word alone would be ambiguous or is not clearly dominant. Names depend only on the code, never
//! on a fixed vocabulary of layer names.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::extract::ItemKind;
use crate::resolve::{ModuleId, Resolved};

/// Words that name no feature in any code base.
const STOP_WORDS: &[&str] = &[
    "mod", "lib", "main", "impl", "new", "get", "set", "from", "into", "with", "the", "and", "for",
    "all", "self", "test", "tests", "inner", "default", "try", "to", "by", "id", "ids",
];

/// Returns `(id, name)` per group, ids unique.
pub(super) fn name_services(
    resolved: &Resolved,
    groups: &[Vec<ModuleId>],
) -> Vec<(String, String)> {
    // Per group: stem → weight; and stem → surface form counts (to display the form the code uses most).
    // Groups are worded in parallel, each from its module paths and then its items in item order (so the
    // sums are the same as one pass over all items would make them); surface counts are summed after.
    let mut group_of = vec![usize::MAX; resolved.modules.len()];
    for (g, modules) in groups.iter().enumerate() {
        for module in modules {
            group_of[module.index()] = g;
        }
    }
    let mut items_of: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (index, item) in resolved.items.iter().enumerate() {
        let g = group_of[item.module.index()];
        if g != usize::MAX && !item.test_only {
            items_of[g].push(index);
        }
    }
    type Surfaces = FxHashMap<String, FxHashMap<String, u32>>;
    let worded: Vec<(BTreeMap<String, f64>, Surfaces)> = groups
        .par_iter()
        .zip(&items_of)
        .map(|(modules, items)| {
            let mut weights = FxHashMap::default();
            let mut surfaces = Surfaces::default();
            for module in modules {
                let path = &resolved.module(*module).path;
                let segments: Vec<&str> = path.split("::").skip(1).collect();
                for (i, segment) in segments.iter().enumerate() {
                    let weight = if i + 1 == segments.len() { 3.0 } else { 1.0 };
                    add_words(segment, weight, &mut weights, &mut surfaces);
                }
            }
            for &index in items {
                let item = &resolved.items[index];
                let weight = match item.kind {
                    ItemKind::Struct | ItemKind::Enum | ItemKind::Trait | ItemKind::Union => 0.5,
                    ItemKind::Fn | ItemKind::Method | ItemKind::Static | ItemKind::Const => 0.2,
                    _ => continue,
                };
                add_words(&item.name, weight, &mut weights, &mut surfaces);
            }
            (weights.into_iter().collect(), surfaces)
        })
        .collect();
    let mut weights: Vec<BTreeMap<String, f64>> = Vec::with_capacity(groups.len());
    let mut surfaces: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for (group_weights, group_surfaces) in worded {
        weights.push(group_weights);
        for (stem, forms) in group_surfaces {
            let total = surfaces.entry(stem).or_default();
            for (form, count) in forms {
                *total.entry(form).or_default() += count;
            }
        }
    }

    let n_groups = groups.len() as f64;
    let mut document_frequency: BTreeMap<&str, f64> = BTreeMap::new();
    for group in &weights {
        for stem in group.keys() {
            *document_frequency.entry(stem.as_str()).or_default() += 1.0;
        }
    }
    let ranked: Vec<Vec<(String, f64)>> = weights
        .iter()
        .map(|group| {
            let total: f64 = group.values().sum::<f64>().max(f64::EPSILON);
            let mut scored: Vec<(String, f64)> = group
                .iter()
                .map(|(stem, w)| {
                    let df = document_frequency.get(stem.as_str()).copied().unwrap_or(1.0);
                    let idf = ((1.0 + n_groups) / (1.0 + df)).ln() + 1.0;
                    (stem.clone(), w / total * idf)
                })
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            scored
        })
        .collect();

    let display = |stem: &str| -> String {
        surfaces
            .get(stem)
            .and_then(|forms| forms.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))))
            .map(|(form, _)| form.clone())
            .unwrap_or_else(|| stem.to_owned())
    };
    let top_stems: Vec<Option<&str>> =
        ranked.iter().map(|r| r.first().map(|(s, _)| s.as_str())).collect();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut res = Vec::with_capacity(groups.len());
    for (g, scored) in ranked.iter().enumerate() {
        let mut words: Vec<String> = Vec::new();
        if let Some((first, score)) = scored.first() {
            words.push(display(first));
            let shared_top =
                top_stems.iter().enumerate().any(|(h, s)| h != g && *s == Some(first.as_str()));
            if let Some((second, second_score)) = scored.get(1)
                && (shared_top || *second_score >= 0.8 * score)
            {
                words.push(display(second));
            }
        }
        if words.is_empty() {
            words.push("service".to_owned());
        }
        let mut id = words.join("-");
        let mut suffix = 2;
        while used.contains(&id) {
            id = format!("{}-{suffix}", words.join("-"));
            suffix += 1;
        }
        used.insert(id.clone());
        let name = words.iter().map(|w| capitalize(w)).collect::<Vec<_>>().join(" & ");
        let name = if id.ends_with(char::is_numeric) && suffix > 2 {
            format!("{name} ({})", suffix - 1)
        } else {
            name
        };
        res.push((id, name));
    }
    res
}

fn add_words(
    identifier: &str,
    weight: f64,
    weights: &mut FxHashMap<String, f64>,
    surfaces: &mut FxHashMap<String, FxHashMap<String, u32>>,
) {
    for_each_stem(identifier, STOP_WORDS, |word, stem| {
        with_entry(weights, stem, |total| *total += weight);
        with_entry(surfaces, stem, |forms| with_entry(forms, word, |count| *count += 1));
    });
}

/// Calls `f(word, stem)` for each word of `identifier` that can name something: at least three characters,
/// not only digits and not one of `stop_words`; `stem` is the word's singular.
pub(super) fn for_each_stem(identifier: &str, stop_words: &[&str], mut f: impl FnMut(&str, &str)) {
    for_each_word(identifier, |word| {
        if word.len() >= 3
            && !stop_words.contains(&word)
            && !word.chars().all(|c| c.is_ascii_digit())
        {
            f(word, &singular(word));
        }
    });
}

/// Applies `f` to the value of `key` in `map`, starting from `V::default()` the first time. The key is copied
/// only then: words come from a reused buffer, and most are already in the map. The maps are hash maps while
/// words are counted (a few hundred thousand names at a million lines; an ordered map compared strings at
/// every level) and are ordered afterwards; each key's sum is made in the same order either way.
pub(super) fn with_entry<V: Default>(
    map: &mut FxHashMap<String, V>,
    key: &str,
    f: impl FnOnce(&mut V),
) {
    match map.get_mut(key) {
        Some(value) => f(value),
        None => {
            let mut value = V::default();
            f(&mut value);
            map.insert(key.to_owned(), value);
        }
    }
}

/// `OrderLine` → `order`, `line`; `order_lines` → `order`, `lines`; `HTTPClient` → `http`, `client`.
#[cfg(test)]
fn split_identifier(identifier: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(identifier, |word| words.push(word.to_owned()));
    words
}

/// Calls `f` with each lower-cased word of `identifier`, split at non-alphanumeric characters and case changes
/// (`OrderLine` → `order`, `line`; `HTTPClient` → `http`, `client`). The words share one buffer: naming and
/// semantic coupling split every item name of the code base (a few hundred thousand at a million lines), and
/// a vector of strings per name was most of their time.
fn for_each_word(identifier: &str, mut f: impl FnMut(&str)) {
    let mut current = String::new();
    for part in identifier.split(|c: char| !c.is_alphanumeric()) {
        let mut previous: Option<char> = None;
        let mut chars = part.chars().peekable();
        while let Some(c) = chars.next() {
            let boundary = c.is_uppercase()
                && !current.is_empty()
                && (previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                    || chars.peek().is_some_and(|n| n.is_lowercase()));
            if boundary {
                f(&current);
                current.clear();
            }
            // Names are nearly all ASCII; `char::to_lowercase` goes through its Unicode tables and iterator.
            if c.is_ascii() {
                current.push(c.to_ascii_lowercase());
            } else {
                current.extend(c.to_lowercase());
            }
            previous = Some(c);
        }
        if !current.is_empty() {
            f(&current);
            current.clear();
        }
    }
}

/// A cheap English singular: `categories` → `category`, `addresses` → `address`, `orders` → `order`.
fn singular(word: &str) -> Cow<'_, str> {
    if let Some(stem) = word.strip_suffix("ies").filter(|s| s.len() >= 3) {
        return Cow::Owned(format!("{stem}y"));
    }
    for suffix in ["sses", "shes", "ches", "xes"] {
        if word.ends_with(suffix) {
            return Cow::Borrowed(&word[..word.len() - 2]);
        }
    }
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return Cow::Borrowed(&word[..word.len() - 1]);
    }
    Cow::Borrowed(word)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_identifiers_into_words() {
        assert_eq!(split_identifier("OrderLine"), ["order", "line"]);
        assert_eq!(split_identifier("order_lines"), ["order", "lines"]);
        assert_eq!(split_identifier("HTTPClient"), ["http", "client"]);
        assert_eq!(split_identifier("PRICE_CACHE"), ["price", "cache"]);
        assert_eq!(split_identifier("Order2Line"), ["order2", "line"]);
        assert_eq!(split_identifier("ÄrgerListe::v2"), ["ärger", "liste", "v2"]);
        assert!(split_identifier("__").is_empty());
    }

    #[test]
    fn singular_stems() {
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("orders"), "order");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("class"), "class");
    }
}
