package io.aami.bench;

import io.aami.bench.BenchMain.UsageException;
import io.aami.common.config.Durations;
import java.time.Duration;
import java.util.List;

/** Reading one option's value the same way in every command; each refusal names the option. */
final class OptionValues {
    private OptionValues() {
    }

    static String value(List<String> args, int i, String opt) throws UsageException {
        if (!opt.startsWith("--")) {
            throw new UsageException("unexpected argument '" + opt + "'");
        }
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new UsageException(opt + " needs a value");
        }
        return args.get(i);
    }

    static int number(String opt, String v, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new UsageException(opt + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    static Duration duration(String opt, String v, Duration min) throws UsageException {
        try {
            Duration d = Durations.parse(v);
            if (d.compareTo(min) >= 0) {
                return d;
            }
            throw new UsageException(opt + " must be at least " + Durations.format(min) + ", not '" + v + "'");
        } catch (IllegalArgumentException e) {
            throw new UsageException(opt + ": " + e.getMessage());
        }
    }
}
