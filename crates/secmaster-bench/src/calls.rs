//! Call overhead (sequential) and concurrency: secmaster against hand-written reqwest calls, in
//! paired rounds against the test kit's keep-alive server.

use crate::Options;
use crate::measure::{median, spread};
use crate::report::Report;
use crate::signing::{check_signing_baseline, signing_cost};
use crate::variants::{Caller, Target, Variant};

/// A row of the call overhead table.
struct Row {
    variant: Variant,
    name: &'static str,
    target: &'static str,
    /// The row (an index into `ROWS`) this row's ratios are to.
    against: usize,
}

const ROWS: [Row; 6] = [
    Row {
        variant: Variant::Baseline,
        name: "hand-written reqwest (baseline)",
        target: "",
        against: 0,
    },
    Row {
        variant: Variant::Token,
        name: "secmaster, token",
        target: "≤ 1.10",
        against: 0,
    },
    Row {
        variant: Variant::AkSkBaseline,
        name: "hand-written reqwest signing with AK/SK (the signing baseline: the timeout, secmaster's headers and `Host`, `X-Project-Id`, `X-Sdk-Date`, signed with a `SigningKey` made once)",
        target: "",
        against: 0,
    },
    Row {
        variant: Variant::AkSk,
        name: "secmaster, AK/SK signed (ratios to the signing baseline)",
        target: "≤ 1.15",
        against: 2,
    },
    Row {
        variant: Variant::Timed,
        name: "hand-written reqwest + a 20 s `tokio::time::timeout` per call",
        target: "",
        against: 0,
    },
    Row {
        variant: Variant::SameWork,
        name: "hand-written reqwest + the timeout + secmaster's `Accept` and `User-Agent` headers",
        target: "",
        against: 0,
    },
];

pub async fn calls(server: &str, options: &Options, report: &mut Report) {
    check_signing_baseline().await;
    // Each variant has a client, and so a keep-alive connection, of its own: a connection shared
    // by several variants would stay warmer (its buffers, its server task) than one used by a
    // single variant, and favour the variants that share it.
    let target = Target::new(server);
    let callers = ROWS.map(|row| Caller::new(row.variant, &target, server));
    sequential_table(&callers, options, report).await;

    let iterations = if options.quick { 20_000 } else { 200_000 };
    let (sign_us, header_us, client_us) = signing_cost(iterations);
    report.line(format!("\nSigning alone, median of 5 batches (target ≤ 5 µs): **{client_us:.2} µs** for the `Authorization` header as the client computes it per request (`SigningKey::authorization`, its key made once per client, over headers it sends in signing order: canonical request, SHA-256, HMAC); {header_us:.2} µs for `signer::authorization`, which makes the key each time and sorts mixed-case headers; {sign_us:.2} µs for `signer::sign`, which also returns the intermediate texts.\n"));

    let of = |variant: Variant| {
        let i = ROWS.iter().position(|r| r.variant == variant);
        &callers[i.expect("a row")]
    };
    let variants = [
        of(Variant::Baseline),
        of(Variant::Token),
        of(Variant::SameWork),
    ];
    concurrency_table(variants, options, report).await;
}

