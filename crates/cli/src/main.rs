fn main() {
    eprintln!("sidewatch: the scan command is being built; see README.md");
    std::process::exit(2);
}
