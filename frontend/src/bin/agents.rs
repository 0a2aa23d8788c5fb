fn main() {
    frontend::start(app::AgentsApp);
}
