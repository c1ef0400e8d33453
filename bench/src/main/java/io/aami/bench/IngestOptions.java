package io.aami.bench;

import io.aami.bench.BenchMain.UsageException;
import java.util.List;

/**
 * The options of {@code ingest}; every refusal names the option. {@code peer} is {@code psql} (the
 * default: {@code psql \copy}, pgjdbc's {@code CopyManager} when psql is not installed) or {@code jdbc}.
 * {@code warmup} is the number of batches each agent delivers before the clock starts: enough for the
 * JIT to compile the server's whole path (TLS, JSON, COPY) and for the pool to fill, as on a server
 * that has been running; with one, the measured phase still ran partly interpreted. On two cores C2 goes on
 * compiling for a minute or more (AES-GCM, NIO, pgjdbc: up to a second per method), so the default warms up with
 * 80 batches an agent (1.28 million results) and measures 20,000 an agent: with 6 and 5,000 the mutual-TLS
 * ratio came out 0.23–0.61, with 80 and 20,000 0.73–0.82 (2026-12-01).
 */
record IngestOptions(int agents, int resultsPerAgent, int batch, int warmup, boolean tls, String peer) {
    static final String USAGE = """
            usage: aami-bench ingest --embedded [--agents 32] [--results 20000] [--batch 500] [--warmup 80] [--tls|--no-tls]
                     [--peer psql|jdbc]""";

    static IngestOptions parse(List<String> args) throws UsageException {
        int agents = 32;
        int results = 20000;
        int batch = 500;
        int warmup = 80;
        Boolean tls = null;
        boolean embedded = false;
        String peer = "psql";
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            switch (opt) {
                case "--embedded" -> embedded = true;
                case "--tls", "--no-tls" -> {
                    if (tls != null) {
                        throw new UsageException("--tls and --no-tls exclude each other");
                    }
                    tls = opt.equals("--tls");
                }
                case "--agents" -> agents = OptionValues.number(opt, OptionValues.value(args, ++i, opt), 1, 10_000);
                case "--results" -> results = OptionValues.number(opt, OptionValues.value(args, ++i, opt), 1, 1_000_000);
                case "--batch" -> batch = OptionValues.number(opt, OptionValues.value(args, ++i, opt), 1, 10_000);
                case "--warmup" -> warmup = OptionValues.number(opt, OptionValues.value(args, ++i, opt), 1, 1_000);
                case "--peer" -> peer = peer(OptionValues.value(args, ++i, opt));
                default -> throw new UsageException(opt.startsWith("--") ? "unknown option " + opt : "unexpected argument '" + opt + "'");
            }
        }
        if (!embedded) {
            throw new UsageException("--embedded is required (the peer copies into the server's own database)");
        }
        return new IngestOptions(agents, results, batch, warmup, tls == null || tls, peer);
    }


    private static String peer(String v) throws UsageException {
        if (!v.equals("psql") && !v.equals("jdbc")) {
            throw new UsageException("--peer must be psql or jdbc, not '" + v + "'");
        }
        return v;
    }
}
