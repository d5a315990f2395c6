//! Comparing two partitions of the same elements: the adjusted Rand index (Hubert & Arabie 1985).
//!
//! ARI counts the pairs of elements on which two partitions agree (together in both, or apart in both),
//! corrected for the agreement expected by chance: 1 means identical, about 0 means no better than random,
//! and it cannot be gamed by one-cluster or all-singleton answers the way MoJoFM can.

use std::collections::BTreeMap;

/// ARI of two labelings of the same elements (`a[i]` and `b[i]` label element `i`).
/// Two partitions that are both one cluster (or both all singletons) are identical: 1.0.
pub fn adjusted_rand_index<A: Ord, B: Ord>(a: &[A], b: &[B]) -> f64 {
    assert_eq!(a.len(), b.len(), "invariant: both labelings cover the same elements");
    let n = a.len() as f64;
    if a.len() < 2 {
        return 1.0;
    }
    let mut contingency: BTreeMap<(&A, &B), u64> = BTreeMap::new();
    let mut rows: BTreeMap<&A, u64> = BTreeMap::new();
    let mut cols: BTreeMap<&B, u64> = BTreeMap::new();
    for (x, y) in a.iter().zip(b) {
        *contingency.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *cols.entry(y).or_default() += 1;
    }
    let pairs = |k: u64| (k * k.saturating_sub(1)) as f64 / 2.0;
    let index: f64 = contingency.values().map(|&k| pairs(k)).sum();
    let sum_rows: f64 = rows.values().map(|&k| pairs(k)).sum();
    let sum_cols: f64 = cols.values().map(|&k| pairs(k)).sum();
    let total = n * (n - 1.0) / 2.0;
    let expected = sum_rows * sum_cols / total;
    let max = (sum_rows + sum_cols) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::adjusted_rand_index as ari;

    #[test]
    fn identical_partitions_score_one_whatever_the_labels() {
        assert!((ari(&[0, 0, 1, 1, 2], &["x", "x", "y", "y", "z"]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_value() {
        // Classic example: scikit-learn's adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714.
        assert!((ari(&[0, 0, 1, 1], &[0, 0, 1, 2]) - 0.571_428_571_4).abs() < 1e-9);
    }

    #[test]
    fn disagreement_is_near_or_below_zero() {
        assert!(ari(&[0, 0, 1, 1], &[0, 1, 0, 1]) < 0.0);
    }
}
