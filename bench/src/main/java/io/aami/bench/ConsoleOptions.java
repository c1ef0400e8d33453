package io.aami.bench;

import static io.aami.bench.OptionValues.number;
import static io.aami.bench.OptionValues.value;

import io.aami.bench.BenchMain.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code console}, checked together; every refusal names the option (exit 2). {@code pages} are the
 * paths measured: {@code /ui} and {@code /api/v1/fleet/summary} always, then each {@code --page} (the targets list's
 * first page, a search, a filter, a late page, once the list exists).
 */
public record ConsoleOptions(int targets, int smallTargets, int checksPerTarget, int requests, int warmup, List<String> pages,
                             int summaryMaxAgeSeconds) {
    static final List<String> ALWAYS = List.of("/ui", "/api/v1/fleet/summary");
    static final String USAGE = """
            usage: aami-bench console [--targets 50000] [--small-targets 1000] [--checks-per-target 5]
                     [--requests 200] [--warmup 30] [--page /ui/targets?status=offline]... [--summary-max-age 0]""";

    public static ConsoleOptions parse(List<String> args) throws UsageException {
        int targets = 50_000;
        int small = 1000;
        int checks = 5;
        int requests = 200;
        int warmup = 30;
        // 0: every request sums the fleet (the worst case, and what the statement count needs); the server's default is 5.
        int summaryMaxAge = 0;
        List<String> pages = new ArrayList<>(ALWAYS);
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            String v = value(args, ++i, opt);
            switch (opt) {
                case "--targets" -> targets = number(opt, v, 2, 1_000_000);
                case "--small-targets" -> small = number(opt, v, 1, 1_000_000);
                case "--checks-per-target" -> checks = number(opt, v, 1, 100);
                case "--requests" -> requests = number(opt, v, 1, 100_000);
                case "--warmup" -> warmup = number(opt, v, 0, 100_000);
                case "--page" -> pages.add(page(v));
                case "--summary-max-age" -> summaryMaxAge = number(opt, v, 0, 60);
                default -> throw new UsageException("unknown option " + opt);
            }
        }
        if (small >= targets) {
            throw new UsageException("--small-targets " + small + " must be below --targets " + targets);
        }
        return new ConsoleOptions(targets, small, checks, requests, warmup, List.copyOf(pages), summaryMaxAge);
    }

    private static String page(String v) throws UsageException {
        if (!v.startsWith("/ui") && !v.startsWith("/api/")) {
            throw new UsageException("--page must be a path under /ui or /api/, not '" + v + "'");
        }
        return v;
    }
}
