package io.aami.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's share of the work, the same for both processes: a GET of each {@code /metrics} every
 * 15 s (the first at once), while {@link #runFor} also calls a sampler once a second.
 */
final class Scrapes {
    private static final long SCRAPE_NANOS = Duration.ofSeconds(15).toNanos();
    private static final long SAMPLE_MILLIS = 1000;

    /** Reads something once a second; an {@link IOException} means a process is gone. */
    interface Sampler {
        void sample() throws IOException;
    }

    private final URI[] targets;
    private long nextScrape = System.nanoTime();

    Scrapes(URI... targets) {
        this.targets = targets.clone();
    }

    void runFor(Duration d, Sampler sampler) throws IOException, InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (true) {
            long now = System.nanoTime();
            if (now - nextScrape >= 0) {
                for (URI t : targets) {
                    NodeExporter.Scraper.scrape(t);
                }
                nextScrape = now + SCRAPE_NANOS;
            }
            if (sampler != null) {
                sampler.sample();
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS)));
        }
    }
}
