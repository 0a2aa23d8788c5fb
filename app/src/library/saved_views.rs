//! Saved views of the Library: a filter and columns under a name, a person's own, shown to
//! everyone of their company when shared. The rules are plain functions; the SQL is in
//! `saved_view_queries`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::saved_view_queries as queries;
use super::{DeviceFilter, LibraryError};
#[cfg(feature = "ssr")]
use crate::accounts::caller::serve;

/// The longest name of a view, in characters.
pub const MAX_VIEW_NAME: usize = 80;
/// How many views one person keeps in one company.
pub const MAX_VIEWS_PER_PERSON: i64 = 50;
/// The longest filter a view keeps, as its query string (500 selected devices fit).
pub const MAX_VIEW_QUERY: usize = 8_000;

/// A saved view as the Library lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The Library's query string (no page): `/library?{query}` opens the view.
    pub query: String,
    /// The columns' keys, comma-separated (empty: the default columns).
    pub columns: String,
    pub shared: bool,
    /// Who saved it (their full name).
    pub owner: String,
    /// Saved by the caller: theirs to replace or delete.
    pub yours: bool,
}

/// What saving did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedViewOutcome {
    pub view: SavedView,
    /// A view of the same name was replaced.
    pub replaced: bool,
}

/// A view's name as kept: whitespace runs as one space, trimmed; 1 to [`MAX_VIEW_NAME`]
/// characters with no control characters.
pub fn view_name(raw: &str) -> Result<String, LibraryError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(LibraryError::ViewNameMissing);
    }
    if name.chars().count() > MAX_VIEW_NAME || name.chars().any(char::is_control) {
        return Err(LibraryError::ViewNameInvalid);
    }
    Ok(name)
}

/// The column keys as kept: lower-case words of the column chooser (unknown ones are ignored
/// when shown), each once, at most 32.
pub fn view_columns(raw: &str) -> String {
    let mut keys: Vec<&str> = Vec::new();
    for key in raw.split(',').map(str::trim) {
        let word = !key.is_empty()
            && key.len() <= 24
            && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if word && !keys.contains(&key) && keys.len() < 32 {
            keys.push(key);
        }
    }
    keys.join(",")
}

/// The caller's views and those shared in their company, the caller's first, each by name.
#[server(endpoint = "library/views")]
pub async fn load_saved_views() -> Result<Vec<SavedView>, LibraryError> {
    serve(async |state, caller| {
        let company_id = &caller.company()?.company_id;
        let mut conn = state.db.conn().await?;
        Ok(queries::views(&mut conn, company_id, caller.account_id).await?)
    })
    .await
}

/// Saves the filter and columns under a name (replacing the caller's view of that name).
#[server(endpoint = "library/views/save", input = leptos::server_fn::codec::Json)]
pub async fn save_library_view(
    name: String,
    filter: DeviceFilter,
    columns: String,
    shared: bool,
) -> Result<SavedViewOutcome, LibraryError> {
    serve(async |state, caller| {
        let company_id = caller.member()?.company_id.as_str();
        let name = view_name(&name)?;
        let query = filter.to_query(0);
        if query.len() > MAX_VIEW_QUERY {
            return Err(LibraryError::ViewTooLong);
        }
        let saved = queries::NewView {
            name: &name,
            query: &query,
            columns: &view_columns(&columns),
            shared,
        };
        let mut tx = state.db.begin_write().await?;
        let existing =
            queries::own_view_named(&mut tx, company_id, caller.account_id, &name).await?;
        if existing.is_none()
            && queries::own_view_count(&mut tx, company_id, caller.account_id).await?
                >= MAX_VIEWS_PER_PERSON
        {
            return Err(LibraryError::TooManyViews);
        }
        let id = match existing {
            Some(id) => {
                queries::replace_view(&mut tx, id, &saved).await?;
                id
            }
            None => queries::insert_view(&mut tx, company_id, caller.account_id, &saved).await?,
        };
        let view = queries::view_by_id(&mut tx, company_id, caller.account_id, id)
            .await?
            .ok_or(LibraryError::ViewNotFound)?;
        tx.commit().await?;
        Ok(SavedViewOutcome {
            view,
            replaced: existing.is_some(),
        })
    })
    .await
}

/// Deletes one of the caller's views; anyone else's (or none) is not found.
#[server(endpoint = "library/views/delete")]
pub async fn delete_library_view(view_id: i64) -> Result<(), LibraryError> {
    serve(async |state, caller| {
        let company_id = caller.member()?.company_id.as_str();
        let mut conn = state.db.conn().await?;
        if queries::delete_own_view(&mut conn, company_id, caller.account_id, view_id).await? {
            Ok(())
        } else {
            Err(LibraryError::ViewNotFound)
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_tidied_and_bounded() {
        assert_eq!(
            view_name("  Core   switches\tHQ ").unwrap(),
            "Core switches HQ"
        );
        assert_eq!(view_name(" \n "), Err(LibraryError::ViewNameMissing));
        assert_eq!(
            view_name(&"x".repeat(MAX_VIEW_NAME)).unwrap().len(),
            MAX_VIEW_NAME
        );
        assert_eq!(
            view_name(&"é".repeat(MAX_VIEW_NAME + 1)),
            Err(LibraryError::ViewNameInvalid)
        );
        assert_eq!(view_name("bell\u{7}"), Err(LibraryError::ViewNameInvalid));
    }

    #[test]
    fn columns_keep_known_looking_keys_once() {
        assert_eq!(
            view_columns("serial, hostname,hostname,ip,<script>,,IP,coverage_end"),
            "serial,hostname,ip,coverage_end"
        );
        assert_eq!(view_columns(""), "");
    }
}
