#![expect(clippy::unwrap_used, reason = "probe")]
use jixia::config::Config;
#[test]
fn probe() {
    let d = std::env::temp_dir().join("jixia-probe.toml");
    for text in [
        "colour = 1",
        "[telegram]\ntokn = \"x\"",
        "[communities.pgcn]\ntimezon = \"x\"",
        "[telegram]\nenabled = \"yes\"",
        "[communities.pgcn]\nlocale = \"fr\"",
        "[telegram]\ntoken = \"123:ABC\nenabled = true",
        "[communities.pgcn]\nchats = [\"a\", 3]",
        "[telegram]\ntoken = true",
    ] {
        std::fs::write(&d, text).unwrap();
        let e = Config::load(Some(&d), Vec::new()).unwrap_err();
        eprintln!("{text:?}\n  {e:?}\n  {e}\n");
    }
    panic!();
}