async fn sequential_table(callers: &[Caller; 6], options: &Options, report: &mut Report) {
    let (rounds, per_round) = if options.quick { (6, 300) } else { (200, 100) };
    // Warm up connections and caches.
    for caller in callers {
        caller.sequential(per_round).await;
    }
    // Paired rounds: each round runs the variants back to back (in an order that rotates, so
    // none always goes first), and each variant is compared with the baseline of its own round,
    // so that the machine's slow drifts cancel out.
    const VARIANTS: usize = ROWS.len();
    let mut per_call: [Vec<f64>; VARIANTS] = Default::default();
    let mut cpu: [Vec<f64>; VARIANTS] = Default::default();
    let mut ratios: [Vec<f64>; VARIANTS] = Default::default();
    for round in 0..rounds {
        let mut t = [(0.0, 0.0); VARIANTS];
        for k in 0..VARIANTS {
            let v = (round + k) % VARIANTS;
            t[v] = callers[v].sequential(per_round).await;
        }
        for (v, (wall, thread)) in t.into_iter().enumerate() {
            per_call[v].push(wall);
            cpu[v].push(thread);
            ratios[v].push(wall / t[ROWS[v].against].0);
        }
    }
    let wall = per_call.map(median);
    let cpu = cpu.map(median);
    let ratios = ratios.map(spread);
    report.line("## Call overhead (sequential, keep-alive loopback)\n");
    report.line(format!(
        "{rounds} paired rounds of {per_round} calls per variant (order rotating); a variant's ratio is the median of its rounds' ratios to the baseline of the same round (the AK/SK row's: to the signing baseline of the same round), with the interquartile range. Client CPU is the calling thread's CPU time per call, user and kernel (the server runs on another thread). Every variant sends the same body bytes.\n"
    ));
    report.line(
        "| variant | µs per call (median) | ratio to baseline (IQR) | target | client CPU µs per call | CPU ratio |",
    );
    report.line("|---|---|---|---|---|---|");
    for (v, row) in ROWS.iter().enumerate() {
        let (ratio, q1, q3) = ratios[v];
        let ratio = if v == 0 {
            "1.00".to_owned()
        } else {
            format!("**{ratio:.3}** ({q1:.3}–{q3:.3})")
        };
        report.line(format!(
            "| {} | {:.1} | {ratio} | {} | {:.1} | {:.3} |",
            row.name,
            wall[v],
            row.target,
            cpu[v],
            cpu[v] / cpu[row.against]
        ));
    }
}

/// Throughput of the baseline, secmaster (token) and the same-work baseline, one shared client
/// each, at 64 and 256 calls in flight.
async fn concurrency_table(variants: [&Caller; 3], options: &Options, report: &mut Report) {
    report.line("## Concurrency (one shared client)\n");
    let concurrency_rounds = if options.quick { 4 } else { 60 };
    // Calls per call in flight in one round: 64 at 64 in flight, 32 at 256 (the 256 round was
    // the long one).
    let per_task = |in_flight: usize| {
        if options.quick {
            8
        } else if in_flight > 64 {
            32
        } else {
            64
        }
    };
    report.line(format!(
        "{concurrency_rounds} paired rounds for each variant (order rotating) of {} calls per call in flight at 64, {} at 256; a ratio is the median of the rounds' ratios to the baseline of the same round. The last column is the same-work baseline of the table above (the timeout and the two headers), for reference.\n",
        per_task(64),
        per_task(256)
    ));
    report.line(
        "| in flight | baseline calls/s | secmaster calls/s | ratio (IQR) | target | secmaster client CPU per call, ratio | same-work baseline ratio (IQR) |",
    );
    report.line("|---|---|---|---|---|---|---|");
    for in_flight in [64, 256] {
        let total = in_flight * per_task(in_flight);
        let mut rate: [Vec<f64>; 3] = Default::default();
        let mut ratio: [Vec<f64>; 3] = Default::default();
        let mut cpu_ratio: [Vec<f64>; 3] = Default::default();
        for round in 0..concurrency_rounds {
            let mut t = [(0.0, 0.0); 3];
            for k in 0..3 {
                let v = (round + k) % 3;
                t[v] = variants[v].concurrent(total, in_flight).await;
            }
            for v in 0..3 {
                rate[v].push(t[v].0);
                ratio[v].push(t[v].0 / t[0].0);
                cpu_ratio[v].push(t[v].1 / t[0].1);
            }
        }
        let [b, s, _] = rate.map(median);
        let [_, r, w] = ratio.map(spread);
        let [_, c, _] = cpu_ratio.map(median);
        report.line(format!(
            "| {in_flight} | {b:.0} | {s:.0} | **{:.3}** ({:.3}–{:.3}) | ≥ 0.95 | {c:.3} | {:.3} ({:.3}–{:.3}) |",
            r.0, r.1, r.2, w.0, w.1, w.2
        ));
    }
    report.line("");
}
