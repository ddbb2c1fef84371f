//! Sets `crosscheck_postgres` when CROSSCHECK_TEST_POSTGRES holds the URL of
//! a PostgreSQL server for the tests: without it, the tests of the
//! PostgreSQL engine are listed as ignored, with the reason.

fn main() {
    println!("cargo::rerun-if-env-changed=CROSSCHECK_TEST_POSTGRES");
    println!("cargo::rustc-check-cfg=cfg(crosscheck_postgres)");
    if std::env::var("CROSSCHECK_TEST_POSTGRES").is_ok_and(|url| !url.trim().is_empty()) {
        println!("cargo::rustc-cfg=crosscheck_postgres");
    }
}
