//! Where the catalog's self-identifying keys may start: the fewest prefixes that cover
//! the catalog's hundreds, searched with SIMD a few at a time.

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};

/// Prefixes per SIMD searcher. aho-corasick's Teddy sorts patterns into 8 buckets by
/// their first bytes and matches a bucket's blurred fingerprint; with the catalog's ~32
/// key starts in one searcher, ordinary text matched those fingerprints everywhere. Two
/// searchers of 16, two alike prefixes to a bucket (see [`bucket_pairs`]), keep them
/// sharp. Measured on 256 MiB of transcripts: 240 ms of CPU in one automaton, 160 ms in
/// four searchers of 8, about 60 ms in two of 16 paired.
const PER_SEARCHER: usize = 16;

/// Where the catalog's key prefixes start, found by one searcher.
pub(super) enum KeyStarts {
    /// SIMD (Teddy) over a few prefixes.
    Packed(aho_corasick::packed::Searcher),
    /// An automaton over all of them, where the processor has no SIMD searcher.
    Automaton(AhoCorasick),
}

impl KeyStarts {
    /// Searchers of [`PER_SEARCHER`] prefixes each, or one automaton for them all; none
    /// for no prefixes.
    pub(super) fn build(prefixes: &[Vec<u8>]) -> Vec<Self> {
        if prefixes.is_empty() {
            return Vec::new();
        }
        // The shortest prefixes together: a searcher compares as many first bytes as
        // its shortest prefix has, and the fewer searchers left with 3, the faster.
        let mut sorted = prefixes.to_vec();
        sorted.sort_by_key(|p| (p.len().min(4), p.clone()));
        let packed: Option<Vec<Self>> = sorted
            .chunks(PER_SEARCHER)
            .map(|few| {
                aho_corasick::packed::Config::new()
                    .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(bucket_pairs(few))
                    .build()
                    .map(Self::Packed)
            })
            .collect();
        packed.unwrap_or_else(|| {
            let automaton = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::DFA))
                .build(prefixes)
                .expect("byte patterns build an automaton");
            vec![Self::Automaton(automaton)]
        })
    }

    /// Where the first of its prefixes starts at or after `at` in `data`.
    pub(super) fn find(&self, data: &[u8], at: usize) -> Option<usize> {
        match self {
            Self::Packed(searcher) => searcher.find_in(data, aho_corasick::Span::from(at..data.len())),
            Self::Automaton(automaton) => automaton.find(Input::new(data).span(at..data.len())),
        }
        .map(|m| m.start())
    }
}

/// Up to 16 prefixes, in the order that shares Teddy's 8 buckets between neighbours:
/// Teddy puts pattern `i` in bucket `7 - i % 8`, so patterns `j` and `j + 8` share one.
/// Neighbours in sorted order are alike in their first bytes, and a bucket holding two
/// of them keeps a fingerprint nearly as sharp as one prefix's; the rest get a bucket
/// each.
fn bucket_pairs(few: &[Vec<u8>]) -> Vec<&[u8]> {
    let doubles = few.len().saturating_sub(8);
    let mut out: Vec<&[u8]> = Vec::with_capacity(few.len());
    out.extend((0..doubles).map(|j| few[2 * j].as_slice()));
    out.extend(few[2 * doubles..].iter().map(Vec::as_slice));
    out.extend((0..doubles).map(|j| few[2 * j + 1].as_slice()));
    out
}

/// The fewest prefixes that start wherever one of `prefixes` does: the automaton only
/// finds where to look, and the catalog then checks the key whole. Prefixes that share
/// a stem of [`STEM`] bytes by the handful (Slack's `xoxb-00` to `xoxb-99`) become the
/// stem, and a prefix that starts with another one is dropped (`sk-proj-` with `sk-`):
/// an automaton of a few dozen prefixes keeps its fast prefilter, one of hundreds not.
pub(super) fn covering(mut prefixes: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    const STEM: usize = 5;
    let stems: Vec<Vec<u8>> =
        prefixes.iter().filter(|p| p.len() > STEM).map(|p| p[..STEM].to_vec()).collect();
    for p in &mut prefixes {
        if p.len() > STEM && stems.iter().filter(|s| s.as_slice() == &p[..STEM]).count() >= 4 {
            p.truncate(STEM);
        }
    }
    prefixes.sort();
    prefixes.dedup();
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for p in prefixes {
        // Sorted, a prefix comes right after any other one it starts with.
        if !kept.last().is_some_and(|k| p.starts_with(k)) {
            kept.push(p);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Catalog;

    #[test]
    fn a_few_dozen_prefixes_start_wherever_the_catalogs_hundreds_do() {
        let all: Vec<Vec<u8>> =
            Catalog::built_in().key_prefixes().into_iter().map(String::into_bytes).collect();
        let few = covering(all.clone());
        assert!(all.len() > 200 && few.len() <= 40, "{} of {}", few.len(), all.len());
        assert!(all.iter().all(|p| few.iter().any(|f| p.starts_with(f))));
        assert!(few.iter().all(|f| f.len() >= 3), "a prefix too short to be selective");
        assert!(few.contains(&b"xoxb-".to_vec()) && few.contains(&b"sk-".to_vec()));
        assert!(!few.contains(&b"sk-proj-".to_vec()));
    }

    #[test]
    fn the_split_searchers_find_every_prefix_start_in_order_as_one_automaton_does() {
        let few = covering(Catalog::built_in().key_prefixes().into_iter().map(String::into_bytes).collect());
        let searchers = KeyStarts::build(&few);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert!(searchers.len() > 1 && searchers.iter().all(|s| matches!(s, KeyStarts::Packed(_))));
        }
        let one = AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(&few).unwrap();
        let one = KeyStarts::Automaton(one);
        // Every prefix, in reverse order, between ordinary words: each start is found, once.
        let mut text = Vec::new();
        let mut starts = Vec::new();
        for p in few.iter().rev() {
            text.extend_from_slice(b"the tasks and a desk lamp, ");
            starts.push(text.len());
            text.extend_from_slice(p);
        }
        text.extend_from_slice(b" end of text, long enough for every searcher to run at full width");
        let walk = |searchers: &[KeyStarts]| {
            let mut found = Vec::new();
            let mut pos = 0;
            while let Some(at) = searchers.iter().filter_map(|s| s.find(&text, pos)).min() {
                found.push(at);
                pos = at + 1;
            }
            found
        };
        assert_eq!(walk(&searchers), starts);
        assert_eq!(walk(std::slice::from_ref(&one)), starts);
        // A text shorter than SIMD's stride.
        let short = b"ghp_x";
        assert_eq!(searchers.iter().filter_map(|s| s.find(short, 0)).min(), Some(0));
    }

    #[test]
    fn alike_prefixes_share_a_bucket_and_none_is_lost() {
        for n in 1..=16 {
            let few: Vec<Vec<u8>> = (0..n).map(|i| vec![b'a' + i as u8; 4]).collect();
            let order = bucket_pairs(&few);
            let mut sorted: Vec<&[u8]> = order.clone();
            sorted.sort();
            assert_eq!(sorted, few.iter().map(Vec::as_slice).collect::<Vec<_>>(), "{n}: a permutation");
            for i in 8..order.len() {
                let (a, b) = (order[i - 8][0], order[i][0]);
                assert_eq!(a + 1, b, "{n}: positions {} and {i} share a bucket: neighbours", i - 8);
            }
        }
    }
}
