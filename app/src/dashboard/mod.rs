//! The dashboard's layout: which dashlets a person sees, in which order, and which they hid;
//! remembered per person. The rules are plain functions; two server functions load and save it.
//! Its only failures are the ones every area shares, so its error is [`AppError`] itself.

#[cfg(feature = "ssr")]
mod queries;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;
use crate::AppError;

/// Every dashlet, in the default order: (id, title).
pub const DASHLETS: [(&str, &str); 7] = [
    ("coverage", "Coverage"),
    ("account", "Your account"),
    ("uploads", "Uploads"),
    ("requests", "Pending access requests"),
    ("end_of_life", "Hardware end of life"),
    ("security_advisories", "Security advisories"),
    ("field_notices", "Field notices"),
];

pub fn title(id: &str) -> &'static str {
    DASHLETS
        .iter()
        .find(|(d, _)| *d == id)
        .map_or("", |(_, t)| *t)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub order: Vec<String>,
    pub hidden: Vec<String>,
}

impl Layout {
    /// Known dashlets only, each once; any missing (a new one, or a stored layout from before it)
    /// joins at its default place at the end. Hidden ones are kept in `order` too.
    pub fn normalised(self) -> Layout {
        let known = |id: &String| DASHLETS.iter().any(|(d, _)| d == id);
        let mut order: Vec<String> = Vec::new();
        for id in self.order.into_iter().filter(known) {
            if !order.contains(&id) {
                order.push(id);
            }
        }
        for (id, _) in DASHLETS {
            if !order.iter().any(|o| o == id) {
                order.push(id.to_owned());
            }
        }
        let mut hidden: Vec<String> = Vec::new();
        for id in self.hidden.into_iter().filter(known) {
            if !hidden.contains(&id) {
                hidden.push(id);
            }
        }
        Layout { order, hidden }
    }

    /// The shown dashlets, in order.
    pub fn visible(&self) -> Vec<String> {
        self.order
            .iter()
            .filter(|id| !self.hidden.contains(id))
            .cloned()
            .collect()
    }

    /// Moves `id` one place up (or down) among the shown dashlets.
    pub fn moved(mut self, id: &str, up: bool) -> Layout {
        let visible = self.visible();
        let Some(at) = visible.iter().position(|v| v == id) else {
            return self;
        };
        let other = match (up, at) {
            (true, 0) => return self,
            (true, at) => &visible[at - 1],
            (false, at) if at + 1 >= visible.len() => return self,
            (false, at) => &visible[at + 1],
        };
        let (a, b) = (
            self.order.iter().position(|o| o == id),
            self.order.iter().position(|o| o == other),
        );
        if let (Some(a), Some(b)) = (a, b) {
            self.order.swap(a, b);
        }
        self
    }

    pub fn with_hidden(mut self, id: &str, hide: bool) -> Layout {
        self.hidden.retain(|h| h != id);
        if hide {
            self.hidden.push(id.to_owned());
        }
        self.normalised()
    }
}

#[server(endpoint = "dashboard/layout")]
pub async fn load_dashboard_layout() -> Result<Layout, AppError> {
    serve(async |state, caller| {
        let mut conn = state.db.conn().await?;
        let stored = queries::stored_layout(&mut conn, caller.account_id).await?;
        let layout: Layout = stored
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        Ok(layout.normalised())
    })
    .await
}

#[server(endpoint = "dashboard/layout/save", input = leptos::server_fn::codec::Json)]
pub async fn save_dashboard_layout(layout: Layout) -> Result<Layout, AppError> {
    serve(async |state, caller| {
        let layout = layout.normalised();
        let text = serde_json::to_string(&layout).expect("layouts serialise");
        let mut conn = state.db.conn().await?;
        queries::store_layout(&mut conn, caller.account_id, &text).await?;
        Ok(layout)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_stored_layout_is_cleaned_and_completed() {
        let layout = Layout {
            order: ids(&["uploads", "nope", "uploads", "coverage"]),
            hidden: ids(&["gone", "coverage"]),
        }
        .normalised();
        assert_eq!(
            layout.order,
            ids(&[
                "uploads",
                "coverage",
                "account",
                "requests",
                "end_of_life",
                "security_advisories",
                "field_notices"
            ])
        );
        assert_eq!(layout.hidden, ids(&["coverage"]));
        assert_eq!(
            layout.visible(),
            ids(&[
                "uploads",
                "account",
                "requests",
                "end_of_life",
                "security_advisories",
                "field_notices"
            ])
        );
        assert_eq!(
            Layout::default().normalised().visible().len(),
            DASHLETS.len()
        );
    }

    #[test]
    fn dashlets_move_among_the_shown_ones_and_come_back() {
        let layout = Layout::default().normalised().with_hidden("account", true);
        // Uploads moves up past the hidden account dashlet, to just after coverage... then first.
        let up = layout.clone().moved("uploads", true);
        assert_eq!(
            up.visible(),
            ids(&[
                "uploads",
                "coverage",
                "requests",
                "end_of_life",
                "security_advisories",
                "field_notices"
            ])
        );
        assert_eq!(up.clone().moved("uploads", true), up, "already first");
        assert_eq!(
            layout.clone().moved("field_notices", false),
            layout,
            "already last"
        );
        let restored = up.with_hidden("account", false);
        assert_eq!(restored.hidden, Vec::<String>::new());
        assert_eq!(restored.visible().len(), 7);
    }
}
