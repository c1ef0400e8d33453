package io.aami.bench;

import static io.aami.bench.OptionValues.value;
import static io.aami.bench.OptionValues.number;

import io.aami.bench.BenchMain.UsageException;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code metrics}, checked together; every refusal names the option (exit 2).
 * {@code prometheus} is the binary of the peer, null with {@code --no-prometheus}.
 */
public record MetricsOptions(int series, int checksPerTarget, int scrapes, int changesPerScrape, Duration maxAge,
                             String prometheus, Duration prometheusInterval, int prometheusScrapes) {
    static final int MAX_SERIES = 2_000_000;
    static final String USAGE = """
            usage: aami-bench metrics [--series 100000] [--checks-per-target 100] [--scrapes 5]
                     [--changes-per-scrape 1000] [--max-age 5s]
                     [--prometheus prometheus | --no-prometheus] [--prometheus-interval 10s] [--prometheus-scrapes 3]""";

    int targets() {
        return series / checksPerTarget;
    }

    public static MetricsOptions parse(List<String> args) throws UsageException {
        int series = 100_000;
        int perTarget = 100;
        int scrapes = 5;
        int changes = 1000;
        Duration maxAge = Duration.ofSeconds(5);
        String prometheus = "prometheus";
        Duration interval = Duration.ofSeconds(10);
        int promScrapes = 3;
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            if (opt.equals("--no-prometheus")) {
                prometheus = null;
                continue;
            }
            String v = value(args, ++i, opt);
            switch (opt) {
                case "--series" -> series = number(opt, v, 1, MAX_SERIES);
                case "--checks-per-target" -> perTarget = number(opt, v, 1, 10_000);
                case "--scrapes" -> scrapes = number(opt, v, 2, 1000);
                case "--changes-per-scrape" -> changes = number(opt, v, 0, MAX_SERIES);
                case "--max-age" -> maxAge = OptionValues.duration(opt, v, Duration.ZERO);
                case "--prometheus" -> prometheus = v;
                case "--prometheus-interval" -> interval = OptionValues.duration(opt, v, Duration.ofSeconds(1));
                case "--prometheus-scrapes" -> promScrapes = number(opt, v, 1, 100);
                default -> throw new UsageException("unknown option " + opt);
            }
        }
        if (series % perTarget != 0) {
            throw new UsageException("--series " + series + " must be a multiple of --checks-per-target " + perTarget);
        }
        if (changes > series) {
            throw new UsageException("--changes-per-scrape " + changes + " exceeds --series " + series);
        }
        return new MetricsOptions(series, perTarget, scrapes, changes, maxAge, prometheus, interval, promScrapes);
    }



}
