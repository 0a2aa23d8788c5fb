//! Devices chosen one by one across the Library's pages, for downloading just those. Pure.

use crate::library::filter::MAX_SELECTED;

/// The chosen devices' ids, in the order they were chosen; at most [`MAX_SELECTED`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    ids: Vec<i64>,
}

impl Selection {
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, id: i64) -> bool {
        self.ids.contains(&id)
    }

    /// Whether every one of `ids` is chosen (and there is at least one).
    pub fn contains_all(&self, ids: &[i64]) -> bool {
        !ids.is_empty() && ids.iter().all(|id| self.contains(*id))
    }

    /// Chooses those of `ids` not chosen yet, while there is room; returns how many did not fit.
    pub fn add(&mut self, ids: &[i64]) -> usize {
        let mut left_out = 0;
        for id in ids {
            if self.contains(*id) {
                continue;
            }
            if self.ids.len() >= MAX_SELECTED {
                left_out += 1;
            } else {
                self.ids.push(*id);
            }
        }
        left_out
    }

    pub fn remove(&mut self, ids: &[i64]) {
        self.ids.retain(|id| !ids.contains(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choosing_twice_keeps_one_and_removing_forgets() {
        let mut chosen = Selection::default();
        assert_eq!(chosen.add(&[5, 3]), 0);
        assert_eq!(chosen.add(&[3, 9]), 0);
        assert_eq!(chosen.ids(), &[5, 3, 9]);
        assert!(chosen.contains_all(&[3, 9]));
        assert!(!chosen.contains_all(&[]));
        chosen.remove(&[3]);
        assert_eq!(chosen.ids(), &[5, 9]);
        assert!(!chosen.contains_all(&[3, 9]));
    }

    #[test]
    fn no_more_than_the_most_that_travel_in_an_address() {
        let mut chosen = Selection::default();
        let many: Vec<i64> = (1..=MAX_SELECTED as i64 + 20).collect();
        assert_eq!(chosen.add(&many), 20);
        assert_eq!(chosen.len(), MAX_SELECTED);
        // Already chosen ones are not counted as left out.
        assert_eq!(chosen.add(&[1, 2, 100_000]), 1);
    }
}
