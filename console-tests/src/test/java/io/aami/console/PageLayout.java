package io.aami.console;

import java.util.List;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/** How a page fits its window: narrow windows (a phone, a split screen) must not scroll sideways. */
public final class PageLayout {
    /** A phone held upright, or a quarter of a desktop screen. */
    public static final int NARROW = 400;

    private PageLayout() {
    }

    /**
     * Emulates a {@code width}-pixel-wide viewport (DevTools: a real window cannot be made this narrow on every
     * platform) until {@link #reset}; the page is laid out again at once.
     */
    public static void narrow(ChromeDriver driver, int width) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", 800, "deviceScaleFactor", 1, "mobile", false));
    }

    public static void reset(ChromeDriver driver) {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.manage().window().setSize(new Dimension(Browser.DESKTOP.width, Browser.DESKTOP.height));
    }

    /**
     * Fails when the page is wider than its viewport (it would scroll sideways), naming the elements that stick out
     * on the right.
     */
    public static void assertNoHorizontalScroll(ChromeDriver driver, String pageName) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fit = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                const width = document.documentElement.clientWidth;
                const wide = [];
                for (const e of document.body.querySelectorAll("*")) {
                  const r = e.getBoundingClientRect();
                  if (r.right > width + 0.5 && r.width > 0) wide.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                      + (e.className && typeof e.className === "string" ? "." + e.className.trim().replace(/\\s+/g, ".") : "")
                      + " right=" + Math.round(r.right));
                }
                return { viewport: width, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 20) };""");
        long viewport = ((Number) fit.get("viewport")).longValue();
        long scroll = ((Number) fit.get("scroll")).longValue();
        if (scroll > viewport) {
            @SuppressWarnings("unchecked")
            List<String> wide = (List<String>) fit.get("wide");
            throw new AssertionError(pageName + " scrolls sideways in a " + viewport + " px wide viewport (content " + scroll
                    + " px wide); sticking out:\n- " + String.join("\n- ", wide));
        }
    }

    /** The viewport's width as the page sees it. */
    public static long viewportWidth(ChromeDriver driver) {
        return ((Number) driver.executeScript("return document.documentElement.clientWidth")).longValue();
    }
}
