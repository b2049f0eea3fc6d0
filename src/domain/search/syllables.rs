//! The syllables the catalogue can be spelt with: looked up by spelling, by
//! the start of a spelling, or letter by letter in a trie when a query may
//! have a letter wrong.

use super::spelling::{letter_index, letters};

/// No child, or no syllable ending here.
const NONE: u32 = u32::MAX;

/// A trie node: a spelling so far.
#[derive(Clone, Debug)]
struct Node {
    /// The node after each letter or digit, by `letter_index`.
    children: [u32; 36],
    /// The letters that have a child, as `letter_bit`s.
    next: u64,
    /// The syllable spelt so far, if it is one.
    syllable: u32,
}

impl Default for Node {
    fn default() -> Self {
        Node {
            children: [NONE; 36],
            next: 0,
            syllable: NONE,
        }
    }
}

/// Every reading of every character in the catalogue, each with an id.
#[derive(Debug, Default)]
pub(super) struct Syllables {
    /// Each syllable's spelling, by id.
    spellings: Vec<Box<[u8]>>,
    /// Ids in order of spelling.
    sorted: Vec<u32>,
    /// Letters in the longest syllable.
    longest: usize,
    /// Node 0 is the empty spelling.
    trie: Vec<Node>,
}

impl Syllables {
    /// The trie node of the empty spelling.
    pub const ROOT: u32 = 0;

    /// The syllables `spellings` (letters and digits only), each with its
    /// index as id.
    pub fn new(spellings: &[String]) -> Self {
        let spellings: Vec<Box<[u8]>> = spellings.iter().map(|s| s.as_bytes().into()).collect();
        let ids = 0..u32::try_from(spellings.len()).expect("fewer than 4 billion syllables");
        let mut sorted: Vec<u32> = ids.clone().collect();
        sorted.sort_by(|a, b| spellings[*a as usize].cmp(&spellings[*b as usize]));
        let mut trie = vec![Node::default()];
        for (id, spelling) in ids.zip(&spellings) {
            let mut node = 0;
            for b in spelling.iter() {
                let Some(i) = letter_index(*b) else { break };
                if trie[node].children[i] == NONE {
                    trie[node].children[i] = trie.len() as u32;
                    trie[node].next |= 1 << i;
                    trie.push(Node::default());
                }
                node = trie[node].children[i] as usize;
            }
            trie[node].syllable = id;
        }
        Syllables {
            longest: spellings.iter().map(|s| s.len()).max().unwrap_or(0),
            spellings,
            sorted,
            trie,
        }
    }

    pub fn longest(&self) -> usize {
        self.longest
    }

    /// How syllable `id` is spelt.
    pub fn spelling(&self, id: u32) -> &[u8] {
        &self.spellings[id as usize]
    }

    /// The syllable spelt `s`.
    pub fn find(&self, s: &[u8]) -> Option<u32> {
        let node = s
            .iter()
            .try_fold(Self::ROOT, |node, b| self.child(node, *b))?;
        self.syllable(node)
    }

    /// The syllables whose spelling starts with `prefix`.
    pub fn starting_with(&self, prefix: &[u8]) -> &[u32] {
        let spelt = |id: &u32| &*self.spellings[*id as usize];
        let from = self.sorted.partition_point(|id| spelt(id) < prefix);
        let count = self.sorted[from..].partition_point(|id| spelt(id).starts_with(prefix));
        &self.sorted[from..from + count]
    }

    /// The node after `letter` from `node`.
    pub fn child(&self, node: u32, letter: u8) -> Option<u32> {
        let child = self.trie[node as usize].children[letter_index(letter)?];
        (child != NONE).then_some(child)
    }

    /// Every letter that leads on from `node`, with the node it leads to.
    pub fn children(&self, node: u32) -> impl Iterator<Item = (u8, u32)> + '_ {
        letters(self.trie[node as usize].next).filter_map(move |b| Some((b, self.child(node, b)?)))
    }

    /// The syllable spelt by the way to `node`, if it is one.
    pub fn syllable(&self, node: u32) -> Option<u32> {
        let id = self.trie[node as usize].syllable;
        (id != NONE).then_some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let names = ["ying", "ye", "yi", "xing", "hang", "yin", "k"].map(String::from);
        let s = Syllables::new(&names);
        assert_eq!(s.longest(), 4);
        assert_eq!(s.find(b"yin"), Some(5));
        assert_eq!(s.find(b"k"), Some(6));
        assert_eq!(s.find(b"yan"), None);
        assert_eq!(s.find(b"yingg"), None);
        assert_eq!(s.find(b""), None);
        let spelt = |ids: &[u32]| {
            ids.iter()
                .map(|id| names[*id as usize].as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(spelt(s.starting_with(b"yi")), ["yi", "yin", "ying"]);
        assert!(s.starting_with(b"z").is_empty());
        let y = s.child(Syllables::ROOT, b'y').unwrap();
        let next: Vec<u8> = s.children(y).map(|(b, _)| b).collect();
        assert_eq!(next, b"ei");
        assert_eq!(s.syllable(y), None);
    }
}
