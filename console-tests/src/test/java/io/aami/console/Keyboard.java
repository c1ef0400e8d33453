package io.aami.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** Keyboard use: where the focus goes, and whether a person can see it. */
public final class Keyboard {
    /** WCAG 2.x, 1.4.11 (non-text contrast): a focus indicator needs 3:1 against what surrounds it. */
    static final double FOCUS_CONTRAST = 3.0;

    private static final String INDICATOR = """
            const e = arguments[0], s = getComputedStyle(e);
            const rgb = c => { const m = /rgba?\\(([^)]+)\\)/.exec(c || ""); if (!m) return null;
              const p = m[1].split(/[\\s,\\/]+/).filter(x => x !== "").map(Number);
              return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
            const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
            let behind = { r: 255, g: 255, b: 255, a: 1 };
            for (let p = e.parentElement; p; p = p.parentElement) {
              const c = rgb(getComputedStyle(p).backgroundColor);
              if (c && c.a > 0) { behind = c; break; }
            }
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight)
              return { shown: false, ratio: 0, what: "the element is off screen (" + [r.left, r.top, r.width, r.height].map(Math.round) + ")" };
            let colour = null;
            if (s.outlineStyle === "auto") return { shown: true, ratio: 21, what: "the browser's own focus ring" };
            if (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) colour = rgb(s.outlineColor);
            else if (s.boxShadow !== "none") colour = rgb(s.boxShadow);
            if (!colour || colour.a === 0) return { shown: false, ratio: 0, what: "no outline or box shadow" };
            const [hi, lo] = [lum(colour), lum(behind)].sort((x, y) => y - x);
            return { shown: true, ratio: (hi + 0.05) / (lo + 0.05),
                     what: "indicator rgb(" + [colour.r, colour.g, colour.b] + ") on rgb(" + [behind.r, behind.g, behind.b] + ")" };""";

    private Keyboard() {
    }

    /**
     * Fails unless {@code element}, focused now, is on screen and draws a focus indicator (an outline or a box shadow)
     * with at least 3:1 contrast against the background around it.
     */
    public static void assertFocusVisible(WebDriver driver, WebElement element, String what) {
        @SuppressWarnings("unchecked")
        Map<String, Object> found = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(INDICATOR, element);
        double ratio = ((Number) found.get("ratio")).doubleValue();
        if (!Boolean.TRUE.equals(found.get("shown")) || ratio < FOCUS_CONTRAST) {
            throw new AssertionError("the focus on " + what + " is not visible enough: " + found.get("what")
                    + String.format(", contrast %.2f:1 (needs %.1f:1)", ratio, FOCUS_CONTRAST));
        }
    }

    /**
     * Presses Tab until {@code target} has the focus (at most {@code limit} times), checking at every stop that the
     * focus is visible ({@link #assertFocusVisible}); the elements the focus stopped at, {@code target} last.
     */
    public static List<WebElement> tabTo(WebDriver driver, WebElement target, int limit) {
        List<WebElement> passed = new ArrayList<>();
        for (int i = 0; i < limit && !target.equals(driver.switchTo().activeElement()); i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            WebElement at = driver.switchTo().activeElement();
            assertFocusVisible(driver, at, at.getAttribute("outerHTML"));
            passed.add(at);
        }
        if (!target.equals(driver.switchTo().activeElement())) {
            throw new AssertionError(limit + " presses of Tab do not reach " + target.getAttribute("outerHTML"));
        }
        return passed;
    }
}
