package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium (Debian's {@code chromium}, driven by its {@code chromedriver}) with a fresh profile of its own,
 * removed at {@link #close}. Skips the calling test class when either is missing, unless {@code AAMI_REQUIRE_TOOLS} is
 * set (CI installs both): then it fails. The binaries are named explicitly, so Selenium Manager never runs (it would
 * try to download a driver; this network reaches no CDN).
 */
public final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("aami.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("aami.chromedriver", "/usr/bin/chromedriver"));
    /** Where every test leaves the screenshot of the page it checked (the module's target/). */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Dimension DESKTOP = new Dimension(1280, 900);

    private final ChromeDriver driver;
    private final Path profile;
    private final String owner;

    private Browser(ChromeDriver driver, Path profile, String owner) {
        this.driver = driver;
        this.profile = profile;
        this.owner = owner;
    }

    /** Skips (or, with AAMI_REQUIRE_TOOLS, fails) when chromium or chromedriver is not installed. */
    static void assumeInstalled() {
        for (Path tool : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
                assertThat(tool).as(tool + " (Debian packages chromium, chromium-driver; AAMI_REQUIRE_TOOLS is set)").isExecutable();
            }
            assumeTrue(Files.isExecutable(tool), tool + " not installed (Debian packages chromium, chromium-driver)");
        }
    }

    /** A new browser for the test class {@code owner} (its simple name prefixes the screenshots). */
    public static Browser start(String owner) {
        assumeInstalled();
        Path profile = tempDir("aami-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The flags issue 10 names, plus a profile of its own and /tmp instead of a container's small /dev/shm.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(logFile(owner))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile, owner);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves what the browser shows now as {@code target/screenshots/<class>-<name>.png}; returns the file. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(owner + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Back to the desktop size a test may have narrowed. */
    public void resetWindow() {
        driver.manage().window().setSize(DESKTOP);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static java.io.File logFile(String owner) {
        try {
            Files.createDirectories(Path.of("target"));
            return Path.of("target", "chromedriver-" + owner + ".log").toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover profile in /tmp is not a test failure.
        }
    }
}
