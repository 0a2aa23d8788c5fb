//! The areas of `app/src` import each other in one direction only: this test reads every source
//! file, collects which areas each area names (`crate::area::…`, `use crate::{area::…, …}`), and
//! fails on a cycle, naming it. ARCHITECTURE.md draws the graph this keeps true.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// The modules of `app/src` that are areas (or layers) whose imports must not go round in
/// circles. `error` and `platform` are the base every area stands on; they import no area.
const AREAS: &[&str] = &[
    "accounts",
    "onboarding",
    "access",
    "registry",
    "inventory",
    "coverage",
    "alerts",
    "library",
    "dashboard",
    "mail",
    "security_log",
    "platform",
    "error",
    "contexts",
    "ui",
];

fn sources(path: &Path, found: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in fs::read_dir(path).expect("readable source directory") {
            sources(&entry.expect("directory entry").path(), found);
        }
    } else if path.is_file() && path.extension().is_some_and(|ext| ext == "rs") {
        found.push(path.to_owned());
    }
}

/// The source without line comments (doc comments mention modules they do not import).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first path segment of every item named after `crate::` (in a group, each item's).
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let mut at = from + found + "crate::".len();
        from = at;
        if bytes.get(at) == Some(&b'{') {
            // A group: the first identifier after `{` and after each top-level comma.
            let mut depth = 0;
            let mut expecting = true;
            while at < bytes.len() {
                match bytes[at] {
                    b'{' => {
                        depth += 1;
                        if depth == 1 {
                            expecting = true;
                        }
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 => expecting = true,
                    c if expecting && depth == 1 && (c.is_ascii_alphabetic() || c == b'_') => {
                        let end = code[at..]
                            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                            .map_or(code.len(), |len| at + len);
                        names.insert(code[at..end].to_owned());
                        expecting = false;
                        at = end;
                        continue;
                    }
                    _ => {}
                }
                at += 1;
            }
        } else {
            let end = code[at..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .map_or(code.len(), |len| at + len);
            names.insert(code[at..end].to_owned());
        }
    }
    names
}

fn area_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for area in AREAS {
        let mut files = Vec::new();
        sources(&root.join(area), &mut files);
        sources(&root.join(format!("{area}.rs")), &mut files);
        assert!(!files.is_empty(), "no sources for area {area}");
        let mut imports = BTreeSet::new();
        for file in files {
            let text = fs::read_to_string(&file).expect("readable source");
            imports.extend(
                named_modules(&code_of(&text))
                    .into_iter()
                    .filter(|name| name != area && AREAS.contains(&name.as_str())),
            );
        }
        graph.insert((*area).to_owned(), imports);
    }
    graph
}

/// A cycle through `start`, if any, as the areas on it.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let here = path.last().expect("a path").clone();
        for next in &graph[&here] {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(graph, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn areas_import_each_other_one_way_only() {
    let graph = area_graph();
    for (area, imports) in &graph {
        println!(
            "{area} → {}",
            Vec::from_iter(imports.iter().cloned()).join(", ")
        );
    }
    let cycles: Vec<String> = AREAS
        .iter()
        .filter_map(|area| cycle_from(&graph, area))
        .map(|cycle| cycle.join(" → "))
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles between areas (break them: move the shared piece to the area both \
         stand on):\n{}\n\nthe graph: {graph:#?}",
        cycles.join("\n")
    );
}

#[test]
fn the_base_imports_no_area() {
    let graph = area_graph();
    for base in ["error", "platform"] {
        let named: Vec<_> = graph[base]
            .iter()
            .filter(|name| !["error", "platform"].contains(&name.as_str()))
            .collect();
        assert!(named.is_empty(), "{base} imports {named:?}");
    }
}

#[test]
fn the_parser_reads_paths_and_groups() {
    let code = "use crate::{\n    accounts::{caller::Caller, Role},\n    platform::db,\n    AppError,\n};\nlet x = crate::coverage::lines::clock_now(1);";
    let names: Vec<_> = named_modules(code).into_iter().collect();
    assert_eq!(names, ["AppError", "accounts", "coverage", "platform"]);
}
