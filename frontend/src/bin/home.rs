fn main() {
    frontend::start(app::HomeApp);
}
