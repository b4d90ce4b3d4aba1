//! `--profile VARIANT N [IN_FLIGHT]`: only N calls of one variant, sequential or IN_FLIGHT at
//! once, for callgrind (the instructions section runs this mode) and perf.

use secmaster_testkit::KeepAliveServer;
use secmaster_testkit::examples::UPDATE_200;

use crate::measure::thread_user_sys_ticks;
use crate::variants::{Caller, Target, Variant, future_sizes};

/// Runs the profile mode; `args` are the arguments after `--profile`.
pub fn profile(args: &[String]) {
    let name = args.first().map_or("token", String::as_str);
    let Some(variant) = Variant::from_name(name) else {
        let names: Vec<_> = Variant::NAMED.iter().map(|(n, _)| *n).collect();
        eprintln!(
            "--profile: unknown variant `{name}` (one of {})",
            names.join(", ")
        );
        std::process::exit(2);
    };
    let n: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let in_flight = args.get(2).and_then(|n| n.parse::<usize>().ok());
    let server = KeepAliveServer::start(200, UPDATE_200);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let target = Target::new(&server.url);
        eprintln!("future sizes: {}", future_sizes(&target, &server.url));
        let caller = Caller::new(variant, &target, &server.url);
        if let Some(in_flight) = in_flight {
            let (per_second, cpu) = caller.concurrent(n, in_flight).await;
            println!("{name}, {in_flight} in flight: {per_second:.0} calls/s, client thread CPU {cpu:.1} µs per call");
            return;
        }
        let ticks = thread_user_sys_ticks();
        let (us, cpu) = caller.sequential(n).await;
        let (user, sys) = thread_user_sys_ticks();
        let (user, sys) = (user - ticks.0, sys - ticks.1);
        println!(
            "{name}: {us:.1} µs per call, client thread CPU {cpu:.1} µs per call ({:.0}% in the kernel)",
            100.0 * sys as f64 / (user + sys).max(1) as f64
        );
    });
}
