//! The colour theme: the system's (the default), light or dark, kept in this browser. The chosen
//! one is set as `data-theme` on the document (`style/main.css` reads it); the system's leaves
//! the attribute off, so the device's colour scheme decides (`light-dark()` in the sheet).

const STORAGE_KEY: &str = "netcare-theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "As on this device",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    /// A saved name; anything else is the system's theme.
    pub fn parse(name: &str) -> Theme {
        match name {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// The theme saved in this browser (the system's when none is, or storage is off).
pub fn saved_theme() -> Theme {
    super::kept::read(STORAGE_KEY).map_or(Theme::System, |name| Theme::parse(&name))
}

/// Shows the pages in `theme` (nothing else changes).
pub fn show_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        chosen => root.set_attribute("data-theme", chosen.name()),
    };
}

/// Shows and keeps `theme` in this browser.
pub fn choose_theme(theme: Theme) {
    show_theme(theme);
    super::kept::write(
        STORAGE_KEY,
        (theme != Theme::System).then_some(theme.name()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_anything_else_is_the_system_theme() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.name()), theme);
        }
        assert_eq!(Theme::parse("purple"), Theme::System);
    }
}
