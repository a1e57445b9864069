//! Finding every form of every stored value without looking at every byte.
//!
//! Every form is at least `shortest` bytes long. Reading the 4 bytes at every
//! `stride`-th position (`stride = shortest - 3`), one of them falls inside any
//! occurrence, at most `stride - 1` bytes after its start, and the 4 bytes there are the
//! form's own, at that distance. So the blocks at distances `0..stride` of every form go
//! into a bit table (which nearly every block of ordinary text misses) and a sorted list;
//! a block found in the list gives the starts to compare whole. Where an automaton
//! reads every byte, this reads one in `stride` (7 for the shortest forms, more for
//! longer values), so the search runs at the speed of memory.

use zeroize::Zeroizing;

/// log2 of the bit table's size: 2^20 bits, 128 KiB, in the processor's second-level
/// cache, and mostly empty for thousands of blocks.
const TABLE_BITS: u32 = 20;

/// The sampled blocks of a set of forms.
pub(super) struct Grams {
    stride: usize,
    table: Zeroizing<Vec<u64>>,
    /// (block, form, distance of the block from the form's start), sorted by block.
    blocks: Zeroizing<Vec<(u32, u32, u32)>>,
}

fn block(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

fn slot(block: u32) -> usize {
    (block.wrapping_mul(0x9E37_79B1) >> (32 - TABLE_BITS)) as usize
}

impl Grams {
    /// The blocks of `forms` (each at least 4 bytes long); `None` for no forms.
    pub(super) fn new<'a>(forms: impl Iterator<Item = &'a [u8]> + Clone) -> Option<Self> {
        let shortest = forms.clone().map(<[u8]>::len).min()?;
        assert!(shortest >= 4, "every form is at least 4 bytes long");
        let stride = shortest - 3;
        let mut table = Zeroizing::new(vec![0u64; 1 << (TABLE_BITS - 6)]);
        let mut blocks = Zeroizing::new(Vec::new());
        for (i, form) in forms.enumerate() {
            for at in 0..stride {
                let b = block(&form[at..]);
                let s = slot(b);
                table[s >> 6] |= 1 << (s & 63);
                blocks.push((b, i as u32, at as u32));
            }
        }
        blocks.sort_unstable();
        Some(Self { stride, table, blocks })
    }

    /// Calls `found(start, form)` for every form (by index, compared whole with
    /// `form_bytes`) that starts at a position in `from..to` of `data`. Forms are read
    /// past `to`, up to the end of `data`.
    pub(super) fn find<'a>(
        &self,
        data: &[u8],
        from: usize,
        to: usize,
        form_bytes: impl Fn(usize) -> &'a [u8],
        mut found: impl FnMut(usize, usize),
    ) {
        // The last sample that can fall inside a form starting before `to`.
        let last = (to + self.stride - 1).min(data.len().saturating_sub(3));
        let mut at = from;
        while at < last {
            let b = block(&data[at..]);
            let s = slot(b);
            if self.table[s >> 6] >> (s & 63) & 1 != 0 {
                let first = self.blocks.partition_point(|e| e.0 < b);
                for &(_, form, distance) in self.blocks[first..].iter().take_while(|e| e.0 == b) {
                    let Some(start) = at.checked_sub(distance as usize) else { continue };
                    if start >= from && start < to && data[start..].starts_with(form_bytes(form as usize)) {
                        found(start, form as usize);
                    }
                }
            }
            at += self.stride;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_start_in_the_range_is_found_and_none_outside_it() {
        let forms: Vec<&[u8]> = vec![b"0123456789", b"abcdefghijklmnopqrstuvwxyz"];
        let grams = Grams::new(forms.iter().copied()).unwrap();
        for shift in 0..12 {
            let mut data = vec![b'.'; shift];
            data.extend_from_slice(b"0123456789 abcdefghijklmnopqrstuvwxyz 0123456789");
            let starts: Vec<usize> = [0, 11, 38].iter().map(|s| s + shift).collect();
            for from in 0..data.len() {
                let mut seen = Vec::new();
                grams.find(&data, from, data.len(), |f| forms[f], |start, form| seen.push((start, form)));
                seen.sort();
                let want: Vec<(usize, usize)> =
                    starts.iter().zip([0, 1, 0]).filter(|(s, _)| **s >= from).map(|(s, f)| (*s, f)).collect();
                assert_eq!(seen, want, "shift {shift}, from {from}");
            }
        }
    }
}
