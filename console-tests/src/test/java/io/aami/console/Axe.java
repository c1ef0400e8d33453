package io.aami.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Accessibility by axe-core (vendored in {@code src/test/resources/axe}, see its README): the page's rules run in the
 * browser, and any {@code serious} or {@code critical} violation fails the test, each listed with the elements it
 * concerns. WebDriver's script injection is not subject to the page's Content-Security-Policy (it runs as the
 * browser's own script), so the console's strict CSP stays as it is.
 */
public final class Axe {
    private static final Set<String> FAILING = Set.of("serious", "critical");
    private static final String SOURCE = load();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Axe() {
    }

    /**
     * Runs axe-core on the page {@code driver} shows now; fails listing every serious or critical violation. Minor and
     * moderate ones are printed (the test's output in target/surefire-reports), not failed.
     */
    public static void assertAccessible(WebDriver driver, String pageName) {
        List<String> found = new ArrayList<>();
        for (JsonNode v : violations(driver)) {
            if (FAILING.contains(v.path("impact").asText())) {
                found.add(describe(v));
            } else {
                System.out.println("axe-core, not failed, on " + pageName + ":\n" + describe(v));
            }
        }
        if (!found.isEmpty()) {
            throw new AssertionError("axe-core found " + found.size() + " serious or critical violation(s) on " + pageName
                    + " (" + driver.getCurrentUrl() + "):\n" + String.join("\n", found));
        }
    }

    /** Every violation axe-core finds on the page. */
    static JsonNode violations(WebDriver driver) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(SOURCE);
        Object answer = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ["violations"] })
                   .then(r => done(JSON.stringify(r.violations)))
                   .catch(e => done("axe failed: " + e));""");
        String text = String.valueOf(answer);
        if (!text.startsWith("[")) {
            throw new AssertionError(text);
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(JsonNode v) {
        StringBuilder s = new StringBuilder("- " + v.path("impact").asText() + " " + v.path("id").asText() + ": "
                + v.path("help").asText() + " (" + v.path("helpUrl").asText() + ")");
        for (JsonNode node : v.path("nodes")) {
            s.append("\n    ").append(node.path("target")).append(' ').append(node.path("html").asText())
                    .append("\n      ").append(node.path("failureSummary").asText().replace("\n", "\n      "));
        }
        return s.toString();
    }

    private static String load() {
        try (InputStream in = Axe.class.getResourceAsStream("/axe/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe/axe.min.js missing from the test resources; see src/test/resources/axe/README.md");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
